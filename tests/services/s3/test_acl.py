"""ACLs and Object Ownership through boto3: canned ACLs and grants, disabled ACLs by default, public ACLs
blocked or ignored by Block Public Access, and anonymous reads granted by an ACL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account
from tests.services.s3.helpers import error_code

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
OFF = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3", aws_access_key_id=new_account())


@pytest.fixture
def bucket(s3: Any) -> Iterator[str]:
    name = f"acl-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name


@pytest.fixture
def anonymous(client: Callable[..., Any]) -> Any:
    return client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


def test_ownership_defaults_to_enforced_and_acls_are_disabled(s3: Any, bucket: str) -> None:
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"] == [
        {"Grantee": {"Type": "CanonicalUser", "ID": acl["Owner"]["ID"]}, "Permission": "FULL_CONTROL"}
    ]
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert error_code(error) == "AccessControlListNotSupported"
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error_code(error) == "OwnershipControlsNotFoundError"


def test_public_read_object_acl(s3: Any, bucket: str, anonymous: Any) -> None:
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    s3.put_object(Bucket=bucket, Key="page.html", Body=b"<p>hi</p>")
    with pytest.raises(ClientError) as error:
        s3.put_object_acl(Bucket=bucket, Key="page.html", ACL="public-read")
    assert error_code(error) == "AccessDenied"  # BlockPublicAcls is on by default
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={**OFF, "IgnorePublicAcls": True}
    )
    s3.put_object_acl(Bucket=bucket, Key="page.html", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="page.html")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=bucket, Key="page.html")
    assert error_code(error) == "AccessDenied"  # the public grant is ignored
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    assert anonymous.get_object(Bucket=bucket, Key="page.html")["Body"].read() == b"<p>hi</p>"
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    with pytest.raises(ClientError) as error:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
    assert error_code(error) == "InvalidBucketAclWithObjectOwnership"
    assert anonymous.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_grant_to_another_account_by_canonical_id(s3: Any, bucket: str, client: Callable[..., Any]) -> None:
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_object(Bucket=bucket, Key="report", Body=b"data")
    other = client("s3", aws_access_key_id=new_account())
    with pytest.raises(ClientError) as error:
        other.get_object(Bucket=bucket, Key="report")
    assert error_code(error) == "AccessDenied"
    other_id = other.list_buckets()["Owner"]["ID"]
    owner_id = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    s3.put_object_acl(
        Bucket=bucket, Key="report", GrantRead=f'id="{other_id}"', GrantFullControl=f'id="{owner_id}"'
    )
    # The object ACL grants the object; the bucket's own grants decide the bucket.
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'id="{other_id}"', GrantFullControl=f'id="{owner_id}"')
    assert other.get_object(Bucket=bucket, Key="report")["Body"].read() == b"data"
    assert other.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='emailAddress="nobody@example.com"')
    assert error_code(error) == "UnresolvableGrantByEmailAddress"


def test_acl_headers_on_create_bucket_and_put_object(s3: Any, anonymous: Any) -> None:
    name = f"acl-{uuid.uuid4().hex[:12]}"
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name, ACL="public-read")
    assert error_code(error) == "InvalidBucketAclWithObjectOwnership"
    with pytest.raises(ClientError) as error:
        s3.head_bucket(Bucket=name)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.create_bucket(Bucket=name, ACL="private")
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=name, Key="k", Body=b"v", ACL="public-read")
    assert error_code(error) == "AccessControlListNotSupported"
    s3.put_object(Bucket=name, Key="k", Body=b"v", ACL="bucket-owner-full-control")
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=name, Key="open", Body=b"v", ACL="public-read")
    assert error_code(error) == "AccessDenied"
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=OFF)
    s3.put_object(Bucket=name, Key="open", Body=b"hello", ACL="public-read")
    assert anonymous.get_object(Bucket=name, Key="open")["Body"].read() == b"hello"
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=name, Key="k")
    assert error_code(error) == "AccessDenied"
