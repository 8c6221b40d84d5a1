"""SSE-C: the customer's key encrypts the object, only its MD5 is kept, and every read (and copy) needs it."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

KEY = os.urandom(32)
OTHER = os.urandom(32)


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3", tls=True)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "ssec-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def test_read_needs_the_right_key(s3: Any, bucket: str) -> None:
    body = os.urandom(150_000)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    md5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", md5)
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k")
    assert _error(error) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)
    assert _error(error) == ("AccessDenied", 403)
    got = s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert got["SSECustomerKeyMD5"] == md5
    assert got["Body"].read() == body
    ranged = s3.get_object(
        Bucket=bucket, Key="k", Range="bytes=70000-70010", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
    )
    assert ranged["Body"].read() == body[70000:70011]
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="k")
    assert _error(error)[1] == 400
    head = s3.head_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert head["ContentLength"] == len(body)


def test_wrong_md5_is_refused(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_object(
            Bucket=bucket,
            Key="k",
            Body=b"x",
            SSECustomerAlgorithm="AES256",
            SSECustomerKey=base64.b64encode(KEY).decode(),
            SSECustomerKeyMD5=base64.b64encode(hashlib.md5(OTHER).digest()).decode(),
        )
    assert _error(error) == ("InvalidArgument", 400)


def test_sse_c_needs_https(client: Callable[..., Any], s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        client("s3").put_object(
            Bucket=bucket, Key="k", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
        )
    assert _error(error) == ("InvalidRequest", 400)


def test_copy_needs_the_source_key(s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket, Key="src", Body=b"customer", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
    )
    source = {"Bucket": bucket, "Key": "src"}
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=source)
    assert _error(error) == ("InvalidRequest", 400)
    copied = s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=source,
        CopySourceSSECustomerAlgorithm="AES256",
        CopySourceSSECustomerKey=KEY,
    )
    assert copied["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"customer"
    s3.copy_object(
        Bucket=bucket,
        Key="rekeyed",
        CopySource=source,
        CopySourceSSECustomerAlgorithm="AES256",
        CopySourceSSECustomerKey=KEY,
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=OTHER,
    )
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="rekeyed", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert _error(error) == ("AccessDenied", 403)
    got = s3.get_object(Bucket=bucket, Key="rekeyed", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)
    assert got["Body"].read() == b"customer"
