"""Listings: ListObjects and ListObjectsV2 with prefixes, delimiters, markers and continuation tokens."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3", config=Config(retries={"max_attempts": 0}, max_pool_connections=16))


def _bucket(s3: Any, keys: list[str]) -> str:
    name = "list-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=name, Key=key, Body=b""), keys))
    return name


@pytest.fixture(scope="module")
def big(client: Callable[..., Any]) -> tuple[Any, str, list[str]]:
    """5,000 keys: 40 "directories" of 100 keys, plus 1,000 keys at the top."""
    s3 = client("s3", config=Config(retries={"max_attempts": 0}, max_pool_connections=16))
    keys = [f"dir{d:02d}/file{f:03d}" for d in range(40) for f in range(100)]
    keys += [f"top{n:04d}" for n in range(1000)]
    return s3, _bucket(s3, keys), sorted(keys)


def test_five_thousand_keys_with_delimiter_paged_by_100(big: tuple[Any, str, list[str]]) -> None:
    s3, bucket, keys = big
    seen_keys: list[str] = []
    seen_prefixes: list[str] = []
    kwargs: dict[str, Any] = {"Delimiter": "/", "MaxKeys": 100}
    pages = 0
    while True:
        page = s3.list_objects_v2(Bucket=bucket, **kwargs)
        pages += 1
        entries = [o["Key"] for o in page.get("Contents", [])] + [
            p["Prefix"] for p in page.get("CommonPrefixes", [])
        ]
        assert page["KeyCount"] == len(entries)
        seen_keys += [o["Key"] for o in page.get("Contents", [])]
        seen_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["IsTruncated"] == ("NextContinuationToken" in page)
        if not page["IsTruncated"]:
            assert len(entries) <= 100
            break
        assert len(entries) == 100
        kwargs["ContinuationToken"] = page["NextContinuationToken"]
    assert seen_prefixes == [f"dir{d:02d}/" for d in range(40)]
    assert seen_keys == [k for k in keys if "/" not in k]
    assert pages == 11  # 1,040 entries


def test_five_thousand_keys_flat_paginator(big: tuple[Any, str, list[str]]) -> None:
    s3, bucket, keys = big
    paginator = s3.get_paginator("list_objects_v2")
    listed = [
        o["Key"]
        for p in paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 1000})
        for o in p["Contents"]
    ]
    assert listed == keys
    v1 = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=bucket) for o in p["Contents"]]
    assert v1 == keys


def test_prefix_and_delimiter_inside_prefix(big: tuple[Any, str, list[str]]) -> None:
    s3, bucket, _ = big
    page = s3.list_objects_v2(Bucket=bucket, Prefix="dir07/file09")
    assert [o["Key"] for o in page["Contents"]] == [f"dir07/file09{n}" for n in range(10)]
    page = s3.list_objects_v2(Bucket=bucket, Prefix="dir0", Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == [f"dir0{d}/" for d in range(10)]
    assert "Contents" not in page
    page = s3.list_objects_v2(Bucket=bucket, Prefix="nothing-here")
    assert page["KeyCount"] == 0 and page["IsTruncated"] is False


def test_v1_marker_and_next_marker(big: tuple[Any, str, list[str]]) -> None:
    s3, bucket, keys = big
    page = s3.list_objects(Bucket=bucket, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == keys[:3]
    assert page["IsTruncated"] is True
    assert "NextMarker" not in page  # only with a delimiter
    assert "ID" in page["Contents"][0]["Owner"]
    page = s3.list_objects(Bucket=bucket, Marker=keys[2], MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == keys[3:6]
    page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["dir00/", "dir01/"]
    assert page["NextMarker"] == "dir01/"
    after = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2, Marker=page["NextMarker"])
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["dir02/", "dir03/"]


def test_start_after_fetch_owner_and_max_keys(big: tuple[Any, str, list[str]]) -> None:
    s3, bucket, keys = big
    page = s3.list_objects_v2(Bucket=bucket, StartAfter=keys[10], MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == keys[11:13]
    assert page["StartAfter"] == keys[10]
    assert "Owner" not in page["Contents"][0]
    owned = s3.list_objects_v2(Bucket=bucket, MaxKeys=1, FetchOwner=True)
    assert len(owned["Contents"][0]["Owner"]["ID"]) == 64
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)["MaxKeys"] == 1000
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 1000
    empty = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert empty["KeyCount"] == 0
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="not-a-token")
    assert error.value.response["Error"]["Code"] == "InvalidArgument"


def test_unicode_keys_in_utf8_byte_order(s3: Any) -> None:
    keys = ["a", "Z", "é", "e\u0301", "\u00ff", "\u0100", "日本", "\U0001f600", "\uffff", "a b", "a+b", "a%b"]
    bucket = _bucket(s3, keys)
    expected = sorted(keys, key=lambda k: k.encode("utf-8"))
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == expected
    paged: list[str] = []
    kwargs: dict[str, Any] = {"MaxKeys": 1}
    while True:
        page = s3.list_objects_v2(Bucket=bucket, **kwargs)
        paged += [o["Key"] for o in page["Contents"]]
        if not page["IsTruncated"]:
            break
        kwargs["ContinuationToken"] = page["NextContinuationToken"]
    assert paged == expected


def test_encoding_type_url(s3: Any) -> None:
    bucket = _bucket(s3, ["with space/and\u0001control"])
    # boto3 asks for url encoding by itself and decodes the answer; the raw body shows the encoding.
    seen: dict[str, Any] = {}

    def capture(http_response: Any, **_: Any) -> None:
        seen["body"] = http_response.content

    s3.meta.events.register("after-call.s3.ListObjectsV2", lambda **kw: capture(kw["http_response"]))
    listed = s3.list_objects_v2(Bucket=bucket)
    assert listed["Contents"][0]["Key"] == "with space/and\u0001control"
    assert b"<Key>with%20space/and%01control</Key>" in seen["body"]
    explicit = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert explicit["CommonPrefixes"] == [{"Prefix": "with%20space/"}]
    assert explicit["EncodingType"] == "url"
