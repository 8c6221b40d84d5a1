"""Object tagging: Put/Get/DeleteObjectTagging, x-amz-tagging on PUT and the tag count on GET."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "tag-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def test_tagging_on_put_and_count(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="project=fog%20bank&empty=")
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert tags == [{"Key": "project", "Value": "fog bank"}, {"Key": "empty", "Value": ""}]


def test_put_get_delete_object_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="k")
    tags = [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(10)]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tags})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == tags
    assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 10
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


@pytest.mark.parametrize(
    "tags",
    [
        [{"Key": f"k{i}", "Value": "v"} for i in range(11)],
        [{"Key": "k" * 129, "Value": "v"}],
        [{"Key": "k", "Value": "v" * 257}],
        [{"Key": "same", "Value": "1"}, {"Key": "same", "Value": "2"}],
        [{"Key": "aws:reserved", "Value": "v"}],
        [{"Key": "bad*char", "Value": "v"}],
    ],
    ids=["eleven", "long-key", "long-value", "duplicate", "aws-prefix", "bad-char"],
)
def test_invalid_tags(s3: Any, bucket: str, tags: list[dict[str, str]]) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tags})
    assert error_code(error) == "InvalidTag"


def test_tags_per_version(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="v=1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"2", Tagging="v=2")
    answer = s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=first)
    assert answer["TagSet"] == [{"Key": "v", "Value": "1"}]
    assert answer["VersionId"] == first
    put = s3.put_object_tagging(
        Bucket=bucket, Key="k", VersionId=first, Tagging={"TagSet": [{"Key": "v", "Value": "one"}]}
    )
    assert put["VersionId"] == first
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "v", "Value": "2"}]
    with pytest.raises(ClientError) as error:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert error_code(error) == "NoSuchKey"


def test_copy_tagging_directive(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="copied", CopySource=f"{bucket}/src")
    assert s3.get_object_tagging(Bucket=bucket, Key="copied")["TagSet"] == [{"Key": "a", "Value": "1"}]
    s3.copy_object(
        Bucket=bucket, Key="retagged", CopySource=f"{bucket}/src", TaggingDirective="REPLACE", Tagging="b=2"
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="retagged")["TagSet"] == [{"Key": "b", "Value": "2"}]
