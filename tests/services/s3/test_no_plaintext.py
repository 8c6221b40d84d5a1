"""No plaintext of an encrypted object anywhere under the data directory: blobs, spool files, database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.server import FogbankServer

MARK = b"FOGBANK-PLAINTEXT-CANARY-"


@pytest.fixture
def own(tmp_path: Path) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path / "data").start()
    try:
        yield server
    finally:
        server.stop()


def _client(endpoint: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        verify=False,
        config=Config(retries={"max_attempts": 0}),
    )


def _canary(kind: str) -> bytes:
    # Repeated across many chunks and with no compressible structure the scanner could miss.
    return (MARK + kind.encode() + b"-" + os.urandom(8).hex().encode()) * 60_000


def _found(root: Path, needle: bytes) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            hits.append(path)
    return hits


def test_encrypted_objects_leave_no_plaintext_on_disk(own: FogbankServer) -> None:
    s3 = _client(own.tls_endpoint, "s3")
    kms = _client(own.endpoint, "kms")
    bucket = "plain-" + uuid.uuid4().hex[:10]
    defaulted = "dflt-" + uuid.uuid4().hex[:10]
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=defaulted)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}}
    s3.put_bucket_encryption(Bucket=defaulted, ServerSideEncryptionConfiguration={"Rules": [rule]})
    customer = os.urandom(32)
    bodies = {
        "s3": _canary("sse-s3"),
        "kms": _canary("sse-kms"),
        "managed": _canary("sse-kms-managed"),
        "customer": _canary("sse-c"),
        "default": _canary("default"),
        "plain": _canary("no-headers"),
    }
    s3.put_object(Bucket=bucket, Key="s3", Body=bodies["s3"], ServerSideEncryption="AES256")
    s3.put_object(
        Bucket=bucket, Key="kms", Body=bodies["kms"], ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
    )
    s3.put_object(Bucket=bucket, Key="managed", Body=bodies["managed"], ServerSideEncryption="aws:kms")
    s3.put_object(
        Bucket=bucket,
        Key="customer",
        Body=bodies["customer"],
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=customer,
    )
    s3.put_object(Bucket=defaulted, Key="default", Body=bodies["default"])
    # No SSE headers and no bucket rule: S3's base level of encryption, SSE-S3, still applies.
    plain = s3.put_object(Bucket=bucket, Key="plain", Body=bodies["plain"])
    assert plain["ServerSideEncryption"] == "AES256"
    s3.copy_object(Bucket=defaulted, Key="copy", CopySource={"Bucket": bucket, "Key": "s3"})
    assert s3.get_object(Bucket=defaulted, Key="copy")["Body"].read() == bodies["s3"]
    assert s3.get_object(Bucket=bucket, Key="kms")["Body"].read() == bodies["kms"]
    bodies["multipart"] = _canary("multipart") * 2  # over 5 MiB: a first part of full size
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
    )["UploadId"]
    parts = []
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=bodies["multipart"])[
        "ETag"
    ]
    parts.append({"PartNumber": 1, "ETag": etag})
    copied = s3.upload_part_copy(
        Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, CopySource={"Bucket": bucket, "Key": "s3"}
    )
    parts.append({"PartNumber": 2, "ETag": copied["CopyPartResult"]["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts})
    whole = bodies["multipart"] + bodies["s3"]
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == whole
    assert own.data_dir is not None
    for body in bodies.values():
        assert _found(own.data_dir, body[:200]) == []
    # The scan does find plaintext where there is some: a control file written beside the state.
    control = _canary("control")
    (own.data_dir / "control").write_bytes(control)
    assert _found(own.data_dir, control[:200]) == [own.data_dir / "control"]
