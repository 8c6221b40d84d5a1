"""The decode stage: turns the body as sent into the payload the operation reads, and checks its digests.

In one streaming pass over the body it undoes `aws-chunked` (checking chunk and trailer signatures),
undoes gzip request compression (not for S3, where Content-Encoding is the object's metadata), and feeds
every digest the request names: Content-MD5, the `x-amz-checksum-*` header or trailer, and the SHA-256 in
a hex `x-amz-content-sha256`. A new body is written to a spool file that stays in memory up to 1 MiB (one
announced as larger goes straight to a named file, which the blob store can adopt without a copy).
The digests it computed are returned so S3 can store them with the object; asked for `content_digests`,
it also returns the payload's hex SHA-256 and MD5, so the blob store need not read the bytes again.
"""

from __future__ import annotations

import hashlib
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from fogbank.auth import chunked
from fogbank.auth.checksums import (
    ALGORITHMS,
    PIECE,
    MultiHasher,
    checksum_header,
    verify_checksum,
    verify_content_md5,
)
from fogbank.auth.sigv4 import S3_SERVICES, STREAMING_PAYLOADS, SigV4, signing_key
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest

__all__ = ["SPOOL_MEMORY", "DecodedBody", "decode_body", "new_spool"]

SPOOL_MEMORY = 1024 * 1024
_CHECKSUMS = tuple(name for name in ALGORITHMS if name != "md5")
_CHECKSUM_HEADERS = tuple((checksum_header(name), name) for name in _CHECKSUMS)
_SIGNED = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")


@dataclass(frozen=True, slots=True)
class DecodedBody:
    length: int
    # Base64 digests computed over the decoded payload, by lower-case algorithm name ("crc32", "md5"...).
    checksums: dict[str, str] = field(default_factory=dict)
    trailers: dict[str, str] = field(default_factory=dict)
    # Hex digests of the decoded payload, when asked for: its blob address and its S3 ETag.
    sha256: str | None = None
    md5: str | None = None


def new_spool(spool_dir: str | None, expected: int | None = None) -> BinaryIO:
    """A body file that stays in memory up to 1 MiB and rolls over to `spool_dir` beyond; one `expected`
    to be larger is a named file in `spool_dir` from the start."""
    if expected is not None and expected > SPOOL_MEMORY:
        return tempfile.NamedTemporaryFile(dir=spool_dir, prefix="d-")  # type: ignore[return-value]
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, dir=spool_dir)  # type: ignore[return-value]


def _declared_length(request: HttpRequest) -> int | None:
    declared = request.headers.get("x-amz-decoded-content-length", "").strip()
    return int(declared) if declared.isdigit() else None


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidRequest", message, 400)


