"""Buckets through boto3: naming rules, global names, regions, listing, deletion and versioning status."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account
from tests.services.s3.helpers import error_code, http_status


def _name(tag: str = "bkt") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def _account_client(client: Callable[..., Any], account: str, region: str = "us-east-1") -> Any:
    # A 12-digit access key acts as the root user of that account.
    return client("s3", aws_access_key_id=account, region_name=region)


def test_create_head_locate_list_delete(s3: Any) -> None:
    name = _name()
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert head["BucketRegion"] == "us-east-1"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as error:
        s3.head_bucket(Bucket=name)
    assert http_status(error) == 404
    with pytest.raises(ClientError) as error:
        s3.get_bucket_location(Bucket=name)
    assert error_code(error) == "NoSuchBucket"
    assert error.value.response["Error"]["BucketName"] == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper-case",
        "under_score",
        "two..dots",
        "dot.-hyphen",
        "-starts-with-hyphen",
        "ends-with-hyphen-",
        "192.168.5.4",
        "xn--punycode",
        "sthree-reserved",
        "name-s3alias",
        "name--ol-s3",
    ],
)
def test_invalid_names(s3: Any, name: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name)
    assert error_code(error) == "InvalidBucketName"
    assert error.value.response["Error"]["BucketName"] == name


def test_valid_edge_names(s3: Any) -> None:
    for name in (
        uuid.uuid4().hex[:3],
        (uuid.uuid4().hex * 2)[:63],
        f"dots.and-hyphens.{uuid.uuid4().hex[:8]}",
    ):
        s3.create_bucket(Bucket=name)
        s3.head_bucket(Bucket=name)
        s3.delete_bucket(Bucket=name)


def test_names_are_global_across_accounts(s3: Any, client: Callable[..., Any]) -> None:
    name = _name()
    s3.create_bucket(Bucket=name)
    other = _account_client(client, new_account())
    with pytest.raises(ClientError) as error:
        other.create_bucket(Bucket=name)
    assert error_code(error) == "BucketAlreadyExists"
    assert http_status(error) == 409
    with pytest.raises(ClientError) as error:
        other.head_bucket(Bucket=name)
    assert http_status(error) == 403
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    with pytest.raises(ClientError) as error:
        other.delete_bucket(Bucket=name)
    assert error_code(error) == "AccessDenied"


def test_own_bucket_again(s3: Any, client: Callable[..., Any]) -> None:
    name = _name()
    s3.create_bucket(Bucket=name)
    # us-east-1 keeps its legacy answer: success.
    assert s3.create_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    eu = client("s3", region_name="eu-west-1")
    eu_name = _name()
    eu.create_bucket(Bucket=eu_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as error:
        eu.create_bucket(Bucket=eu_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_code(error) == "BucketAlreadyOwnedByYou"
    assert http_status(error) == 409


def test_location_constraints(client: Callable[..., Any]) -> None:
    eu = client("s3", region_name="eu-west-1")
    name = _name()
    created = eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert created["Location"] == f"http://{name}.s3.amazonaws.com/"
    assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    assert eu.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    with pytest.raises(ClientError) as error:
        eu.create_bucket(Bucket=_name())
    assert error_code(error) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as error:
        eu.create_bucket(Bucket=_name(), CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert error_code(error) == "IllegalLocationConstraintException"


def test_list_buckets_pages_prefix_and_region(client: Callable[..., Any]) -> None:
    account = new_account()
    east = _account_client(client, account)
    west = _account_client(client, account, "us-west-2")
    tag = uuid.uuid4().hex[:8]
    names = sorted(f"lb-{tag}-{i}" for i in range(5))
    for name in names[:3]:
        east.create_bucket(Bucket=name)
    for name in names[3:]:
        west.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    east.create_bucket(Bucket=f"other-{tag}")
    listed = east.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == [*names, f"other-{tag}"]
    assert len(listed["Owner"]["ID"]) == 64
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxBuckets": 2, "Prefix": f"lb-{tag}"}
    while True:
        page = east.list_buckets(**kwargs)
        assert page["Prefix"] == f"lb-{tag}"
        seen += [b["Name"] for b in page["Buckets"]]
        if "ContinuationToken" not in page:
            break
        kwargs["ContinuationToken"] = page["ContinuationToken"]
    assert seen == names
    in_west = east.list_buckets(BucketRegion="us-west-2")["Buckets"]
    assert [(b["Name"], b["BucketRegion"]) for b in in_west] == [(n, "us-west-2") for n in names[3:]]
    paginated = east.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 1})
    assert [b["Name"] for page in paginated for b in page["Buckets"]] == [*names, f"other-{tag}"]


def test_delete_bucket_not_empty(s3: Any) -> None:
    name = _name()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=name)
    assert error_code(error) == "BucketNotEmpty"
    assert http_status(error) == 409
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.delete_object(Bucket=name, Key="k")  # the null version stays, under a delete marker
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 0
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=name)
    assert error_code(error) == "BucketNotEmpty"
    versions = s3.list_object_versions(Bucket=name)
    for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=name, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=name)
    assert error_code(error) == "NoSuchBucket"


def test_versioning_status(s3: Any) -> None:
    name = _name()
    s3.create_bucket(Bucket=name)
    assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Suspended"
    # There is no way back to unversioned.
    with pytest.raises(ClientError) as error:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Disabled"})
    assert error_code(error) == "MalformedXML"
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Suspended"


def test_bucket_tagging(s3: Any) -> None:
    name = _name()
    s3.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_tagging(Bucket=name)
    assert error_code(error) == "NoSuchTagSet"
    tags = [{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": ""}]
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == tags
    with pytest.raises(ClientError) as error:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "a", "Value": "1"}] * 2})
    assert error_code(error) == "InvalidTag"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]}
        )
    assert error_code(error) == "InvalidTag"
    s3.delete_bucket_tagging(Bucket=name)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_tagging(Bucket=name)
    assert error_code(error) == "NoSuchTagSet"


def test_bucket_quota_is_configurable(tmp_path: Any) -> None:
    import boto3

    from tests.server import FogbankServer

    own = FogbankServer("--s3-bucket-quota", "2", data_dir=tmp_path / "quota", tls_port=False).start()
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=own.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket="quota-one")
        s3.create_bucket(Bucket="quota-two")
        with pytest.raises(ClientError) as error:
            s3.create_bucket(Bucket="quota-three")
        assert error.value.response["Error"]["Code"] == "TooManyBuckets"
        s3.delete_bucket(Bucket="quota-one")
        s3.create_bucket(Bucket="quota-three")
    finally:
        own.stop()


def test_unknown_or_explicit_us_east_1_location_constraint(client: Any) -> None:
    s3 = client("s3")
    for constraint in ("us-east-1", "mars-north-1"):
        with pytest.raises(ClientError) as error:
            s3.create_bucket(
                Bucket="constrained-bucket", CreateBucketConfiguration={"LocationConstraint": constraint}
            )
        assert error.value.response["Error"]["Code"] == "InvalidLocationConstraint"
