"""Conditional requests: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since on GET, HEAD, PUT."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _status(error: pytest.ExceptionInfo[ClientError]) -> int:
    return int(error.value.response["ResponseMetadata"]["HTTPStatusCode"])


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def obj(s3: Any) -> tuple[str, str, Any]:
    """(bucket, etag, last modified) of key "k"."""
    bucket = "cond-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"conditional")
    head = s3.head_object(Bucket=bucket, Key="k")
    return bucket, head["ETag"], head["LastModified"]


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_match(s3: Any, obj: tuple[str, str, Any], method: str) -> None:
    bucket, etag, _ = obj
    call = getattr(s3, method)
    assert call(Bucket=bucket, Key="k", IfMatch=etag)["ETag"] == etag
    assert call(Bucket=bucket, Key="k", IfMatch="*")["ETag"] == etag
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfMatch='"0123"')
    assert _status(error) == 412


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_none_match(s3: Any, obj: tuple[str, str, Any], method: str) -> None:
    bucket, etag, _ = obj
    call = getattr(s3, method)
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert _status(error) == 304
    assert call(Bucket=bucket, Key="k", IfNoneMatch='"0123"')["ETag"] == etag


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_dates(s3: Any, obj: tuple[str, str, Any], method: str) -> None:
    bucket, etag, modified = obj
    call = getattr(s3, method)
    before, after = modified - timedelta(hours=1), modified
    assert call(Bucket=bucket, Key="k", IfModifiedSince=before)["ETag"] == etag
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfModifiedSince=after)
    assert _status(error) == 304
    assert call(Bucket=bucket, Key="k", IfUnmodifiedSince=after)["ETag"] == etag
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfUnmodifiedSince=before)
    assert _status(error) == 412
    # If-Match decides alone when present; If-None-Match likewise over If-Modified-Since.
    assert call(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=before)["ETag"] == etag
    assert call(Bucket=bucket, Key="k", IfNoneMatch='"x"', IfModifiedSince=after)["ETag"] == etag


def test_conditional_writes(s3: Any, obj: tuple[str, str, Any]) -> None:
    bucket, etag, _ = obj
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"again", IfNoneMatch="*")
    assert _code(error) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"conditional"
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"other", IfMatch='"0123"')
    assert _code(error) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="absent", Body=b"other", IfMatch=etag)
    assert _code(error) == "NoSuchKey"
    s3.put_object(Bucket=bucket, Key="k", Body=b"replaced", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"replaced"
