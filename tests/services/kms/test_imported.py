"""Imported key material through boto3, wrapped client-side with `cryptography` as AWS specifies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

from tests.server import FogbankServer
from tests.services.kms.test_rotation import advance, error_of, kms_of


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path_factory.mktemp("kms"), tls_port=False).start()
    yield server
    server.stop()


def wrap(params: dict[str, Any], algorithm: str, key_material: bytes) -> bytes:
    """What a user does with GetParametersForImport's public key before ImportKeyMaterial."""
    public: Any = serialization.load_der_public_key(params["PublicKey"])
    chosen = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return bytes(public.encrypt(key_material, oaep))
    # RSA_AES_KEY_WRAP: an ephemeral AES-256 key under RSA-OAEP, then the material under it (RFC 5649).
    ephemeral = os.urandom(32)
    return bytes(public.encrypt(ephemeral, oaep)) + aes_key_wrap_with_padding(ephemeral, key_material)


def import_into(
    kms: Any, key_id: str, algorithm: str, key_material: bytes, spec: str = "RSA_2048", **extra: Any
) -> None:
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    kms.import_key_material(
        KeyId=key_id,
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrap(params, algorithm, key_material),
        **extra,
    )


@pytest.mark.parametrize(
    ("algorithm", "spec"),
    [
        ("RSAES_OAEP_SHA_1", "RSA_2048"),
        ("RSAES_OAEP_SHA_256", "RSA_3072"),
        ("RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"),
        ("RSA_AES_KEY_WRAP_SHA_256", "RSA_2048"),
    ],
)
def test_full_import_flow(private: FogbankServer, algorithm: str, spec: str) -> None:
    kms = kms_of(private)
    key = kms.create_key(Origin="EXTERNAL", Description="byok")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["Enabled"] is False and key["Origin"] == "EXTERNAL"
    error = error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert error == {"Code": "KMSInvalidStateException", "Message": f"{key['Arn']} is pending import."}
    params = kms.get_parameters_for_import(
        KeyId=key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec=spec
    )
    assert params["KeyId"] == key["Arn"]
    assert params["ParametersValidTo"] - key["CreationDate"] >= timedelta(hours=24)
    public: Any = serialization.load_der_public_key(params["PublicKey"])
    assert public.key_size == int(spec.removeprefix("RSA_"))
    key_material = os.urandom(32)
    kms.import_key_material(
        KeyId=key["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrap(params, algorithm, key_material),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled" and metadata["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"bring your own key")["CiphertextBlob"]

    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    assert error_of(kms.decrypt, CiphertextBlob=blob)["Code"] == "KMSInvalidStateException"
    # Only the same material may come back, and then old ciphertexts decrypt again.
    with pytest.raises(ClientError) as raised:
        import_into(kms, key["KeyId"], algorithm, os.urandom(32))
    error = raised.value.response["Error"]
    assert error["Code"] == "IncorrectKeyMaterialException"
    import_into(kms, key["KeyId"], algorithm, key_material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"bring your own key"


def test_tokens_are_checked(private: FogbankServer) -> None:
    kms = kms_of(private)
    key_id = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    other = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    kms.get_parameters_for_import(
        KeyId=other, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    wrapped = wrap(params, "RSAES_OAEP_SHA_256", os.urandom(32))
    error = error_of(
        kms.import_key_material, KeyId=other, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped
    )
    assert error["Code"] == "InvalidImportTokenException"
    aws_kms = kms.create_key()["KeyMetadata"]["KeyId"]
    error = error_of(
        kms.get_parameters_for_import,
        KeyId=aws_kms,
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    )
    assert error["Code"] == "UnsupportedOperationException"

    advance(private, "25h")

    error = error_of(
        kms.import_key_material, KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped
    )
    assert error["Code"] == "ExpiredImportTokenException"


def test_material_expires_at_valid_to(private: FogbankServer) -> None:
    kms = kms_of(private)
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    now = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CreationDate"]
    valid_to = now + timedelta(days=2)
    import_into(
        kms,
        key["KeyId"],
        "RSAES_OAEP_SHA_256",
        os.urandom(32),
        ValidTo=valid_to,
        ExpirationModel="KEY_MATERIAL_EXPIRES",
    )
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (
        metadata["ValidTo"] == valid_to.replace(microsecond=0)
        and metadata["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    )
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")

    advance(private, "3d")

    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "PendingImport" and "ValidTo" not in metadata
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["Code"] == "KMSInvalidStateException"
