"""Streaming checksums over request payloads, and the S3 errors for digests that do not match.

Every algorithm S3 accepts in `x-amz-checksum-*` (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, and the newer
SHA512 and XXHASH family) plus MD5 for Content-MD5 share one small interface: `update(bytes)` as pieces
stream past, then `digest()`. Headers and trailers carry digests base64-encoded, big-endian for the CRCs.
The CRCs come from awscrt, the same native code the SDKs use to compute them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, BinaryIO, Protocol

from fogbank.errors import ServiceError

if TYPE_CHECKING:
    from awscrt.checksums import XXHash

__all__ = [
    "ALGORITHMS",
    "CHECKSUM_HEADER_PREFIX",
    "Hasher",
    "MultiHasher",
    "b64",
    "bad_checksum",
    "checksum_header",
    "new",
    "sha256_hex",
    "verify_checksum",
    "verify_content_md5",
]

CHECKSUM_HEADER_PREFIX = "x-amz-checksum-"
PIECE = 1024 * 1024


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A CRC kept as an int, rendered big-endian as AWS sends it."""

    __slots__ = ("_fn", "_size", "_value")

    def __init__(self, fn: Callable[[bytes, int], int], size: int) -> None:
        self._fn = fn
        self._size = size
        self._value = 0

    def update(self, data: bytes, /) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


class _XXHash:
    __slots__ = ("_hash",)

    def __init__(self, factory: Callable[[], XXHash]) -> None:
        self._hash = factory()

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.finalize()


def _crt() -> ModuleType:
    # awscrt's native module costs tens of milliseconds and MiBs at import; most requests never need it.
    from awscrt import checksums

    return checksums


# Lower-case names, as in `x-amz-checksum-{name}`; `x-amz-sdk-checksum-algorithm` upper-cases them.
ALGORITHMS: dict[str, Callable[[], Hasher]] = {
    "crc32": lambda: _Crc(zlib.crc32, 4),
    "crc32c": lambda: _Crc(_crt().crc32c, 4),
    "crc64nvme": lambda: _Crc(_crt().crc64nvme, 8),
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
    "xxhash64": lambda: _XXHash(_crt().XXHash.new_xxhash64),
    "xxhash3": lambda: _XXHash(_crt().XXHash.new_xxhash3_64),
    "xxhash128": lambda: _XXHash(_crt().XXHash.new_xxhash3_128),
    "md5": hashlib.md5,
}

_DIGEST_SIZES = {
    "crc32": 4,
    "crc32c": 4,
    "crc64nvme": 8,
    "sha1": 20,
    "sha256": 32,
    "sha512": 64,
    "xxhash64": 8,
    "xxhash3": 8,
    "xxhash128": 16,
    "md5": 16,
}


def new(algorithm: str) -> Hasher:
    return ALGORITHMS[algorithm.lower()]()


def checksum_header(algorithm: str) -> str:
    return CHECKSUM_HEADER_PREFIX + algorithm.lower()


def b64(hasher: Hasher) -> str:
    return base64.b64encode(hasher.digest()).decode("ascii")


class MultiHasher:
    """Feeds one stream to several hashers at once, so a payload is read a single time."""

    __slots__ = ("hashers",)

    def __init__(self, algorithms: Iterable[str]) -> None:
        self.hashers: dict[str, Hasher] = {name: new(name) for name in algorithms}

    def update(self, data: bytes, /) -> None:
        for hasher in self.hashers.values():
            hasher.update(data)

    def b64digests(self) -> dict[str, str]:
        return {name: b64(hasher) for name, hasher in self.hashers.items()}


def sha256_hex(body: BinaryIO) -> str:
    """The hex SHA-256 of a seekable body, read in bounded pieces; leaves it rewound."""
    body.seek(0)
    digest = hashlib.sha256()
    while piece := body.read(PIECE):
        digest.update(piece)
    body.seek(0)
    return digest.hexdigest()


def _decode_b64(value: str, size: int) -> bytes | None:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == size else None


def verify_content_md5(header: str, computed_b64: str) -> None:
    """Content-MD5 as S3 checks it: malformed -> InvalidDigest, different -> BadDigest."""
    if _decode_b64(header, 16) is None:
        raise ServiceError(
            "InvalidDigest", "The Content-MD5 you specified was invalid.", 400, fields={"Content-MD5": header}
        )
    if header.strip() != computed_b64:
        raise ServiceError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            400,
            fields={"ExpectedDigest": header, "CalculatedDigest": computed_b64},
        )


def bad_checksum(algorithm: str) -> ServiceError:
    return ServiceError(
        "BadDigest", f"The {algorithm.upper()} you specified did not match the calculated checksum.", 400
    )


def verify_checksum(algorithm: str, expected_b64: str, computed_b64: str) -> None:
    """An `x-amz-checksum-*` value (header or trailer) against the digest computed over the payload."""
    if _decode_b64(expected_b64, _DIGEST_SIZES[algorithm.lower()]) is None:
        raise ServiceError(
            "InvalidRequest", f"Value for {checksum_header(algorithm)} header is invalid.", 400
        )
    if expected_b64.strip() != computed_b64:
        raise bad_checksum(algorithm)
