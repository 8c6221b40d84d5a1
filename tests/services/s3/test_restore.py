"""GLACIER and DEEP_ARCHIVE objects: refused until RestoreObject's tier time has run on fogbank's clock."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
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


def _s3(server: FogbankServer) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )


def _advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": duration}).encode(), method="POST"
    )
    urllib.request.urlopen(request).close()


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return {
        **error.value.response["Error"],
        "Status": error.value.response["ResponseMetadata"]["HTTPStatusCode"],
    }


def test_glacier_restore_by_the_clock(private: FogbankServer) -> None:
    s3 = _s3(private)
    s3.create_bucket(Bucket="archive")
    s3.put_object(Bucket="archive", Key="cold", Body=b"frozen bytes", StorageClass="GLACIER")
    refused = _error(s3.get_object, Bucket="archive", Key="cold")
    assert (refused["Code"], refused["Status"]) == ("InvalidObjectState", 403)
    head = s3.head_object(Bucket="archive", Key="cold")
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    copy = _error(s3.copy_object, Bucket="archive", Key="warm", CopySource="archive/cold")
    assert copy["Code"] == "InvalidObjectState"

    s3.restore_object(
        Bucket="archive",
        Key="cold",
        RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    assert s3.head_object(Bucket="archive", Key="cold")["Restore"] == 'ongoing-request="true"'
    assert _error(s3.get_object, Bucket="archive", Key="cold")["Code"] == "InvalidObjectState"
    again = _error(s3.restore_object, Bucket="archive", Key="cold", RestoreRequest={"Days": 2})
    assert (again["Code"], again["Status"]) == ("RestoreAlreadyInProgress", 409)

    _advance(private, "6m")
    restore = s3.head_object(Bucket="archive", Key="cold")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="') and restore.endswith(' 00:00:00 GMT"')
    assert s3.get_object(Bucket="archive", Key="cold")["Body"].read() == b"frozen bytes"
    s3.copy_object(Bucket="archive", Key="warm", CopySource="archive/cold")
    assert s3.head_object(Bucket="archive", Key="warm").get("StorageClass") is None

    _advance(private, "4d")
    assert "Restore" not in s3.head_object(Bucket="archive", Key="cold")
    assert _error(s3.get_object, Bucket="archive", Key="cold")["Code"] == "InvalidObjectState"


def test_deep_archive_tiers(private: FogbankServer) -> None:
    s3 = _s3(private)
    s3.create_bucket(Bucket="deep")
    s3.put_object(Bucket="deep", Key="k", Body=b"x", StorageClass="DEEP_ARCHIVE")
    expedited = _error(
        s3.restore_object,
        Bucket="deep",
        Key="k",
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    assert expedited["Code"] == "InvalidArgument"
    s3.restore_object(Bucket="deep", Key="k", RestoreRequest={"Days": 1})  # Standard: 12 hours
    _advance(private, "11h")
    assert s3.head_object(Bucket="deep", Key="k")["Restore"] == 'ongoing-request="true"'
    _advance(private, "2h")
    assert s3.get_object(Bucket="deep", Key="k")["Body"].read() == b"x"


def test_restore_needs_an_archived_object(private: FogbankServer) -> None:
    s3 = _s3(private)
    s3.create_bucket(Bucket="hot")
    s3.put_object(Bucket="hot", Key="k", Body=b"x")
    refused = _error(s3.restore_object, Bucket="hot", Key="k", RestoreRequest={"Days": 1})
    assert (refused["Code"], refused["Status"]) == ("InvalidObjectState", 403)
