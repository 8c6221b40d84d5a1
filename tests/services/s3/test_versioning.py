"""Versioning: version ids, null versions, delete markers, requests by version id, ListObjectVersions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code, http_status


@pytest.fixture(params=[False, True], ids=["http", "https"])
def s3(client: Callable[..., Any], request: pytest.FixtureRequest) -> Any:
    return client("s3", tls=request.param)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "ver-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def test_versioning_scenario(s3: Any, bucket: str) -> None:
    v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"version one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"version two")["VersionId"]
    assert v1 != v2 and len(v1) == 32
    deleted = s3.delete_object(Bucket=bucket, Key="doc")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="doc")
    assert error_code(error) == "NoSuchKey"
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"

    listed = s3.list_object_versions(Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)]

    old = s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)
    assert old["Body"].read() == b"version one"
    assert old["VersionId"] == v1

    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="doc", VersionId=marker)
    assert http_status(error) == 405
    headers = error.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="doc", VersionId=marker)
    assert http_status(error) == 405

    removed = s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    latest = s3.get_object(Bucket=bucket, Key="doc")
    assert latest["Body"].read() == b"version two"
    assert latest["VersionId"] == v2


def test_no_such_version_and_bad_version_id(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", VersionId="A" * 32)
    assert error_code(error) == "NoSuchVersion"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", VersionId="not a version!")
    assert error_code(error) == "InvalidArgument"


def test_delete_specific_version_promotes_previous(s3: Any, bucket: str) -> None:
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"2")["VersionId"]
    assert s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)["VersionId"] == v2
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v1
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(v1, True)]


def test_suspended_writes_null_versions(s3: Any) -> None:
    name = "ver-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"before")  # the null version of an unversioned bucket
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    enabled = s3.put_object(Bucket=name, Key="k", Body=b"enabled")["VersionId"]
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    assert s3.put_object(Bucket=name, Key="k", Body=b"suspended")["VersionId"] == "null"
    versions = s3.list_object_versions(Bucket=name)["Versions"]
    # The suspended write replaced the earlier null version; the enabled one stays.
    assert [v["VersionId"] for v in versions] == ["null", enabled]
    assert s3.get_object(Bucket=name, Key="k", VersionId="null")["Body"].read() == b"suspended"
    marker = s3.delete_object(Bucket=name, Key="k")
    assert marker["DeleteMarker"] is True and marker["VersionId"] == "null"
    listed = s3.list_object_versions(Bucket=name)
    assert [v["VersionId"] for v in listed["Versions"]] == [enabled]
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == ["null"]


def test_copy_by_version_id(s3: Any, bucket: str) -> None:
    v1 = s3.put_object(Bucket=bucket, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"second")
    copied = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src", "VersionId": v1}
    )
    assert copied["CopySourceVersionId"] == v1
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"first"
    marker = s3.delete_object(Bucket=bucket, Key="src")["VersionId"]
    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src", "VersionId": marker}
        )
    assert error_code(error) == "InvalidRequest"


def test_list_versions_pages_with_markers(s3: Any, bucket: str) -> None:
    expected = []
    for key in ("a", "b/1", "b/2", "c"):
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"] for _ in range(3)]
        expected += [(key, vid) for vid in reversed(ids)]
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {"MaxKeys": 2}
    while True:
        page = s3.list_object_versions(Bucket=bucket, **kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
    assert seen == expected
    grouped = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert grouped["CommonPrefixes"] == [{"Prefix": "b/"}]
    assert {v["Key"] for v in grouped["Versions"]} == {"a", "c"}
    prefixed = s3.list_object_versions(Bucket=bucket, Prefix="b/")
    assert len(prefixed["Versions"]) == 6
    paginator = s3.get_paginator("list_object_versions")
    pages = paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 5})
    assert [(v["Key"], v["VersionId"]) for p in pages for v in p.get("Versions", [])] == expected
    grouped_pages = list(paginator.paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
    assert [c["Prefix"] for p in grouped_pages for c in p.get("CommonPrefixes", [])] == ["b/"]
    assert [v["Key"] for p in grouped_pages for v in p.get("Versions", [])] == ["a"] * 3 + ["c"] * 3