def _requested_algorithms(request: HttpRequest, checksum_headers: bool) -> tuple[list[str], list[str]]:
    """(algorithms whose value is in a header, algorithms announced as trailers)."""
    headers = request.headers
    in_header = [a for header, a in _CHECKSUM_HEADERS if header in headers] if checksum_headers else []
    trailer = headers.get("x-amz-trailer")
    in_trailer = (
        [
            name.strip().lower().removeprefix("x-amz-checksum-")
            for name in trailer.split(",")
            if name.strip().lower().startswith("x-amz-checksum-")
        ]
        if trailer
        else []
    )
    unknown = [a for a in in_trailer if a not in _CHECKSUMS]
    sdk = headers.get("x-amz-sdk-checksum-algorithm")
    if unknown or (sdk is not None and sdk.lower() not in _CHECKSUMS):
        raise _invalid(
            "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
            "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    if len(in_header) + len(in_trailer) > 1:
        raise _invalid("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
    if sdk is not None and checksum_headers and sdk.lower() not in in_header + in_trailer:
        raise _invalid(
            "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
            "or x-amz-trailer headers were found."
        )
    return in_header, in_trailer


def _encodings(request: HttpRequest) -> list[str]:
    header = request.headers.get("content-encoding")
    return [e.strip().lower() for e in header.split(",") if e.strip()] if header else []


def decode_body(
    request: HttpRequest,
    sigv4: SigV4 | None,
    secret: str | None,
    spool_dir: str | None,
    *,
    s3: bool | None = None,
    checksum_headers: bool = True,
    compute: tuple[str, ...] = (),
    content_digests: bool = False,
) -> DecodedBody:
    """Decode `request.body` in place and verify its digests; returns what was computed.

    `secret` None means chunk signatures are not verified (a default key). `s3` defaults to whether the
    request is signed for S3 (or unsigned); under S3 gzip stays encoded. `checksum_headers` False is for
    operations whose `x-amz-checksum-*` headers describe something else than the body
    (CompleteMultipartUpload). `compute` names extra digests wanted, such as "md5" for an ETag.
    `content_digests` asks for the hex SHA-256 and MD5 of the payload (not for gzip bodies that are inflated).
    """
    headers = request.headers
    if s3 is None:
        s3 = sigv4 is None or sigv4.service in S3_SERVICES
    content_sha256 = headers.get("x-amz-content-sha256", "").strip()
    encodings = _encodings(request)
    is_chunked = "aws-chunked" in encodings or content_sha256 in STREAMING_PAYLOADS
    gunzip = not s3 and "gzip" in encodings
    if content_sha256.startswith("STREAMING-AWS4-ECDSA"):
        raise ServiceError("NotImplemented", "SigV4a streaming payloads are not supported by fogbank.", 501)

    in_header, in_trailer = _requested_algorithms(request, checksum_headers)
    wanted = dict.fromkeys([*in_header, *in_trailer, *compute])
    if "content-md5" in headers:
        wanted["md5"] = None
    # A hex x-amz-content-sha256 is signed as given; only the body can tell whether it is true.
    check_sha256 = len(content_sha256) == 64 and not is_chunked
    if not (wanted or check_sha256 or is_chunked or gunzip or content_digests):
        # Most requests: the body is the payload as sent and names no digest; only its length is wanted.
        length = request.body.seek(0, 2)
        request.body.seek(0)
        return DecodedBody(length)
    hashers = MultiHasher(wanted)
    sha256 = hashlib.sha256() if check_sha256 else None
    sinks: list[Callable[[bytes], object]] = [hashers.update] if wanted else []
    if sha256 is not None:
        sinks.append(sha256.update)
    # The payload digests ride along the pass that reads the bytes anyway, sharing the hashers it has.
    payload_sha256 = payload_md5 = None
    if content_digests and not gunzip:
        payload_sha256 = sha256
        if payload_sha256 is None:
            payload_sha256 = hashlib.sha256()
            sinks.append(payload_sha256.update)
        payload_md5 = hashers.hashers.get("md5")
        if payload_md5 is None:
            payload_md5 = hashlib.md5()
            sinks.append(payload_md5.update)

    trailers: dict[str, str] = {}
    request.body.seek(0)
    if is_chunked:
        out = new_spool(spool_dir, _declared_length(request))
        trailers = _dechunk(request, out, sigv4, secret, content_sha256, sinks, gunzip)
        length = _replace_body(request, out, encodings, gunzip)
    elif gunzip:
        out = new_spool(spool_dir)
        inflate = _Gunzip(out.write)
        _scan(request.body, [*sinks, inflate])
        inflate.flush()
        length = _replace_body(request, out, encodings, gunzip)
    elif sinks:
        length = _scan(request.body, sinks)
        request.body.seek(0)
    else:
        length = request.body.seek(0, 2)
        request.body.seek(0)

    if sha256 is not None:
        computed = sha256.hexdigest()
        if computed != content_sha256.lower():
            raise ServiceError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                400,
                fields={"ClientComputedContentSHA256": content_sha256, "S3ComputedContentSHA256": computed},
            )
    digests = hashers.b64digests()
    if "content-md5" in headers:
        verify_content_md5(headers["content-md5"], digests["md5"])
    for algorithm in in_header:
        verify_checksum(algorithm, headers[checksum_header(algorithm)], digests[algorithm])
    for algorithm in in_trailer:
        value = trailers.get(checksum_header(algorithm))
        if value is None:
            raise ServiceError(
                "MalformedTrailerError",
                "The request contained trailing data that was not well-formed or did not conform to our "
                "published schema.",
                400,
            )
        verify_checksum(algorithm, value, digests[algorithm])
    return DecodedBody(
        length,
        digests,
        trailers,
        sha256=payload_sha256.digest().hex() if payload_sha256 is not None else None,
        md5=payload_md5.digest().hex() if payload_md5 is not None else None,
    )


def _scan(body: BinaryIO, sinks: list[Callable[[bytes], object]]) -> int:
    length = 0
    while piece := body.read(PIECE):
        for sink in sinks:
            sink(piece)
        length += len(piece)
    return length


def _dechunk(
    request: HttpRequest,
    out: BinaryIO,
    sigv4: SigV4 | None,
    secret: str | None,
    content_sha256: str,
    digests: list[Callable[[bytes], object]],
    gunzip: bool,
) -> dict[str, str]:
    """aws-chunked -> `out`; the digests cover the payload as chunked, before any gzip is undone."""
    inflate = _Gunzip(out.write) if gunzip else None
    sink = inflate or out.write

    def write(piece: bytes) -> None:
        for digest in digests:
            digest(piece)
        sink(piece)

    result = chunked.decode(
        request.body,
        write,
        signer=_signer(sigv4, secret, content_sha256),
        signed=content_sha256 in _SIGNED,
        signed_trailer=content_sha256 == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    )
    if inflate is not None:
        inflate.flush()
    declared = request.headers.get("x-amz-decoded-content-length")
    if declared is not None and declared.strip() != str(result.length):
        raise ServiceError(
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
            400,
        )
    return result.trailers


def _signer(sigv4: SigV4 | None, secret: str | None, content_sha256: str) -> chunked.ChunkSigner | None:
    if sigv4 is None or secret is None or content_sha256 not in _SIGNED:
        return None
    key = signing_key(secret, sigv4.date, sigv4.region, sigv4.service)
    return chunked.ChunkSigner(key, sigv4.timestamp, sigv4.scope, sigv4.signature)


def _replace_body(request: HttpRequest, out: BinaryIO, encodings: list[str], gunzipped: bool) -> int:
    """The decoded payload becomes the body, and the headers describe it from here on, as S3 stores it."""
    length = out.tell()
    out.seek(0)
    request.body = out
    request._content = None  # a cached read of the encoded body is stale now
    headers = request.headers
    kept = [e for e in encodings if e != "aws-chunked" and not (gunzipped and e == "gzip")]
    if kept:
        headers["content-encoding"] = ",".join(kept)
    else:
        headers.pop("content-encoding", None)
    headers["content-length"] = str(length)
    return length


class _Gunzip:
    """Inflates gzip request compression piece by piece, so a small body cannot balloon in memory."""

    __slots__ = ("_inflate", "_write")

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._write = write

    def __call__(self, data: bytes) -> None:
        try:
            while data:
                out = self._inflate.decompress(data, PIECE)
                self._write(out)
                data = self._inflate.unconsumed_tail
        except zlib.error as exc:
            raise _invalid(f"The request body is not valid gzip: {exc}") from None

    def flush(self) -> None:
        if not self._inflate.eof:
            raise _invalid("The request body is not valid gzip: it ends early")
