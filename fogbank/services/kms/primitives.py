"""The asymmetric and MAC primitives behind KMS's algorithm names, as pure functions over key bytes.

RSAES_OAEP_SHA_* is OAEP with MGF1 over the same hash and no label; RSASSA_PSS_* uses a salt as long
as the digest, as AWS documents; ECDSA signatures are DER-encoded. MessageType DIGEST signs a digest
the caller made, which must be as long as the algorithm's hash.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.kms.keyspecs import load_private

__all__ = ["oaep_decrypt", "oaep_encrypt", "mac", "sign", "verify"]

_HASH_NAMES = {
    "SHA_1": "sha1",
    "SHA_224": "sha224",
    "SHA_256": "sha256",
    "SHA_384": "sha384",
    "SHA_512": "sha512",
}


def _hash_name(algorithm: str) -> str:
    return _HASH_NAMES["SHA_" + algorithm.rsplit("_SHA_", 1)[1]]


def _hash(algorithm: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    return {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[
        _hash_name(algorithm)
    ]()


@lru_cache(maxsize=256)
def _public(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_public_key(der)


def _oaep(algorithm: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.OAEP(mgf=padding.MGF1(_hash(algorithm)), algorithm=_hash(algorithm), label=None)


def oaep_encrypt(public_der: bytes, algorithm: str, plaintext: bytes) -> bytes:
    try:
        return bytes(_public(public_der).encrypt(plaintext, _oaep(algorithm)))
    except ValueError:
        raise ServiceError(
            "ValidationException", f"Plaintext is too long for {algorithm} with this key.", 400
        ) from None


def oaep_decrypt(private_der: bytes, algorithm: str, ciphertext: bytes) -> bytes:
    try:
        return bytes(load_private(private_der).decrypt(ciphertext, _oaep(algorithm)))
    except ValueError:
        raise ServiceError("InvalidCiphertextException", "", 400) from None


def _signing(algorithm: str, digest: bool) -> tuple[Any, Any]:
    """(padding or ECDSA scheme, hash object) for `algorithm`."""
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    chosen = utils.Prehashed(_hash(algorithm)) if digest else _hash(algorithm)
    if algorithm.startswith("ECDSA"):
        return ec.ECDSA(chosen), None
    if algorithm.startswith("RSASSA_PSS"):
        scheme = padding.PSS(mgf=padding.MGF1(_hash(algorithm)), salt_length=_hash(algorithm).digest_size)
    else:
        scheme = padding.PKCS1v15()
    return scheme, chosen


def _check_digest(algorithm: str, message: bytes, digest: bool) -> None:
    size = hashlib.new(_hash_name(algorithm)).digest_size
    if digest and len(message) != size:
        raise ServiceError(
            "ValidationException",
            f"Digest is invalid length for algorithm {algorithm}.",
            400,
        )


def sign(private_der: bytes, algorithm: str, message: bytes, digest: bool) -> bytes:
    _check_digest(algorithm, message, digest)
    scheme, chosen = _signing(algorithm, digest)
    key = load_private(private_der)
    return bytes(key.sign(message, scheme) if chosen is None else key.sign(message, scheme, chosen))


def verify(public_der: bytes, algorithm: str, message: bytes, signature: bytes, digest: bool) -> bool:
    from cryptography.exceptions import InvalidSignature

    _check_digest(algorithm, message, digest)
    scheme, chosen = _signing(algorithm, digest)
    key = _public(public_der)
    try:
        if chosen is None:
            key.verify(signature, message, scheme)
        else:
            key.verify(signature, message, scheme, chosen)
    except (InvalidSignature, ValueError):
        return False
    return True


def mac(secret: bytes, algorithm: str, message: bytes) -> bytes:
    return hmac.new(secret, message, _hash_name(algorithm)).digest()
