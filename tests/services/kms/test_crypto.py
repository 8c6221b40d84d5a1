"""KMS encryption through boto3: envelope encryption, bound encryption context, ReEncrypt, data keys."""

from __future__ import annotations

import os
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]


def test_envelope_encryption_walkthrough(client: Any) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kms = client("kms")
    key_id = kms.create_key(Description="envelope")["KeyMetadata"]["KeyId"]
    context = {"purpose": "invoices", "tenant": "acme"}
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    assert len(data_key["Plaintext"]) == 32
    nonce = os.urandom(12)
    document = b"the quarterly numbers" * 100
    stored = (AESGCM(data_key["Plaintext"]).encrypt(nonce, document, None), data_key["CiphertextBlob"])
    del data_key  # only the encrypted data key is kept next to the data
    encrypted_data, encrypted_key = stored
    # No KeyId: the encrypted data key names its key.
    plaintext_key = kms.decrypt(CiphertextBlob=encrypted_key, EncryptionContext=context)["Plaintext"]
    assert AESGCM(plaintext_key).decrypt(nonce, encrypted_data, None) == document


def test_flipped_bit_and_other_context_are_invalid_ciphertext(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    context = {"b": "2", "a": "1"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext=context)["CiphertextBlob"]
    # The context is bound canonically: the order of its pairs does not matter.
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "1", "b": "2"})["Plaintext"] == b"secret"
    for position in (0, len(blob) // 2, len(blob) - 1):
        flipped = bytearray(blob)
        flipped[position] ^= 0x01
        error = error_of(kms.decrypt, CiphertextBlob=bytes(flipped), EncryptionContext=context)
        assert error["Code"] == "InvalidCiphertextException"
    for other in ({"a": "1"}, {"a": "1", "b": "3"}, None):
        kwargs = {"EncryptionContext": other} if other else {}
        assert error_of(kms.decrypt, CiphertextBlob=blob, **kwargs)["Code"] == "InvalidCiphertextException"
    assert error_of(kms.decrypt, CiphertextBlob=b"not a kms ciphertext at all")["Code"] == (
        "InvalidCiphertextException"
    )


def test_decrypt_with_another_key_id_is_incorrect_key(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key_id)["Plaintext"] == b"x"
    assert error_of(kms.decrypt, CiphertextBlob=blob, KeyId=other)["Code"] == "IncorrectKeyException"


def test_plaintext_limit(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x" * 4096
    assert error_of(kms.encrypt, KeyId=key_id, Plaintext=b"x" * 4097)["Code"] == "ValidationException"


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(client: Any) -> None:
    kms = client("kms")
    source = kms.create_key()["KeyMetadata"]
    destination = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"moving", EncryptionContext={"v": "1"})[
        "CiphertextBlob"
    ]
    moved = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"v": "1"},
        DestinationKeyId=destination["KeyId"],
        DestinationEncryptionContext={"v": "2"},
    )
    assert moved["SourceKeyId"] == source["Arn"] and moved["KeyId"] == destination["Arn"]
    out = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"v": "2"})
    assert out["Plaintext"] == b"moving" and out["KeyId"] == destination["Arn"]
    error = error_of(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=destination["KeyId"])
    assert error["Code"] == "InvalidCiphertextException"


def test_data_keys_and_random(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=7)["Plaintext"]) == 7
    for kwargs in ({}, {"KeySpec": "AES_256", "NumberOfBytes": 32}):
        assert error_of(kms.generate_data_key, KeyId=key_id, **kwargs)["Code"] == "ValidationException"
    assert error_of(kms.generate_data_key, KeyId=key_id, NumberOfBytes=1025)["Code"] == "ValidationException"
    without = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
    assert "Plaintext" not in without
    assert len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 32
    assert len(kms.generate_random(NumberOfBytes=1024)["Plaintext"]) == 1024
    assert error_of(kms.generate_random, NumberOfBytes=1025)["Code"] == "ValidationException"
    error = error_of(kms.encrypt, KeyId=key_id, Plaintext=b"x", DryRun=True)
    assert error["Code"] == "DryRunOperationException"
