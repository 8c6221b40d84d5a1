"""Conditional requests: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since on GET, HEAD, PUT."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code, http_status


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
    assert http_status(error) == 412


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_none_match(s3: Any, obj: tuple[str, str, Any], method: str) -> None:
    bucket, etag, _ = obj
    call = getattr(s3, method)
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert http_status(error) == 304
    assert call(Bucket=bucket, Key="k", IfNoneMatch='"0123"')["ETag"] == etag


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_dates(s3: Any, obj: tuple[str, str, Any], method: str) -> None:
    bucket, etag, modified = obj
    call = getattr(s3, method)
    before, after = modified - timedelta(hours=1), modified
    assert call(Bucket=bucket, Key="k", IfModifiedSince=before)["ETag"] == etag
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfModifiedSince=after)
    assert http_status(error) == 304
    assert call(Bucket=bucket, Key="k", IfUnmodifiedSince=after)["ETag"] == etag
    with pytest.raises(ClientError) as error:
        call(Bucket=bucket, Key="k", IfUnmodifiedSince=before)
    assert http_status(error) == 412
    # If-Match decides alone when present; If-None-Match likewise over If-Modified-Since.
    assert call(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=before)["ETag"] == etag
    assert call(Bucket=bucket, Key="k", IfNoneMatch='"x"', IfModifiedSince=after)["ETag"] == etag


def test_conditional_writes(s3: Any, obj: tuple[str, str, Any]) -> None:
    bucket, etag, _ = obj
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"again", IfNoneMatch="*")
    assert error_code(error) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"conditional"
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"other", IfMatch='"0123"')
    assert error_code(error) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="absent", Body=b"other", IfMatch=etag)
    assert error_code(error) == "NoSuchKey"
    s3.put_object(Bucket=bucket, Key="k", Body=b"replaced", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"replaced"


def test_not_modified_has_no_body_and_the_connection_stays_usable(
    server: Any, obj: tuple[str, str, Any]
) -> None:
    """A 304 carries no body: a client reusing the connection must read the next response cleanly."""
    import http.client

    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    bucket, etag, _ = obj
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for if_none_match, status in ((etag, 304), ('"0123"', 200), (etag, 304), ('"0123"', 200)):
            request = AWSRequest(
                method="GET", url=f"{server.endpoint}/{bucket}/k", headers={"If-None-Match": if_none_match}
            )
            S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
            connection.request("GET", f"/{bucket}/k", headers=dict(request.headers.items()))
            response = connection.getresponse()
            body = response.read()
            assert response.status == status
            assert (body == b"") == (status == 304)
    finally:
        connection.close()
