"""Flexible checksums: every algorithm in a header (HTTP) and as an aws-chunked trailer (HTTPS), stored and
returned with ChecksumMode=ENABLED; S3's default CRC64NVME; corrupted bodies refused with nothing stored."""

from __future__ import annotations

import base64
import hashlib
import http.client
import uuid
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.server import FogbankServer

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
BODY = b"fogbank checks every byte " * 4000


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def expected(algorithm: str, data: bytes) -> str:
    from awscrt import checksums

    if algorithm == "CRC32":
        return _b64(zlib.crc32(data).to_bytes(4, "big"))
    if algorithm == "CRC32C":
        return _b64(checksums.crc32c(data).to_bytes(4, "big"))
    if algorithm == "CRC64NVME":
        return _b64(checksums.crc64nvme(data).to_bytes(8, "big"))
    return _b64(hashlib.new(algorithm.lower(), data).digest())


@pytest.fixture
def bucket(client: Callable[..., Any]) -> str:
    name = "sums-" + uuid.uuid4().hex[:12]
    client("s3").create_bucket(Bucket=name)
    return name


@pytest.mark.parametrize("tls", [False, True], ids=["header", "trailer"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_upload_with_checksum(client: Callable[..., Any], bucket: str, algorithm: str, tls: bool) -> None:
    s3 = client("s3", tls=tls)
    key = f"{algorithm}-{tls}"
    put = s3.put_object(Bucket=bucket, Key=key, Body=BODY, ChecksumAlgorithm=algorithm)
    sent = put["ResponseMetadata"]["HTTPHeaders"]
    assert put[f"Checksum{algorithm}"] == expected(algorithm, BODY)
    assert sent.get("x-amz-checksum-type") == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == BODY
    assert got[f"Checksum{algorithm}"] == expected(algorithm, BODY) and got["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected(algorithm, BODY)
    # Not asked for, not answered.
    plain = s3.head_object(Bucket=bucket, Key=key)
    assert f"Checksum{algorithm}" not in plain


def test_default_checksum_is_crc64nvme(client: Callable[..., Any], bucket: str) -> None:
    s3 = client(
        "s3", config=Config(request_checksum_calculation="when_required", retries={"max_attempts": 0})
    )
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    head = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == expected("CRC64NVME", BODY) and head["ChecksumType"] == "FULL_OBJECT"


def _raw_put(server: FogbankServer, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """A SigV4-signed PUT sent as is, so the body can disagree with its checksum."""
    url = server.endpoint + path
    request = AWSRequest(method="PUT", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("PUT", parts.path, body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _assert_absent(client: Callable[..., Any], bucket: str, key: str) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").head_object(Bucket=bucket, Key=key)
    assert error.value.response["Error"]["Code"] == "404"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_corrupted_body_in_header_is_refused(
    server: FogbankServer, client: Callable[..., Any], bucket: str, algorithm: str
) -> None:
    headers = {
        f"x-amz-checksum-{algorithm.lower()}": expected(algorithm, BODY),
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    }
    status, answer = _raw_put(server, f"/{bucket}/bad", BODY[:-1] + b"!", headers)
    assert status == 400 and b"<Code>BadDigest</Code>" in answer
    _assert_absent(client, bucket, "bad")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_corrupted_body_with_trailer_is_refused(
    server: FogbankServer, client: Callable[..., Any], bucket: str, algorithm: str
) -> None:
    corrupted = BODY[:-1] + b"!"
    name = f"x-amz-checksum-{algorithm.lower()}"
    chunked = (
        f"{len(corrupted):x}\r\n".encode()
        + corrupted
        + b"\r\n0\r\n"
        + f"{name}:{expected(algorithm, BODY)}\r\n\r\n".encode()
    )
    headers = {
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(corrupted)),
        "x-amz-trailer": name,
    }
    status, answer = _raw_put(server, f"/{bucket}/bad-trailer", chunked, headers)
    assert status == 400 and b"<Code>BadDigest</Code>" in answer
    _assert_absent(client, bucket, "bad-trailer")


def test_malformed_checksum_and_content_md5(
    server: FogbankServer, client: Callable[..., Any], bucket: str
) -> None:
    status, answer = _raw_put(
        server,
        f"/{bucket}/bad",
        BODY,
        {"x-amz-checksum-crc32": "not-base64", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    assert status == 400 and b"<Code>InvalidRequest</Code>" in answer
    md5 = _b64(hashlib.md5(b"other").digest())
    status, answer = _raw_put(
        server, f"/{bucket}/bad", BODY, {"content-md5": md5, "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    )
    assert status == 400 and b"<Code>BadDigest</Code>" in answer
    _assert_absent(client, bucket, "bad")
