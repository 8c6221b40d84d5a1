"""Asymmetric and HMAC keys through boto3: signatures verified outside fogbank, RSA encryption to the
public key, data key pairs, MACs."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]


_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def verify_outside(public_der: bytes, algorithm: str, message: bytes, signature: bytes) -> None:
    """Verify with `cryptography` alone, as a user holding the public key would."""
    public: Any = serialization.load_der_public_key(public_der)
    chosen = _HASHES[algorithm.rsplit("_", 1)[1]]()
    if algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(chosen))
    elif algorithm.startswith("RSASSA_PSS"):
        public.verify(signature, message, padding.PSS(padding.MGF1(chosen), chosen.digest_size), chosen)
    else:
        public.verify(signature, message, padding.PKCS1v15(), chosen)


@pytest.mark.parametrize(
    ("spec", "algorithms"),
    [
        ("ECC_NIST_P256", ["ECDSA_SHA_256"]),
        ("ECC_NIST_P384", ["ECDSA_SHA_384"]),
        ("ECC_NIST_P521", ["ECDSA_SHA_512"]),
        ("ECC_SECG_P256K1", ["ECDSA_SHA_256"]),
        (
            "RSA_2048",
            [
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
            ],
        ),
    ],
)
def test_signatures_verify_outside_fogbank(client: Any, spec: str, algorithms: list[str]) -> None:
    kms = client("kms")
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert sorted(key["SigningAlgorithms"]) == sorted(algorithms)
    public = kms.get_public_key(KeyId=key["KeyId"])
    assert public["KeySpec"] == spec and public["KeyUsage"] == "SIGN_VERIFY"
    message = b"release v1.2.3"
    for algorithm in algorithms:
        signed = kms.sign(KeyId=key["KeyId"], Message=message, SigningAlgorithm=algorithm)
        verify_outside(public["PublicKey"], algorithm, message, signed["Signature"])
        verified = kms.verify(
            KeyId=key["KeyId"], Message=message, Signature=signed["Signature"], SigningAlgorithm=algorithm
        )
        assert verified["SignatureValid"] is True
        error = error_of(
            kms.verify,
            KeyId=key["KeyId"],
            Message=b"tampered",
            Signature=signed["Signature"],
            SigningAlgorithm=algorithm,
        )
        assert error["Code"] == "KMSInvalidSignatureException"
    # MessageType DIGEST: the caller hashes, fogbank signs the digest.
    algorithm = algorithms[0]
    digest = hashlib.new("sha" + algorithm.rsplit("_", 1)[1], message).digest()
    signed = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)
    verify_outside(public["PublicKey"], algorithm, message, signed["Signature"])
    error = error_of(
        kms.sign, KeyId=key["KeyId"], Message=b"short", MessageType="DIGEST", SigningAlgorithm=algorithm
    )
    assert error["Code"] == "ValidationException"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["Code"] == "InvalidKeyUsageException"


def test_rsa_encryption_to_the_public_key(client: Any) -> None:
    kms = client("kms")
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert key["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public: Any = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    for algorithm, chosen in (("RSAES_OAEP_SHA_1", hashes.SHA1()), ("RSAES_OAEP_SHA_256", hashes.SHA256())):
        outside = public.encrypt(b"to fogbank", padding.OAEP(padding.MGF1(chosen), chosen, None))
        out = kms.decrypt(KeyId=key["KeyId"], CiphertextBlob=outside, EncryptionAlgorithm=algorithm)
        assert out["Plaintext"] == b"to fogbank"
        inside = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"round trip", EncryptionAlgorithm=algorithm)
        out = kms.decrypt(
            KeyId=key["KeyId"], CiphertextBlob=inside["CiphertextBlob"], EncryptionAlgorithm=algorithm
        )
        assert out["Plaintext"] == b"round trip"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["Code"] == "InvalidKeyUsageException"
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256")["Code"] == (
        "InvalidKeyUsageException"
    )
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(kms.get_public_key, KeyId=symmetric)["Code"] == "UnsupportedOperationException"


def test_data_key_pair(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256", EncryptionContext={"k": "v"})
    private: Any = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    public: Any = serialization.load_der_public_key(pair["PublicKey"])
    signature = private.sign(b"m", ec.ECDSA(hashes.SHA256()))
    public.verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"k": "v"})
    assert opened["Plaintext"] == pair["PrivateKeyPlaintext"]
    without = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in without and without["KeyPairSpec"] == "RSA_2048"
    rsa_private: Any = serialization.load_der_private_key(
        kms.decrypt(CiphertextBlob=without["PrivateKeyCiphertextBlob"])["Plaintext"], password=None
    )
    assert (
        rsa_private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == without["PublicKey"]
    )


@pytest.mark.parametrize("bits", ["224", "256", "384", "512"])
def test_hmac_keys(client: Any, bits: str) -> None:
    kms = client("kms")
    key = kms.create_key(KeySpec=f"HMAC_{bits}", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    algorithm = f"HMAC_SHA_{bits}"
    assert key["MacAlgorithms"] == [algorithm]
    mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"payload", MacAlgorithm=algorithm)["Mac"]
    assert len(mac) == int(bits) // 8
    assert kms.verify_mac(KeyId=key["KeyId"], Message=b"payload", MacAlgorithm=algorithm, Mac=mac)["MacValid"]
    error = error_of(kms.verify_mac, KeyId=key["KeyId"], Message=b"other", MacAlgorithm=algorithm, Mac=mac)
    assert error["Code"] == "KMSInvalidMacException"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["Code"] == "InvalidKeyUsageException"
