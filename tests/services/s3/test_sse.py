"""SSE-S3 and default bucket encryption: objects encrypted at rest, reported in headers, read back whole
and by range, shared by copies."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "sse-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def kms(client: Callable[..., Any]) -> Any:
    return client("kms")


def test_sse_s3_round_trip_and_headers(s3: Any, bucket: str) -> None:
    body = os.urandom(200_000)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["ContentLength"] == len(body)
    assert got["Body"].read() == body
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"


@pytest.mark.parametrize(
    "span", [(0, 0), (5, 70_000), (65_535, 65_536), (131_071, 199_999), (150_000, 199_999)]
)
def test_sse_s3_ranges_decrypt_only_what_is_asked(s3: Any, bucket: str, span: tuple[int, int]) -> None:
    body = os.urandom(200_000)
    s3.put_object(Bucket=bucket, Key="r", Body=body, ServerSideEncryption="AES256")
    first, last = span
    got = s3.get_object(Bucket=bucket, Key="r", Range=f"bytes={first}-{last}")
    assert got["Body"].read() == body[first : last + 1]
    assert got["ContentRange"] == f"bytes {first}-{last}/{len(body)}"


def test_empty_and_chunk_sized_objects(s3: Any, bucket: str) -> None:
    for size in (0, 1, 65_536, 131_072):
        body = os.urandom(size)
        s3.put_object(Bucket=bucket, Key=f"k{size}", Body=body, ServerSideEncryption="AES256")
        assert s3.get_object(Bucket=bucket, Key=f"k{size}")["Body"].read() == body


def test_unsupported_algorithm_is_refused(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="DES")
    assert error.value.response["Error"]["Code"] == "InvalidArgument"


def test_objects_without_sse_headers_get_sse_s3(s3: Any, bucket: str) -> None:
    # S3 encrypts every new object with SSE-S3 unless told otherwise (since January 2023).
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"x"
    assert got["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"] == "AES256"


def test_bucket_encryption_configuration(s3: Any, bucket: str, kms: Any) -> None:
    base = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"] == base
    key = kms.create_key()["KeyMetadata"]["Arn"]
    kms_rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": kms_rule}]},
    )
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"k")["ServerSideEncryption"] == "aws:kms"
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
    ]
    put = s3.put_object(Bucket=bucket, Key="d", Body=b"defaulted")
    assert put["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="d")["Body"].read() == b"defaulted"
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": kms_rule}]},
    )
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"] == base
    assert s3.put_object(Bucket=bucket, Key="p", Body=b"plain")["ServerSideEncryption"] == "AES256"


def test_bucket_encryption_refuses_a_kms_key_for_aes256(s3: Any, bucket: str) -> None:
    config = {
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]
    }
    with pytest.raises(ClientError) as error:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    assert error.value.response["Error"]["Code"] == "InvalidArgument"


def test_copy_keeps_the_encryption_and_the_bytes(s3: Any, bucket: str) -> None:
    body = os.urandom(100_000)
    s3.put_object(Bucket=bucket, Key="src", Body=body, ServerSideEncryption="AES256")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == body


def test_multipart_upload_is_encrypted_per_part(s3: Any, bucket: str) -> None:
    first, second = os.urandom(5 * 1024 * 1024), os.urandom(100_000)
    created = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="AES256")
    assert created["ServerSideEncryption"] == "AES256"
    upload = created["UploadId"]
    parts = []
    middle = bytes(range(256)) * (5 * 1024 * 4)
    s3.put_object(Bucket=bucket, Key="plain-src", Body=middle)
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=first)
    assert part["ServerSideEncryption"] == "AES256"
    parts.append({"PartNumber": 1, "ETag": part["ETag"]})
    copied = s3.upload_part_copy(
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "plain-src"},
    )
    parts.append({"PartNumber": 2, "ETag": copied["CopyPartResult"]["ETag"]})
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=3, Body=second)
    parts.append({"PartNumber": 3, "ETag": part["ETag"]})
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert done["ServerSideEncryption"] == "AES256"
    whole = first + middle + second
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == whole
    span = s3.get_object(Bucket=bucket, Key="mp", Range=f"bytes={len(first) - 10}-{len(first) + 10}")
    assert span["Body"].read() == whole[len(first) - 10 : len(first) + 11]
    assert s3.get_object(Bucket=bucket, Key="mp", PartNumber=3)["Body"].read() == second


def test_part_copy_of_an_encrypted_source(s3: Any, bucket: str) -> None:
    body = os.urandom(300_000)
    s3.put_object(Bucket=bucket, Key="src", Body=body, ServerSideEncryption="AES256")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    copied = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange="bytes=1000-199999",
    )
    parts = [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == body[1000:200000]


def test_copy_that_changes_encryption_re_encrypts(s3: Any, bucket: str) -> None:
    body = os.urandom(150_000)
    s3.put_object(Bucket=bucket, Key="plain", Body=body)
    copied = s3.copy_object(
        Bucket=bucket,
        Key="sealed",
        CopySource={"Bucket": bucket, "Key": "plain"},
        ServerSideEncryption="AES256",
    )
    assert copied["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="sealed")["ServerSideEncryption"] == "AES256"
    assert (
        s3.get_object(Bucket=bucket, Key="sealed", Range="bytes=100-99999")["Body"].read() == body[100:100000]
    )
    s3.copy_object(
        Bucket=bucket,
        Key="sealed",
        CopySource={"Bucket": bucket, "Key": "sealed"},
        ServerSideEncryption="aws:kms",
    )
    got = s3.get_object(Bucket=bucket, Key="sealed")
    assert got["ServerSideEncryption"] == "aws:kms"
    assert got["Body"].read() == body


def test_a_bucket_made_anew_forgets_its_default_encryption(s3: Any) -> None:
    name = "sse-anew-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=name)
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    assert s3.put_object(Bucket=name, Key="k", Body=b"x")["ServerSideEncryption"] == "aws:kms"
    s3.delete_object(Bucket=name, Key="k")
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    assert s3.put_object(Bucket=name, Key="k", Body=b"y").get("ServerSideEncryption") != "aws:kms"
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"y"
