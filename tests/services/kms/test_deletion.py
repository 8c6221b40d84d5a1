"""Key deletion windows through boto3 on a private server whose clock moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.server import FogbankServer
from tests.services.kms.test_rotation import advance, error_of, kms_of


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    yield server
    server.stop()


def test_scheduled_key_is_unusable_then_gone(private: FogbankServer) -> None:
    kms = kms_of(private)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    for days in (6, 31):
        error = error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=days)
        assert error["Code"] == "ValidationException"
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion" and metadata["Enabled"] is False
    assert metadata["DeletionDate"] == scheduled["DeletionDate"]
    assert scheduled["DeletionDate"] - metadata["CreationDate"] >= timedelta(days=7)
    for call, kwargs in (
        (kms.encrypt, {"KeyId": key["KeyId"], "Plaintext": b"x"}),
        (kms.decrypt, {"CiphertextBlob": blob}),
    ):
        error = error_of(call, **kwargs)
        assert error == {"Code": "KMSInvalidStateException", "Message": f"{key['Arn']} is pending deletion."}
    assert error_of(kms.enable_key, KeyId=key["KeyId"])["Code"] == "KMSInvalidStateException"

    advance(private, "8d")

    error = error_of(kms.describe_key, KeyId=key["KeyId"])
    assert error["Code"] == "NotFoundException"
    assert error_of(kms.describe_key, KeyId="alias/doomed")["Code"] == "NotFoundException"
    assert key["KeyId"] not in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    assert error_of(kms.decrypt, CiphertextBlob=blob)["Code"] == "InvalidCiphertextException"


def test_cancelled_deletion_leaves_the_key_disabled(private: FogbankServer) -> None:
    kms = kms_of(private)
    key = kms.create_key()["KeyMetadata"]
    assert kms.schedule_key_deletion(KeyId=key["KeyId"])["PendingWindowInDays"] == 30
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "Disabled" and "DeletionDate" not in metadata
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")["Code"] == "DisabledException"
    assert error_of(kms.cancel_key_deletion, KeyId=key["KeyId"])["Code"] == "KMSInvalidStateException"
    advance(private, "31d")
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]
