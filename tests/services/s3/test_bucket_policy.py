"""Bucket policies through boto3: validation, storage, status, and enforcement with S3's condition keys."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account, policy, user_with_policies
from tests.services.s3.helpers import error_code


def _message(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Message"])


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def s3(client: Callable[..., Any], account: str) -> Any:
    return client("s3", aws_access_key_id=account)


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = f"pol-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name


def test_put_get_delete_and_validation(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_bucket_policy(Bucket=bucket)
    assert error_code(error) == "NoSuchBucketPolicy"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy="not json")
    assert error_code(error) == "MalformedPolicy"
    assert _message(error) == "Policies must be valid JSON and the first byte must be '{'"
    other = _doc(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}
    )
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=other)
    assert (error_code(error), _message(error)) == ("MalformedPolicy", "Policy has invalid resource")
    no_principal = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"})
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=no_principal)
    assert error_code(error) == "MalformedPolicy"
    text = _doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == text
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_policy_status(Bucket=bucket)
    assert error_code(error) == "NoSuchBucketPolicy"


def test_explicit_deny_binds_the_owner(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="keep", Body=b"x")
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    with pytest.raises(ClientError) as error:
        s3.delete_object(Bucket=bucket, Key="keep")
    assert error_code(error) == "AccessDenied"
    assert "explicit deny in a resource-based policy" in _message(error)


def test_deny_unencrypted_uploads(s3: Any, bucket: str) -> None:
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Sid": "DenyUnencrypted",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            }
        ),
    )
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="plain", Body=b"secret")
    assert error_code(error) == "AccessDenied"
    s3.put_object(Bucket=bucket, Key="sealed", Body=b"secret", ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket=bucket, Key="sealed")["Body"].read() == b"secret"


def test_cross_account_grant(s3: Any, bucket: str, client: Callable[..., Any]) -> None:
    s3.put_object(Bucket=bucket, Key="shared/a", Body=b"a")
    other = new_account()
    reader = client("s3", aws_access_key_id=other)
    with pytest.raises(ClientError) as error:
        reader.get_object(Bucket=bucket, Key="shared/a")
    assert error_code(error) == "AccessDenied"
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/shared/*",
            }
        ),
    )
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    assert reader.get_object(Bucket=bucket, Key="shared/a")["Body"].read() == b"a"
    with pytest.raises(ClientError) as error:
        reader.put_object(Bucket=bucket, Key="shared/b", Body=b"b")
    assert error_code(error) == "AccessDenied"
    # Configuration stays the owner's.
    with pytest.raises(ClientError) as error:
        reader.get_bucket_policy(Bucket=bucket)
    assert error_code(error) == "AccessDenied"


def test_prefix_condition_on_listing(
    s3: Any, bucket: str, account: str, server: Any, client: Callable[..., Any]
) -> None:
    s3.put_object(Bucket=bucket, Key="home/alice/1", Body=b"1")
    s3.put_object(Bucket=bucket, Key="home/bob/1", Body=b"1")
    make, _ = user_with_policies(
        server,
        account,
        f"alice-{uuid.uuid4().hex[:6]}",
        inline={
            "list": policy(
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"}
            )
        },
    )
    alice = make("s3")
    assert alice.list_objects_v2(Bucket=bucket)["KeyCount"] == 2
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringNotLike": {"s3:prefix": "home/alice/*"}},
            }
        ),
    )
    assert alice.list_objects_v2(Bucket=bucket, Prefix="home/alice/")["KeyCount"] == 1
    with pytest.raises(ClientError) as error:
        alice.list_objects_v2(Bucket=bucket, Prefix="home/bob/")
    assert error_code(error) == "AccessDenied"


def test_existing_tags_auth_type_and_version_keys(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="open", Body=b"1", Tagging="class=public")
    s3.put_object(Bucket=bucket, Key="secret", Body=b"2", Tagging="class=secret")
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/class": "secret"}},
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}},
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObjectVersion",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"s3:VersionId": "null"}},
            },
        ),
    )
    assert s3.get_object(Bucket=bucket, Key="open")["Body"].read() == b"1"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="secret")
    assert error_code(error) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="open", VersionId="null")
    assert error_code(error) == "AccessDenied"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "open"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)
    assert refused.value.code == 403


def test_deny_plain_http(client: Callable[..., Any], account: str, bucket: str) -> None:
    plain = client("s3", aws_access_key_id=account)
    secure = client("s3", tls=True, aws_access_key_id=account)
    secure.put_bucket_policy(
        Bucket=bucket,
        Policy=_doc(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ),
    )
    with pytest.raises(ClientError) as error:
        plain.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert error_code(error) == "AccessDenied"
    secure.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert secure.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
