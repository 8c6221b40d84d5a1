"""KMS key specs: which usages each allows, the algorithms DescribeKey lists, and making their material.

Symmetric material is 32 random bytes; HMAC material is random bytes of the hash's block-sized key
length AWS uses; asymmetric material is the private key as PKCS #8 DER, with its public key as DER
SubjectPublicKeyInfo (what GetPublicKey returns).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

__all__ = ["ALGORITHMS", "HMAC_SIZES", "generate", "load_private", "is_asymmetric", "is_hmac"]

_RSA_ENCRYPT = {"EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}
_RSA_SIGN = {
    "SigningAlgorithms": [
        "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512",
        "RSASSA_PSS_SHA_256",
        "RSASSA_PSS_SHA_384",
        "RSASSA_PSS_SHA_512",
    ]
}

# KeySpec -> KeyUsage -> the algorithm members of KeyMetadata.
ALGORITHMS: dict[str, dict[str, dict[str, list[str]]]] = {
    "SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}},
    "RSA_2048": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "RSA_3072": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "RSA_4096": {"ENCRYPT_DECRYPT": _RSA_ENCRYPT, "SIGN_VERIFY": _RSA_SIGN},
    "ECC_NIST_P256": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]}},
    "ECC_NIST_P384": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_384"]}},
    "ECC_NIST_P521": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_512"]}},
    "ECC_SECG_P256K1": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]}},
    "HMAC_224": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_224"]}},
    "HMAC_256": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_256"]}},
    "HMAC_384": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_384"]}},
    "HMAC_512": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_512"]}},
}

HMAC_SIZES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}


def is_asymmetric(spec: str) -> bool:
    return spec.startswith(("RSA_", "ECC_"))


def is_hmac(spec: str) -> bool:
    return spec.startswith("HMAC_")


def _curve(spec: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return {
        "ECC_NIST_P256": ec.SECP256R1,
        "ECC_NIST_P384": ec.SECP384R1,
        "ECC_NIST_P521": ec.SECP521R1,
        "ECC_SECG_P256K1": ec.SECP256K1,
    }[spec]()


def generate(spec: str) -> tuple[bytes, bytes | None]:
    """New material for `spec`: (secret bytes, public key DER or None)."""
    if spec == "SYMMETRIC_DEFAULT":
        return os.urandom(32), None
    if is_hmac(spec):
        return os.urandom(HMAC_SIZES[spec]), None
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    private: Any
    if spec.startswith("RSA_"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=int(spec.removeprefix("RSA_")))
    else:
        private = ec.generate_private_key(_curve(spec))
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der, public


@lru_cache(maxsize=256)
def load_private(der: bytes) -> Any:
    """A private key object from PKCS #8 DER; cached because loading an RSA key costs milliseconds."""
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(der, password=None)
