"""The AWS Encryption SDK for Python, unchanged, encrypting and decrypting through fogbank's KMS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session

from tests.server import FogbankServer


def sdk_session(server: FogbankServer, directory: Path) -> botocore.session.Session:
    """A botocore session whose clients talk to `server`, by the shared config file's `endpoint_url`: the
    SDK makes its own KMS clients from the session, so that is how it is pointed at another endpoint."""
    config = directory / "config"
    config.write_text(f"[default]\nregion = us-east-1\nendpoint_url = {server.endpoint}\n")
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(config))
    session.set_credentials("test", "test")
    return session


def test_encrypt_and_decrypt_with_a_kms_master_key_provider(
    server: FogbankServer, client: Any, tmp_path: Path
) -> None:
    import aws_encryption_sdk
    from aws_encryption_sdk import CommitmentPolicy

    key_arn = client("kms").create_key(Description="encryption sdk")["KeyMetadata"]["Arn"]
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(
        key_ids=[key_arn], botocore_session=sdk_session(server, tmp_path)
    )
    message = b"a message of some length " * 1000
    ciphertext, header = sdk.encrypt(
        source=message, key_provider=provider, encryption_context={"app": "orders"}
    )
    assert ciphertext != message and header.encryption_context["app"] == "orders"
    [data_key] = header.encrypted_data_keys
    assert data_key.key_provider.key_info.decode() == key_arn

    reader = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(
        key_ids=[key_arn], botocore_session=sdk_session(server, tmp_path)
    )
    plaintext, decrypted_header = sdk.decrypt(source=ciphertext, key_provider=reader)
    assert plaintext == message and decrypted_header.encryption_context["app"] == "orders"
