"""Block Public Access through boto3: bucket defaults, account settings (s3control), and what they refuse."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account
from tests.services.s3.helpers import error_code

ALL_ON = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)
ALL_OFF = dict.fromkeys(ALL_ON, False)


def _public_read(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def _control(client: Callable[..., Any], account: str) -> Any:
    """An s3control client: its endpoint puts the account in front of the host, which 127.0.0.1 cannot
    resolve, so the request goes to the server's address with the signed Host header kept."""
    control = client("s3control", aws_access_key_id=account)

    def send_to_server(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        request.headers["Host"] = parts.netloc
        request.url = urlunsplit(parts._replace(netloc=parts.netloc.split(".", 1)[1]))

    control.meta.events.register("before-send.s3-control", send_to_server)
    return control


@pytest.fixture
def s3(client: Callable[..., Any], account: str) -> Any:
    return client("s3", aws_access_key_id=account)


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = f"bpa-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name


def test_new_buckets_block_everything_by_default(s3: Any, bucket: str) -> None:
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == ALL_ON
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.get_public_access_block(Bucket=bucket)
    assert error_code(error) == "NoSuchPublicAccessBlockConfiguration"
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={**ALL_OFF, "BlockPublicAcls": True}
    )
    got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert got == {**ALL_OFF, "BlockPublicAcls": True}


def test_public_policy_refused_until_unblocked_then_anonymous_get(
    s3: Any, bucket: str, client: Callable[..., Any]
) -> None:
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello world")
    anonymous = client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=bucket, Key="hello.txt")
    assert error_code(error) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=_public_read(bucket))
    assert error_code(error) == "AccessDenied"
    assert (
        "because public policies are blocked by the BlockPublicPolicy"
        in error.value.response["Error"]["Message"]
    )
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_OFF)
    s3.put_bucket_policy(Bucket=bucket, Policy=_public_read(bucket))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert anonymous.get_object(Bucket=bucket, Key="hello.txt")["Body"].read() == b"hello world"
    # The policy grants reads only: listing and writing stay denied.
    with pytest.raises(ClientError) as error:
        anonymous.put_object(Bucket=bucket, Key="other", Body=b"x")
    assert error_code(error) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        anonymous.list_objects_v2(Bucket=bucket)
    assert error_code(error) == "AccessDenied"


def test_restrict_public_buckets_ignores_a_public_policy(
    s3: Any, bucket: str, client: Callable[..., Any]
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_OFF)
    s3.put_bucket_policy(Bucket=bucket, Policy=_public_read(bucket))
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={**ALL_OFF, "RestrictPublicBuckets": True}
    )
    anonymous = client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error_code(error) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_account_setting_applies_to_every_bucket(
    s3: Any, bucket: str, account: str, client: Callable[..., Any]
) -> None:
    control = _control(client, account)
    with pytest.raises(ClientError) as error:
        control.get_public_access_block(AccountId=account)
    assert error_code(error) == "NoSuchPublicAccessBlockConfiguration"
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_OFF)
    control.put_public_access_block(
        AccountId=account, PublicAccessBlockConfiguration={**ALL_OFF, "BlockPublicPolicy": True}
    )
    got = control.get_public_access_block(AccountId=account)["PublicAccessBlockConfiguration"]
    assert got == {**ALL_OFF, "BlockPublicPolicy": True}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=_public_read(bucket))
    assert error_code(error) == "AccessDenied"
    control.delete_public_access_block(AccountId=account)
    s3.put_bucket_policy(Bucket=bucket, Policy=_public_read(bucket))
    with pytest.raises(ClientError) as error:
        control.get_public_access_block(AccountId=new_account())
    assert error_code(error) == "AccessDenied"
