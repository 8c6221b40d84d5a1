"""The ciphertext blob of a symmetric KMS key: what Encrypt and GenerateDataKey return, and Decrypt opens.

    byte 0        format (1)
    byte 1        n, the length of the key ARN
    bytes 2..     the key ARN (n bytes, ASCII), then the material version (4 bytes, big-endian)
    then          a random 12-byte IV, the AES-256-GCM ciphertext and its 16-byte tag

The blob names its key, so Decrypt needs no KeyId (and another account's key is found by its ARN), and
its material version, so ciphertexts made before a rotation still decrypt. The header and the encryption
context are the GCM's authenticated data: a flipped bit anywhere, or another context, fails the tag. The
context is bound in one canonical form — JSON with sorted keys and no spaces — so the order in which a
client sends its pairs does not matter.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass

from fogbank.errors import ServiceError

__all__ = ["Sealed", "invalid_ciphertext", "key_arn", "open_sealed", "parse", "seal"]

FORMAT = 1
IV_SIZE = 12
TAG_SIZE = 16


@dataclass(frozen=True, slots=True)
class Sealed:
    arn: str
    version: int
    header: bytes
    iv: bytes
    body: bytes  # ciphertext and tag


def invalid_ciphertext() -> ServiceError:
    return ServiceError("InvalidCiphertextException", "", 400)


def _canonical(context: dict[str, str] | None) -> bytes:
    if not context:
        return b""
    return json.dumps(context, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(arn: str, version: int, key: bytes, plaintext: bytes, context: dict[str, str] | None) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    name = arn.encode()
    header = bytes((FORMAT, len(name))) + name + struct.pack(">I", version)
    iv = os.urandom(IV_SIZE)
    return header + iv + AESGCM(key).encrypt(iv, plaintext, header + _canonical(context))


def parse(blob: bytes) -> Sealed:
    """The blob's parts, or InvalidCiphertextException when it is not one of fogbank's blobs."""
    if len(blob) < 2 or blob[0] != FORMAT:
        raise invalid_ciphertext()
    end = 2 + blob[1]
    if len(blob) < end + 4 + IV_SIZE + TAG_SIZE:
        raise invalid_ciphertext()
    try:
        arn = blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise invalid_ciphertext() from None
    (version,) = struct.unpack(">I", blob[end : end + 4])
    header_end = end + 4
    return Sealed(
        arn, version, blob[:header_end], blob[header_end : header_end + IV_SIZE], blob[header_end + IV_SIZE :]
    )


def key_arn(blob: bytes) -> str | None:
    """The ARN of the key that made `blob`, or None when it is not one of fogbank's blobs."""
    try:
        return parse(blob).arn
    except ServiceError:
        return None


def open_sealed(sealed: Sealed, key: bytes, context: dict[str, str] | None) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(sealed.iv, sealed.body, sealed.header + _canonical(context))
    except InvalidTag:
        raise invalid_ciphertext() from None
