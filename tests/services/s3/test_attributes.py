"""GetObjectAttributes through boto3: ETag, checksum, parts (paged), storage class, size, versions."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
MIB = 1024 * 1024


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "attrs-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_single_part_object(s3: Any, bucket: str) -> None:
    body = b"attributes of a small object"
    s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm="SHA256", StorageClass="STANDARD_IA")
    got = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=ALL)
    assert got["ETag"] == hashlib.md5(body).hexdigest()  # no quotes, unlike every other operation
    assert got["Checksum"] == {"ChecksumSHA256": _sha256(body), "ChecksumType": "FULL_OBJECT"}
    assert got["StorageClass"] == "STANDARD_IA" and got["ObjectSize"] == len(body)
    assert "ObjectParts" not in got and got["LastModified"]
    only = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert only["ObjectSize"] == len(body) and "ETag" not in only and "Checksum" not in only


def test_multipart_object_parts_paged(s3: Any, bucket: str) -> None:
    bodies = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"last"]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="SHA256")["UploadId"]
    parts = []
    for number, body in enumerate(bodies, 1):
        answer = s3.upload_part(
            Bucket=bucket,
            Key="mp",
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="SHA256",
        )
        parts.append(
            {"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": answer["ChecksumSHA256"]}
        )
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL, MaxParts=2)
    assert got["ETag"].endswith("-3") and got["ObjectSize"] == sum(map(len, bodies))
    assert got["Checksum"]["ChecksumType"] == "COMPOSITE" and got["Checksum"]["ChecksumSHA256"].endswith("-3")
    object_parts = got["ObjectParts"]
    assert object_parts["TotalPartsCount"] == 3 and object_parts["IsTruncated"] is True
    assert object_parts["NextPartNumberMarker"] == 2
    assert [(p["PartNumber"], p["Size"], p["ChecksumSHA256"]) for p in object_parts["Parts"]] == [
        (1, 5 * MIB, _sha256(bodies[0])),
        (2, 5 * MIB, _sha256(bodies[1])),
    ]
    rest = s3.get_object_attributes(
        Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"], PartNumberMarker=2
    )["ObjectParts"]
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and rest["IsTruncated"] is False


def test_versions_and_errors(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"second")["VersionId"]
    latest = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert latest["VersionId"] == second and latest["ObjectSize"] == 6
    old = s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=first, ObjectAttributes=["ObjectSize"])
    assert old["VersionId"] == first and old["ObjectSize"] == 3
    s3.delete_object(Bucket=bucket, Key="k")
    with pytest.raises(ClientError) as error:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ETag"])
    assert error.value.response["Error"]["Code"] == "NoSuchKey"
    with pytest.raises(ClientError) as error:
        s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=first, ObjectAttributes=["Colour"])
    assert error.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as error:
        s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    assert error.value.response["Error"]["Code"] == "NoSuchKey"
