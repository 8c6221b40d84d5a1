"""aws-chunked bodies: signed chunks built here from the AWS spec, unsigned ones captured from boto3."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from collections.abc import Iterator

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import authenticate, checksums, chunked, sigv4
from fogbank.auth.decode import decode_body
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from tests.auth.auth_helpers import ACCESS_KEY, SECRET, capture, client, lookup, now, to_http

EMPTY = hashlib.sha256(b"").hexdigest()
DATA = bytes(range(256)) * 700  # 179,200 bytes: two 64 KiB chunks and a shorter last one


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def encode_signed(
    data: bytes,
    key: bytes,
    timestamp: str,
    scope: str,
    seed: str,
    *,
    size: int = 65536,
    trailers: dict[str, str] | None = None,
) -> bytes:
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) as the AWS documentation lays it out."""
    out = bytearray()
    previous = seed
    for chunk in [*_pieces(data, size), b""]:
        to_sign = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{timestamp}\n{scope}\n{previous}\n{EMPTY}\n"
            f"{hashlib.sha256(chunk).hexdigest()}"
        )
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        out += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk
        if chunk:
            out += b"\r\n"
    if trailers is not None:
        canonical = "".join(f"{name}:{value}\n" for name, value in trailers.items())
        to_sign = (
            f"AWS4-HMAC-SHA256-TRAILER\n{timestamp}\n{scope}\n{previous}\n"
            f"{hashlib.sha256(canonical.encode()).hexdigest()}"
        )
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        out += canonical.replace("\n", "\r\n").encode() + f"x-amz-trailer-signature:{signature}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


def signed_upload(
    data: bytes = DATA,
    *,
    trailer: bool = False,
    secret: str = SECRET,
    access_key: str = ACCESS_KEY,
    **kw: object,
) -> HttpRequest:
    """A streaming SigV4 PUT: the header signature is the seed that the chunk signatures chain from."""
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {
        "X-Amz-Content-SHA256": mode,
        "Content-Encoding": "aws-chunked",
        "X-Amz-Decoded-Content-Length": str(len(data)),
    }
    if trailer:
        headers["X-Amz-Trailer"] = "x-amz-checksum-crc32c"
    request = AWSRequest(method="PUT", url="http://localhost:4566/bucket/key", headers=headers)
    SigV4Auth(Credentials(access_key, secret), "s3", "us-east-1").add_auth(request)
    http = to_http(request)
    sig = sigv4.parse_header(http, "s3")
    key = sigv4.signing_key(secret, sig.date, sig.region, sig.service)
    trailers = None
    if trailer:
        crc = checksums.new("crc32c")
        crc.update(data)
        trailers = {"x-amz-checksum-crc32c": checksums.b64(crc)}
    http.body = io.BytesIO(
        encode_signed(data, key, sig.timestamp, sig.scope, sig.signature, trailers=trailers, **kw)
    )
    return http


def decode(request: HttpRequest, strict: bool = True) -> tuple[bytes, object]:
    _, sig, secret = authenticate(request, now=now(), strict=strict, lookup=lookup)
    result = decode_body(request, sig, secret, None)
    return request.body.read(), result


def error_of(request: HttpRequest, strict: bool = True) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        decode(request, strict)
    return error.value


def test_signed_chunks() -> None:
    body, result = decode(signed_upload())
    assert body == DATA and result.length == len(DATA)  # type: ignore[attr-defined]


def test_signed_chunks_with_signed_trailer() -> None:
    request = signed_upload(trailer=True)
    body, result = decode(request)
    assert body == DATA
    assert result.trailers["x-amz-checksum-crc32c"] == result.checksums["crc32c"]  # type: ignore[attr-defined]
    assert "content-encoding" not in request.headers
    assert request.headers["content-length"] == str(len(DATA))


def test_empty_signed_payload() -> None:
    body, result = decode(signed_upload(b""))
    assert body == b"" and result.length == 0  # type: ignore[attr-defined]


def test_tampered_chunk_fails() -> None:
    request = signed_upload()
    raw = bytearray(request.body.getvalue())  # type: ignore[attr-defined]
    raw[70000] ^= 1
    request.body = io.BytesIO(bytes(raw))
    assert error_of(request).code == "SignatureDoesNotMatch"


