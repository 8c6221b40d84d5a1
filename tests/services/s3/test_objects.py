"""Objects through boto3 over HTTP and HTTPS: put, get, head, ranges, metadata, deletes and copies."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code, http_status


@pytest.fixture(params=[False, True], ids=["http", "https"])
def s3(client: Callable[..., Any], request: pytest.FixtureRequest) -> Any:
    return client("s3", tls=request.param)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "obj-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def test_put_get_head_round_trip(s3: Any, bucket: str) -> None:
    body = b"hello, fogbank\n" * 1000
    key = "dir/ünïcode key+with spaces&symbols.txt"
    put = s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType="text/plain",
        ContentEncoding="identity",
        ContentDisposition='attachment; filename="a.txt"',
        CacheControl="max-age=60",
        ContentLanguage="en",
        Expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        Metadata={"Color": "blue", "n": "1"},
        StorageClass="STANDARD_IA",
    )
    etag = f'"{hashlib.md5(body).hexdigest()}"'
    assert put["ETag"] == etag
    assert "VersionId" not in put
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == body
    assert got["ETag"] == etag
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "text/plain"
    assert got["ContentEncoding"] == "identity"
    assert got["ContentDisposition"] == 'attachment; filename="a.txt"'
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentLanguage"] == "en"
    assert got["ExpiresString"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert got["Metadata"] == {"color": "blue", "n": "1"}
    assert got["StorageClass"] == "STANDARD_IA"
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == etag
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-storage-class"] == "STANDARD_IA"
    assert head["LastModified"] == got["LastModified"]


def test_defaults_and_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert got["ContentType"] == "binary/octet-stream"
    assert "x-amz-storage-class" not in got["ResponseMetadata"]["HTTPHeaders"]
    s3.put_object(Bucket=bucket, Key="empty", Body=b"now full")
    assert s3.get_object(Bucket=bucket, Key="empty")["Body"].read() == b"now full"


def test_missing_key_and_bucket(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="nope/missing")
    assert error_code(error) == "NoSuchKey"
    assert error.value.response["Error"]["Key"] == "nope/missing"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="missing")
    assert http_status(error) == 404
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="no-such-bucket-" + uuid.uuid4().hex[:8], Key="k", Body=b"x")
    assert error_code(error) == "NoSuchBucket"


def test_metadata_too_large(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ok", Body=b"x", Metadata={"a": "v" * 2047})
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="big", Body=b"x", Metadata={"a": "v" * 2048})
    assert error_code(error) == "MetadataTooLarge"


def test_ranges(s3: Any, bucket: str) -> None:
    body = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="r", Body=body)
    got = s3.get_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert got["Body"].read() == body[10:20]
    assert got["ContentRange"] == f"bytes 10-19/{len(body)}"
    assert got["ContentLength"] == 10
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=1000-")["Body"].read() == body[1000:]
    suffix = s3.get_object(Bucket=bucket, Key="r", Range="bytes=-24")
    assert suffix["Body"].read() == body[-24:]
    assert suffix["ContentRange"] == f"bytes 1000-1023/{len(body)}"
    # An end past the object is cut to its size; a suffix longer than it is the whole object.
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=1020-5000")["Body"].read() == body[1020:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=-5000")["Body"].read() == body
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=1024-")
    assert error_code(error) == "InvalidRange"
    assert http_status(error) == 416
    head = s3.head_object(Bucket=bucket, Key="r", Range="bytes=0-0")
    assert head["ContentLength"] == 1


def test_range_answers_partial_content(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="r", Range="bytes=2-3")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206


def test_part_number_of_single_part_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="p", Body=b"abc")
    got = s3.get_object(Bucket=bucket, Key="p", PartNumber=1)
    assert got["Body"].read() == b"abc"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="p", PartNumber=2)
    assert error_code(error) == "InvalidPartNumber"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="p", PartNumber=1, Range="bytes=0-1")
    assert error_code(error) == "InvalidRequest"


def test_response_header_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket,
        Key="o",
        ResponseContentType="application/json",
        ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr",
        ResponseContentEncoding="gzip",
    )
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"
    assert got["ContentEncoding"] == "gzip"


def test_storage_classes_reported(s3: Any, bucket: str) -> None:
    for storage_class in (
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "REDUCED_REDUNDANCY",
        "GLACIER_IR",
    ):
        s3.put_object(Bucket=bucket, Key=storage_class, Body=b"x", StorageClass=storage_class)
        assert s3.head_object(Bucket=bucket, Key=storage_class)["StorageClass"] == storage_class
        assert s3.get_object(Bucket=bucket, Key=storage_class)["Body"].read() == b"x"
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed["ONEZONE_IA"] == "ONEZONE_IA"


def test_delete_object_unversioned(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="d", Body=b"x")
    answer = s3.delete_object(Bucket=bucket, Key="d")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "DeleteMarker" not in answer
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="d")
    # Deleting what is not there succeeds too.
    assert s3.delete_object(Bucket=bucket, Key="d")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects(s3: Any, bucket: str) -> None:
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x")
    answer = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "k0"}, {"Key": "k1"}, {"Key": "never-there"}]}
    )
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["k0", "k1", "never-there"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k2"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    bad = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k3", "VersionId": "bad version!"}]})
    assert bad["Errors"][0]["Code"] == "InvalidArgument"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k3", "k4"]
    with pytest.raises(ClientError) as error:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"x{i}"} for i in range(1001)]})
    assert error_code(error) == "MalformedXML"


def test_copy_object(s3: Any, bucket: str) -> None:
    other = "obj-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=other)
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", ContentType="text/plain", Metadata={"a": "1"})
    source_etag = s3.head_object(Bucket=bucket, Key="src")["ETag"]
    copied = s3.copy_object(Bucket=other, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == source_etag
    got = s3.get_object(Bucket=other, Key="dst")
    assert got["Body"].read() == b"payload"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"a": "1"}
    replaced = s3.copy_object(
        Bucket=bucket,
        Key="dst2",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        ContentType="application/json",
        Metadata={"b": "2"},
    )
    assert replaced["CopyObjectResult"]["ETag"] == source_etag
    head = s3.head_object(Bucket=bucket, Key="dst2")
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"b": "2"}


def test_copy_onto_itself(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="self", Body=b"x", Metadata={"v": "1"})
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"})
    assert error_code(error) == "InvalidRequest"
    s3.copy_object(
        Bucket=bucket,
        Key="self",
        CopySource={"Bucket": bucket, "Key": "self"},
        MetadataDirective="REPLACE",
        Metadata={"v": "2"},
    )
    assert s3.head_object(Bucket=bucket, Key="self")["Metadata"] == {"v": "2"}
    s3.copy_object(
        Bucket=bucket, Key="self", CopySource={"Bucket": bucket, "Key": "self"}, StorageClass="STANDARD_IA"
    )
    head = s3.head_object(Bucket=bucket, Key="self")
    assert head["StorageClass"] == "STANDARD_IA"
    assert head["Metadata"] == {"v": "2"}


def test_copy_conditions_and_missing_source(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    etag = s3.head_object(Bucket=bucket, Key="src")["ETag"]
    s3.copy_object(Bucket=bucket, Key="a", CopySource=f"{bucket}/src", CopySourceIfMatch=etag)
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/src", CopySourceIfMatch='"0000"')
    assert error_code(error) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/src", CopySourceIfNoneMatch=etag)
    assert error_code(error) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/missing")
    assert error_code(error) == "NoSuchKey"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="b")
    assert http_status(error) == 404
