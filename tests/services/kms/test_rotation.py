"""Key rotation through boto3 on a private server whose clock moves: old ciphertexts decrypt after
rotation, new ones use the new material, and rotation is refused where AWS refuses it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import FogbankServer


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    yield server
    server.stop()


def kms_of(server: FogbankServer, validate: bool = True) -> Any:
    return boto3.client(
        "kms",
        endpoint_url=server.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}, parameter_validation=validate),
    )


def advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": duration}).encode(), method="POST"
    )
    urllib.request.urlopen(request).close()


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]


def version_of(blob: bytes) -> bytes:
    """The material version field of fogbank's ciphertext blob (after the format byte and the ARN)."""
    end = 2 + blob[1]
    return blob[end : end + 4]


def test_automatic_rotation_by_the_clock(private: FogbankServer) -> None:
    kms = kms_of(private)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.encrypt(KeyId=key_id, Plaintext=b"written in year one")["CiphertextBlob"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
    due = status["NextRotationDate"]
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []

    advance(private, "366d")

    [rotation] = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert rotation["RotationType"] == "AUTOMATIC" and rotation["KeyId"] == key_id
    assert rotation["RotationDate"] == due
    assert kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"] == due + timedelta(days=365)
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"written in year one"
    after = kms.encrypt(KeyId=key_id, Plaintext=b"written in year two")["CiphertextBlob"]
    assert version_of(before) == b"\0\0\0\1" and version_of(after) == b"\0\0\0\2"
    # The new ciphertext does not open with the old material: naming version 1 fails its tag.
    end = 2 + after[1]
    forged = after[:end] + b"\0\0\0\1" + after[end + 4 :]
    assert error_of(kms.decrypt, CiphertextBlob=forged)["Code"] == "InvalidCiphertextException"
    assert kms.decrypt(CiphertextBlob=after)["Plaintext"] == b"written in year two"


def test_on_demand_rotation_periods_and_refusals(private: FogbankServer) -> None:
    kms = kms_of(private)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    for period in (89, 2561):
        assert error_of(
            kms_of(private, validate=False).enable_key_rotation, KeyId=key_id, RotationPeriodInDays=period
        )["Code"] == ("ValidationException")
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 90
    before = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.rotate_key_on_demand(KeyId=key_id)
    [rotation] = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert rotation["RotationType"] == "ON_DEMAND"
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"x"
    kms.disable_key_rotation(KeyId=key_id)
    advance(private, "100d")
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 1
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False

    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    imported = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    for other in (signing, mac, imported):
        assert error_of(kms.enable_key_rotation, KeyId=other)["Code"] == "UnsupportedOperationException"
        assert error_of(kms.rotate_key_on_demand, KeyId=other)["Code"] == "UnsupportedOperationException"


def test_an_aws_managed_key_is_made_at_fogbanks_time(private: FogbankServer) -> None:
    kms = kms_of(private)
    advance(private, "400d")
    created = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["CreationDate"]
    # The clock moved 400 days: a key dated by the machine's clock would be more than a year older.
    assert abs(kms.create_key()["KeyMetadata"]["CreationDate"] - created) < timedelta(days=1)


def test_ciphertexts_survive_a_restart(tmp_path: Path) -> None:
    first = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    try:
        kms = kms_of(first)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"kept")["CiphertextBlob"]
    finally:
        first.stop()
    second = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    try:
        assert kms_of(second).decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    finally:
        second.stop()
