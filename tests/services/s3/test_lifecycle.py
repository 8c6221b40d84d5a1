"""Bucket lifecycle: configuration as AWS validates it, and its actions performed as fogbank's clock moves.

Each clock test has its own server: advancing the clock there runs every bucket's daily job.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.s3.helpers import advance, client_of, error_of


def _eventually(check: Callable[[], bool]) -> None:
    """The clock route only pokes the scheduler: wait (briefly) for its work to show."""
    deadline = time.monotonic() + 5
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the scheduler's work did not appear")
        time.sleep(0.05)


def _storage_class(s3: Any, bucket: str, key: str) -> str | None:
    try:
        return s3.head_object(Bucket=bucket, Key=key).get("StorageClass", "STANDARD")
    except ClientError:
        return None


def _rules(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"Rules": list(rules)}


def test_configuration_round_trip_and_delete(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lc-config")
    missing = error_of(s3.get_bucket_lifecycle_configuration, Bucket="lc-config")
    assert (missing["Code"], missing["Status"]) == ("NoSuchLifecycleConfiguration", 404)
    rule = {
        "ID": "logs",
        "Filter": {
            "And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}], "ObjectSizeGreaterThan": 10}
        },
        "Status": "Enabled",
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
        "Expiration": {"Days": 365},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 10, "NewerNoncurrentVersions": 2},
    }
    dated = {
        "ID": "dated",
        "Filter": {"Prefix": "old/"},
        "Status": "Disabled",
        "Expiration": {"Date": datetime(2030, 1, 1, tzinfo=UTC)},
    }
    out = s3.put_bucket_lifecycle_configuration(
        Bucket="lc-config", LifecycleConfiguration=_rules(rule, dated)
    )
    assert out["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket="lc-config")
    assert got["Rules"][0] == rule
    assert got["Rules"][1]["Expiration"]["Date"] == datetime(2030, 1, 1, tzinfo=UTC)
    s3.delete_bucket_lifecycle(Bucket="lc-config")
    assert (
        error_of(s3.get_bucket_lifecycle_configuration, Bucket="lc-config")["Code"]
        == "NoSuchLifecycleConfiguration"
    )


def _rule(**members: Any) -> dict[str, Any]:
    return {"ID": "a", "Filter": {}, "Status": "Enabled", **members}


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([_rule(Transitions=[{"Days": 10, "StorageClass": "STANDARD_IA"}])], "InvalidArgument"),
        ([_rule(ID="x" * 256, Expiration={"Days": 1})], "InvalidArgument"),
        ([_rule(Expiration={"Days": 1})] * 2, "InvalidArgument"),
        ([_rule(Expiration={"Days": 0})], "InvalidArgument"),
        ([_rule()], "InvalidRequest"),
        (
            [
                _rule(
                    Filter={"Tag": {"Key": "k", "Value": "v"}},
                    AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1},
                )
            ],
            "InvalidArgument",
        ),
        ([_rule(Expiration={"Date": datetime(2030, 1, 1, 12, tzinfo=UTC)})], "InvalidArgument"),
        (
            [_rule(Expiration={"Days": 30}, Transitions=[{"Days": 30, "StorageClass": "GLACIER"}])],
            "InvalidArgument",
        ),
        ([_rule(Status="On", Expiration={"Days": 1})], "MalformedXML"),
    ],
)
def test_invalid_configurations(client: Callable[..., Any], rules: list[dict[str, Any]], code: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lc-invalid")
    refused = error_of(
        s3.put_bucket_lifecycle_configuration, Bucket="lc-invalid", LifecycleConfiguration=_rules(*rules)
    )
    assert (refused["Code"], refused["Status"]) == (code, 400)


def test_expiration_header(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lc-header")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-header",
        LifecycleConfiguration=_rules(
            {"ID": "tmp-rule", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 3}}
        ),
    )
    s3.put_object(Bucket="lc-header", Key="tmp/a", Body=b"x")
    s3.put_object(Bucket="lc-header", Key="keep/a", Body=b"x")
    head = s3.head_object(Bucket="lc-header", Key="tmp/a")
    created = head["LastModified"].timestamp()
    midnight = (int(created // 86400) + 4) * 86400
    expected = datetime.fromtimestamp(midnight, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert head["Expiration"] == f'expiry-date="{expected}", rule-id="tmp-rule"'
    assert "Expiration" not in s3.head_object(Bucket="lc-header", Key="keep/a")


def test_prefix_transitions_to_glacier_then_expires(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="lc-logs")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-logs",
        TransitionDefaultMinimumObjectSize="varies_by_storage_class",
        LifecycleConfiguration=_rules(
            {
                "ID": "archive-logs",
                "Filter": {"Prefix": "logs/"},
                "Status": "Enabled",
                "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
                "Expiration": {"Days": 365},
            }
        ),
    )
    s3.put_object(Bucket="lc-logs", Key="logs/a.log", Body=b"log line")
    s3.put_object(Bucket="lc-logs", Key="data/a.bin", Body=b"data")
    advance(private, "31d")
    _eventually(lambda: _storage_class(s3, "lc-logs", "logs/a.log") == "GLACIER")
    assert _storage_class(s3, "lc-logs", "data/a.bin") == "STANDARD"
    assert error_of(s3.get_object, Bucket="lc-logs", Key="logs/a.log")["Code"] == "InvalidObjectState"
    advance(private, "335d")
    _eventually(lambda: _storage_class(s3, "lc-logs", "logs/a.log") is None)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="lc-logs")["Contents"]] == ["data/a.bin"]


def test_small_objects_stay_by_default_and_tags_filter(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="lc-small")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-small",
        LifecycleConfiguration=_rules(
            {
                "ID": "t",
                "Filter": {},
                "Status": "Enabled",
                "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}],
            },
            {
                "ID": "e",
                "Filter": {"Tag": {"Key": "temp", "Value": "yes"}},
                "Status": "Enabled",
                "Expiration": {"Days": 1},
            },
        ),
    )
    s3.put_object(Bucket="lc-small", Key="small", Body=b"tiny")
    s3.put_object(Bucket="lc-small", Key="big", Body=b"x" * (128 * 1024))
    s3.put_object(Bucket="lc-small", Key="tagged", Body=b"t", Tagging="temp=yes")
    advance(private, "3d")
    _eventually(lambda: _storage_class(s3, "lc-small", "big") == "GLACIER")
    assert _storage_class(s3, "lc-small", "small") == "STANDARD"
    assert _storage_class(s3, "lc-small", "tagged") is None


def test_versioned_expiration_noncurrent_and_markers(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="lc-versions")
    s3.put_bucket_versioning(Bucket="lc-versions", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-versions",
        LifecycleConfiguration=_rules(
            {"ID": "current", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 10}},
            {
                "ID": "old",
                "Filter": {},
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 5},
            },
            {
                "ID": "markers",
                "Filter": {},
                "Status": "Enabled",
                "Expiration": {"ExpiredObjectDeleteMarker": True},
            },
        ),
    )
    first = s3.put_object(Bucket="lc-versions", Key="doc", Body=b"one")["VersionId"]
    advance(private, "11d")

    def versions() -> tuple[list[str], list[str]]:
        listing = s3.list_object_versions(Bucket="lc-versions")
        return (
            [v["VersionId"] for v in listing.get("Versions", [])],
            [m["VersionId"] for m in listing.get("DeleteMarkers", [])],
        )

    _eventually(lambda: len(versions()[1]) == 1)
    assert versions()[0] == [first]
    assert error_of(s3.get_object, Bucket="lc-versions", Key="doc")["Code"] == "NoSuchKey"
    # Noncurrent for 5 days: the version goes, and then its lone delete marker.
    advance(private, "7d")
    _eventually(lambda: versions() == ([], []))


def test_noncurrent_expiration_spares_locked_versions(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="lc-locked", ObjectLockEnabledForBucket=True)
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-locked",
        LifecycleConfiguration=_rules(
            {
                "ID": "old",
                "Filter": {},
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
            }
        ),
    )
    until = datetime.now(UTC) + timedelta(days=30)
    locked = s3.put_object(
        Bucket="lc-locked", Key="k", Body=b"1", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until
    )["VersionId"]
    s3.put_object(Bucket="lc-locked", Key="k", Body=b"2")
    current = s3.put_object(Bucket="lc-locked", Key="k", Body=b"3")["VersionId"]

    def versions() -> list[str]:
        return [v["VersionId"] for v in s3.list_object_versions(Bucket="lc-locked").get("Versions", [])]

    advance(private, "3d")
    # The same run removes the unlocked noncurrent version and keeps the locked one.
    _eventually(lambda: len(versions()) == 2)
    assert versions() == [current, locked]


def test_incomplete_uploads_are_aborted(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="lc-uploads")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-uploads",
        LifecycleConfiguration=_rules(
            {
                "ID": "abort",
                "Filter": {"Prefix": "up/"},
                "Status": "Enabled",
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            }
        ),
    )
    stale = s3.create_multipart_upload(Bucket="lc-uploads", Key="up/big")["UploadId"]
    s3.upload_part(Bucket="lc-uploads", Key="up/big", UploadId=stale, PartNumber=1, Body=b"part")
    other = s3.create_multipart_upload(Bucket="lc-uploads", Key="other/big")["UploadId"]

    def uploads() -> list[str]:
        return [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="lc-uploads").get("Uploads", [])]

    advance(private, "3d")
    assert sorted(uploads()) == sorted([stale, other])
    advance(private, "5d")
    _eventually(lambda: uploads() == [other])
    refused = error_of(s3.list_parts, Bucket="lc-uploads", Key="up/big", UploadId=stale)
    assert refused["Code"] == "NoSuchUpload"