def test_tampered_trailer_fails() -> None:
    request = signed_upload(trailer=True)
    raw = request.body.getvalue()  # type: ignore[attr-defined]
    crc = raw.split(b"x-amz-checksum-crc32c:")[1].split(b"\r\n")[0]
    request.body = io.BytesIO(raw.replace(crc, b"AAAAAA=="))
    assert error_of(request).code == "SignatureDoesNotMatch"


def test_chunk_signatures_of_default_keys_are_not_verified() -> None:
    request = signed_upload(access_key="test", secret="whatever")
    raw = request.body.getvalue()  # type: ignore[attr-defined]
    request.body = io.BytesIO(raw.replace(b"chunk-signature=", b"chunk-signature=0", 1))
    body, _ = decode(request, strict=False)
    assert body == DATA


def test_chunks_under_8k_before_the_last_are_refused() -> None:
    error = error_of(signed_upload(size=4096))
    assert (error.code, error.status) == ("InvalidChunkSizeError", 403)


@pytest.mark.parametrize("cut", [10, 1000, 70000, -60, -3])
def test_truncated_body(cut: int) -> None:
    request = signed_upload()
    request.body = io.BytesIO(request.body.getvalue()[:cut])  # type: ignore[attr-defined]
    assert error_of(request).code in {"IncompleteBody", "SignatureDoesNotMatch"}


def test_garbled_chunk_size() -> None:
    request = signed_upload()
    request.body = io.BytesIO(b"zz" + request.body.getvalue()[5:])  # type: ignore[attr-defined]
    assert error_of(request).code == "IncompleteBody"


def test_decoded_length_is_checked() -> None:
    request = signed_upload()
    request.headers["x-amz-decoded-content-length"] = str(len(DATA) + 1)
    # The header is signed: fogbank's check must come from the body, so sign it as sent.
    error = error_of(request)
    assert error.code in {"IncompleteBody", "SignatureDoesNotMatch"}
    unsigned = HttpRequest(
        "PUT",
        "/b/k",
        headers={"content-encoding": "aws-chunked", "x-amz-decoded-content-length": "4"},
        body=io.BytesIO(b"3\r\nabc\r\n0\r\n\r\n"),
    )
    with pytest.raises(ServiceError) as raised:
        decode_body(unsigned, None, None, None)
    assert raised.value.code == "IncompleteBody"


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_boto3_unsigned_trailer_over_https(algorithm: str, tmp_path: object) -> None:
    boto = client("s3", "https://localhost:4566")
    data = b"payload " * 300_000  # 2.4 MB: several 1 MiB chunks, spooled to disk once decoded
    request = capture(boto, "put_object", Bucket="b", Key="k", Body=data, ChecksumAlgorithm=algorithm)
    assert request.headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert request.headers["content-encoding"] == "aws-chunked"
    _, sig, secret = authenticate(request, now=now(), strict=True, lookup=lookup)
    result = decode_body(request, sig, secret, str(tmp_path), content_digests=True)
    assert request.body.read() == data
    # Announced as larger than the in-memory spool: a named file the blob store can link into place.
    assert os.path.dirname(request.body.name) == str(tmp_path)  # type: ignore[attr-defined]
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.md5 == hashlib.md5(data).hexdigest()
    name = algorithm.lower()
    assert result.checksums[name] == result.trailers[f"x-amz-checksum-{name}"]


def test_boto3_unsigned_trailer_mismatch() -> None:
    boto = client("s3", "https://localhost:4566")
    request = capture(boto, "put_object", Bucket="b", Key="k", Body=b"hello", ChecksumAlgorithm="CRC32")
    request.body = io.BytesIO(request.body.getvalue().replace(b"hello", b"jello"))  # type: ignore[attr-defined]
    error = error_of(request)
    assert error.code == "BadDigest"
    assert error.message == "The CRC32 you specified did not match the calculated checksum."


def test_decoder_streams_in_bounded_reads() -> None:
    reads: list[int] = []

    class Source(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(-1 if size is None else size)
            return super().read(size)

    body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in _pieces(DATA, 100_000)) + b"0\r\n\r\n"
    out = io.BytesIO()
    result = chunked.decode(Source(body), out.write)
    assert out.getvalue() == DATA and result.length == len(DATA)
    assert all(0 < size <= chunked.READ_SIZE for size in reads)
