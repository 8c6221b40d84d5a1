"""S3 server access logging: Put/GetBucketLogging and log objects written to the target bucket."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CREDENTIALS
from tests.server import FogbankServer
from tests.services.s3.helpers import advance, error_code


@pytest.fixture(scope="module")
def own_server() -> Iterator[FogbankServer]:
    """A server of this module's own: writing the logs moves its clock, which others' tests read."""
    running = FogbankServer(tls_port=False).start()
    yield running
    running.stop()


def _bucket(s3: Any, prefix: str) -> str:
    name = prefix + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def test_logging_configuration(s3: Any) -> None:
    source, target = _bucket(s3, "src-"), _bucket(s3, "logs-")
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)
    with pytest.raises(ClientError) as error:
        s3.put_bucket_logging(
            Bucket=source,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "missing-" + target, "TargetPrefix": "x/"}
            },
        )
    assert error_code(error) == "InvalidTargetBucketForLogging"
    enabled = {"TargetBucket": target, "TargetPrefix": "logs/"}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == enabled
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)


def test_log_objects_are_written(own_server: FogbankServer) -> None:
    s3 = boto3.client("s3", endpoint_url=own_server.endpoint, **CREDENTIALS)
    source, target = _bucket(s3, "src-"), _bucket(s3, "logs-")
    s3.put_bucket_logging(
        Bucket=source,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "logs/"}},
    )
    put = s3.put_object(Bucket=source, Key="hello.txt", Body=b"hello")
    got = s3.get_object(Bucket=source, Key="hello.txt")
    got["Body"].read()
    with pytest.raises(ClientError):
        s3.get_object(Bucket=source, Key="absent")
    advance(own_server, "10m")
    listed: list[dict[str, Any]] = []
    for _ in range(100):
        listed = s3.list_objects_v2(Bucket=target, Prefix="logs/").get("Contents", [])
        if listed:
            break
        time.sleep(0.1)
    assert len(listed) == 1
    key = listed[0]["Key"]
    assert len(key) == len("logs/YYYY-mm-DD-HH-MM-SS-") + 16
    log = s3.get_object(Bucket=target, Key=key)
    assert log["ServerSideEncryption"] == "AES256"  # delivered objects are encrypted like any other
    text = log["Body"].read().decode()
    lines = text.splitlines()
    get_line = next(line for line in lines if got["ResponseMetadata"]["RequestId"] in line)
    fields = get_line.split(" ")
    assert fields[1] == source and fields[7] == "REST.GET.OBJECT" and fields[8] == "hello.txt"
    assert f'"GET /{source}/hello.txt HTTP/1.1" 200 - 5 5 ' in get_line
    assert any(put["ResponseMetadata"]["RequestId"] in line and "REST.PUT.OBJECT" in line for line in lines)
    assert any("REST.GET.OBJECT absent" in line and " 404 NoSuchKey " in line for line in lines)
