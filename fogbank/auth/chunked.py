"""The `aws-chunked` payload encoding: a streaming decoder for unsigned and signed chunks and trailers.

Wire format (one chunk per line pair, sizes in hex):

    <size>[;chunk-signature=<sig>]\\r\\n<size bytes>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    [<trailer-name>:<value>\\r\\n ... [x-amz-trailer-signature:<sig>\\r\\n]]\\r\\n

Signed chunks chain: each chunk's signature signs the previous one (the first signs the request's seed
signature) and the SHA-256 of its data; a signed trailer signs the last chunk signature and the trailer
lines. The decoder reads the source in bounded pieces and hands decoded data to `write` as it goes, so
memory stays bounded whatever the payload size.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from fogbank.errors import ServiceError

__all__ = ["ChunkSigner", "Decoded", "decode"]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
READ_SIZE = 64 * 1024
MAX_LINE = 4096
MIN_SIGNED_CHUNK = 8192  # S3: every signed chunk but the last carries at least 8 KiB


@dataclass(slots=True)
class ChunkSigner:
    """What it takes to check chunk signatures: the derived key, the request's time and scope, the seed."""

    key: bytes
    timestamp: str  # YYYYMMDDTHHMMSSZ, as in the request's string to sign
    scope: str
    previous: str  # the seed signature, then each chunk's in turn

    def _sign(self, string_to_sign: str) -> str:
        return hmac.digest(self.key, string_to_sign.encode(), "sha256").hex()

    def check_chunk(self, data_sha256: str, provided: str | None) -> None:
        to_sign = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{self.timestamp}\n{self.scope}\n{self.previous}\n"
            f"{EMPTY_SHA256}\n{data_sha256}"
        )
        self._check(to_sign, provided)

    def check_trailer(self, canonical_trailers: str, provided: str | None) -> None:
        digest = hashlib.sha256(canonical_trailers.encode()).hexdigest()
        self._check(
            f"AWS4-HMAC-SHA256-TRAILER\n{self.timestamp}\n{self.scope}\n{self.previous}\n{digest}", provided
        )

    def _check(self, to_sign: str, provided: str | None) -> None:
        expected = self._sign(to_sign)
        if provided is None or not hmac.compare_digest(expected.encode(), provided.encode()):
            raise ServiceError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.",
                403,
                fields={"StringToSign": to_sign, "SignatureProvided": provided or ""},
            )
        self.previous = expected


@dataclass(frozen=True, slots=True)
class Decoded:
    length: int  # decoded payload bytes
    trailers: dict[str, str]  # lower-case names, without x-amz-trailer-signature


def _incomplete(detail: str = "The request body terminated unexpectedly") -> ServiceError:
    return ServiceError("IncompleteBody", detail, 400)


def _malformed_trailer() -> ServiceError:
    return ServiceError(
        "MalformedTrailerError",
        "The request contained trailing data that was not well-formed or did not conform to our "
        "published schema.",
        400,
    )


class _Reader:
    """Buffered reads over the source with line and exact-length primitives."""

    __slots__ = ("_buf", "_eof", "_src")

    def __init__(self, src: BinaryIO) -> None:
        self._src = src
        self._buf = bytearray()
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        piece = self._src.read(READ_SIZE)
        if not piece:
            self._eof = True
            return False
        self._buf += piece
        return True

    def at_eof(self) -> bool:
        return not self._buf and not self._fill()

    def line(self, unterminated_ok: bool = False) -> bytes | None:
        """The next CRLF-terminated line without its CRLF; None at a clean end of input."""
        start = 0
        while True:
            end = self._buf.find(b"\r\n", start)
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 2]
                return line
            if len(self._buf) > MAX_LINE:
                raise _incomplete("The aws-chunked stream carries a line longer than allowed")
            start = max(0, len(self._buf) - 1)
            if not self._fill():
                if self._buf:
                    if not unterminated_ok:
                        raise _incomplete()
                    line = bytes(self._buf)
                    self._buf.clear()
                    return line
                return None

    def copy(self, size: int, sinks: list[Callable[[bytes], object]]) -> None:
        """Pass exactly `size` bytes to every sink, in pieces."""
        while size:
            if not self._buf and not self._fill():
                raise _incomplete()
            piece = bytes(self._buf[:size])
            del self._buf[: len(piece)]
            size -= len(piece)
            for sink in sinks:
                sink(piece)

    def expect_crlf(self) -> None:
        while len(self._buf) < 2 and self._fill():
            pass
        if self._buf[:2] != b"\r\n":
            raise _incomplete("The aws-chunked stream is malformed: a chunk does not end where its size says")
        del self._buf[:2]


def _chunk_header(line: bytes) -> tuple[int, str | None]:
    size_text, _, extensions = line.partition(b";")
    try:
        size = int(size_text.strip(), 16)
    except ValueError:
        raise _incomplete(f"The aws-chunked stream is malformed: bad chunk size {size_text[:32]!r}") from None
    signature = None
    for extension in extensions.split(b";"):
        name, _, value = extension.partition(b"=")
        if name.strip() == b"chunk-signature":
            signature = value.strip().decode("ascii", "replace")
    return size, signature


def decode(
    src: BinaryIO,
    write: Callable[[bytes], object],
    *,
    signer: ChunkSigner | None = None,
    signed: bool = False,
    signed_trailer: bool = False,
) -> Decoded:
    """Decode an aws-chunked stream from `src`, handing the payload to `write`.

    `signed` says the chunks carry signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD...), `signed_trailer`
    that the trailer does; `signer` checks them, or is None when the caller's key is not verified.
    """
    reader = _Reader(src)
    length = 0
    small_chunk_seen = False
    while True:
        line = reader.line()
        if line is None:
            raise _incomplete()
        size, signature = _chunk_header(line)
        if signed and signature is None:
            raise _incomplete("The aws-chunked stream is malformed: a chunk has no chunk-signature")
        if small_chunk_seen and size > 0:
            raise ServiceError(
                "InvalidChunkSizeError",
                "Only the last chunk is allowed to have a size less than 8192 bytes",
                403,
            )
        if signed and size < MIN_SIGNED_CHUNK:
            small_chunk_seen = size > 0
        sinks: list[Callable[[bytes], object]] = [write]
        digest = hashlib.sha256() if signer is not None and signed else None
        if digest is not None:
            sinks.append(digest.update)
        reader.copy(size, sinks)
        length += size
        if signer is not None and signed:
            signer.check_chunk(digest.hexdigest() if digest else EMPTY_SHA256, signature)
        if size == 0:
            break
        reader.expect_crlf()
    return Decoded(length, _trailers(reader, signer if signed_trailer else None, signed_trailer))


def _trailers(reader: _Reader, signer: ChunkSigner | None, signed_trailer: bool) -> dict[str, str]:
    trailers: dict[str, str] = {}
    canonical: list[str] = []
    trailer_signature: str | None = None
    while True:
        # Some clients end the stream without the closing empty line, or even the last CRLF.
        line = reader.line(unterminated_ok=True)
        if not line:
            break
        name, sep, value = line.decode("utf-8", "replace").partition(":")
        if not sep:
            raise _malformed_trailer()
        name, value = name.strip().lower(), value.strip()
        if name == "x-amz-trailer-signature":
            trailer_signature = value
            continue
        trailers[name] = value
        canonical.append(f"{name}:{value}\n")
    if signed_trailer and trailer_signature is None:
        raise _malformed_trailer()
    if signer is not None:
        signer.check_trailer("".join(canonical), trailer_signature)
    return trailers
