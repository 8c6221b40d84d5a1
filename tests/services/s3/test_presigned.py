"""Presigned URLs (SigV4 and SigV2) used by a plain HTTP client, expiring by fogbank's clock.

A private server: `fogbank clock advance` moves time for everything on it.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer


@pytest.fixture(scope="module")
def private() -> Iterator[FogbankServer]:
    running = FogbankServer(tls_port=False).start()
    yield running
    running.stop()


def _open(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _advance(server: FogbankServer, duration: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "fogbank", "clock", "advance", duration, "--endpoint", server.endpoint],
        check=True,
        capture_output=True,
    )


def _reset(server: FogbankServer) -> None:
    subprocess.run(
        [sys.executable, "-m", "fogbank", "clock", "reset", "--endpoint", server.endpoint],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def signed(private: FogbankServer) -> Iterator[tuple[Any, dict[str, str], str]]:
    """(root client, an IAM user's access key, whose signatures are verified, bucket) in a fresh account."""
    account = new_account()
    root = client_for(private, "s3", account, "x")
    bucket = "presign-" + uuid.uuid4().hex[:12]
    root.create_bucket(Bucket=bucket)
    _, key = user_with_policies(
        private,
        account,
        "presigner",
        inline={"s3": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})},
    )
    yield root, key, bucket
    _reset(private)


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"], ids=["sigv4", "sigv2"])
def test_presigned_get_expires_by_fogbank_clock(
    private: FogbankServer, signed: tuple[Any, dict[str, str], str], signature_version: str
) -> None:
    root, key, bucket = signed
    root.put_object(Bucket=bucket, Key="report.txt", Body=b"quarterly numbers")
    presigner = _client(private, key, signature_version)
    url = presigner.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "report.txt"}, ExpiresIn=3600
    )
    assert _open(url) == (200, b"quarterly numbers")
    tampered = url.replace("report.txt", "other.txt")
    status, body = _open(tampered)
    assert status == 403 and b"SignatureDoesNotMatch" in body
    _advance(private, "2h")
    status, body = _open(url)
    assert status == 403 and b"<Code>AccessDenied</Code>" in body


def test_presigned_put(private: FogbankServer, signed: tuple[Any, dict[str, str], str]) -> None:
    root, key, bucket = signed
    url = _client(private, key, "s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "upload.bin"}, ExpiresIn=600
    )
    status, body = _open(url, "PUT", b"uploaded by a browser")
    assert status == 200, body
    assert root.get_object(Bucket=bucket, Key="upload.bin")["Body"].read() == b"uploaded by a browser"
    _advance(private, "11m")
    status, body = _open(url, "PUT", b"too late")
    assert status == 403 and b"Request has expired" in body
    assert root.get_object(Bucket=bucket, Key="upload.bin")["Body"].read() == b"uploaded by a browser"


def _client(server: FogbankServer, key: dict[str, str], signature_version: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name="us-east-1",
        config=Config(signature_version=signature_version, retries={"max_attempts": 0}),
    )
