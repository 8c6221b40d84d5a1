"""Object Lock: lock configuration, retention and legal hold, and the deletes they refuse.

The tests run on a server of their own whose clock no other test moves: retain-until dates are real time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer
from tests.services.s3.helpers import advance, client_of, error_of


@pytest.fixture(scope="module")
def lock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path_factory.mktemp("lock"), tls_port=False).start()
    yield server
    server.stop()


@pytest.fixture
def client(lock_server: FogbankServer) -> Callable[..., Any]:
    def make(service: str) -> Any:
        return client_of(lock_server, service)

    return make


def _soon(days: int = 1) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


def test_bucket_with_object_lock_and_default_retention(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-default", ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket="lock-default")["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket="lock-default")["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"
    }
    suspend = error_of(
        s3.put_bucket_versioning, Bucket="lock-default", VersioningConfiguration={"Status": "Suspended"}
    )
    assert (suspend["Code"], suspend["Status"]) == ("InvalidBucketState", 409)
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}}
    s3.put_object_lock_configuration(Bucket="lock-default", ObjectLockConfiguration=config)
    assert s3.get_object_lock_configuration(Bucket="lock-default")["ObjectLockConfiguration"] == config
    version = s3.put_object(Bucket="lock-default", Key="k", Body=b"x")["VersionId"]
    head = s3.head_object(Bucket="lock-default", Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert timedelta(days=1) < head["ObjectLockRetainUntilDate"] - datetime.now(UTC) <= timedelta(days=2)
    refused = error_of(s3.delete_object, Bucket="lock-default", Key="k", VersionId=version)
    assert (refused["Code"], refused["Status"]) == ("AccessDenied", 403)
    # A delete without a version id only adds a delete marker.
    assert s3.delete_object(Bucket="lock-default", Key="k")["DeleteMarker"] is True
    s3.delete_object(Bucket="lock-default", Key="k", VersionId=version, BypassGovernanceRetention=True)
    assert error_of(s3.head_object, Bucket="lock-default", Key="k", VersionId=version)["Status"] == 404


def test_configuration_errors(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-plain")
    missing = error_of(s3.get_object_lock_configuration, Bucket="lock-plain")
    assert (missing["Code"], missing["Status"]) == ("ObjectLockConfigurationNotFoundError", 404)
    refused = error_of(
        s3.put_object, Bucket="lock-plain", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=_soon(),
    )  # fmt: skip
    assert (refused["Code"], refused["Status"]) == ("InvalidRequest", 400)
    config = {"ObjectLockEnabled": "Enabled"}
    unversioned = error_of(
        s3.put_object_lock_configuration, Bucket="lock-plain", ObjectLockConfiguration=config
    )
    assert (unversioned["Code"], unversioned["Status"]) == ("InvalidBucketState", 409)
    s3.put_bucket_versioning(Bucket="lock-plain", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="lock-plain", ObjectLockConfiguration=config)
    assert s3.get_object_lock_configuration(Bucket="lock-plain")["ObjectLockConfiguration"] == config
    past = error_of(
        s3.put_object, Bucket="lock-plain", Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=datetime(2020, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    assert (past["Code"], past["Status"]) == ("InvalidArgument", 400)
    s3.put_object(Bucket="lock-plain", Key="free", Body=b"x")
    none = error_of(s3.get_object_retention, Bucket="lock-plain", Key="free")
    assert (none["Code"], none["Status"]) == ("NoSuchObjectLockConfiguration", 404)


def test_governance_retention_needs_bypass_to_shorten(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-gov", ObjectLockEnabledForBucket=True)
    until = _soon(5)
    version = s3.put_object(
        Bucket="lock-gov", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until
    )["VersionId"]
    assert s3.get_object_retention(Bucket="lock-gov", Key="k")["Retention"] == {
        "Mode": "GOVERNANCE",
        "RetainUntilDate": until,
    }
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": _soon(1)}
    refused = error_of(s3.put_object_retention, Bucket="lock-gov", Key="k", Retention=shorter)
    assert (refused["Code"], refused["Status"]) == ("AccessDenied", 403)
    s3.put_object_retention(
        Bucket="lock-gov", Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": _soon(9)}
    )
    s3.put_object_retention(Bucket="lock-gov", Key="k", Retention=shorter, BypassGovernanceRetention=True)
    assert (
        s3.get_object_retention(Bucket="lock-gov", Key="k")["Retention"]["RetainUntilDate"]
        == shorter["RetainUntilDate"]
    )
    failed = s3.delete_objects(Bucket="lock-gov", Delete={"Objects": [{"Key": "k", "VersionId": version}]})
    assert failed["Errors"][0]["Code"] == "AccessDenied"


def test_compliance_never_shortened_and_legal_hold(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-comp", ObjectLockEnabledForBucket=True)
    version = s3.put_object(
        Bucket="lock-comp",
        Key="k",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_soon(5),
    )["VersionId"]
    for retention in (
        {"Mode": "COMPLIANCE", "RetainUntilDate": _soon(1)},
        {"Mode": "GOVERNANCE", "RetainUntilDate": _soon(9)},
    ):
        refused = error_of(
            s3.put_object_retention,
            Bucket="lock-comp",
            Key="k",
            Retention=retention,
            BypassGovernanceRetention=True,
        )
        assert refused["Code"] == "AccessDenied"
    refused = error_of(
        s3.delete_object, Bucket="lock-comp", Key="k", VersionId=version, BypassGovernanceRetention=True
    )
    assert refused["Code"] == "AccessDenied"
    held = s3.put_object(Bucket="lock-comp", Key="held", Body=b"x", ObjectLockLegalHoldStatus="ON")[
        "VersionId"
    ]
    assert s3.get_object_legal_hold(Bucket="lock-comp", Key="held")["LegalHold"] == {"Status": "ON"}
    assert s3.get_object(Bucket="lock-comp", Key="held")["ObjectLockLegalHoldStatus"] == "ON"
    assert (
        error_of(s3.delete_object, Bucket="lock-comp", Key="held", VersionId=held)["Code"] == "AccessDenied"
    )
    s3.put_object_legal_hold(Bucket="lock-comp", Key="held", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket="lock-comp", Key="held", VersionId=held)
    no_hold = error_of(s3.get_object_legal_hold, Bucket="lock-comp", Key="k")
    assert (no_hold["Code"], no_hold["Status"]) == ("NoSuchObjectLockConfiguration", 404)


def test_compliance_delete_allowed_once_the_clock_passes(private: FogbankServer) -> None:
    s3 = client_of(private, "s3")
    s3.create_bucket(Bucket="lock-clock", ObjectLockEnabledForBucket=True)
    version = s3.put_object(
        Bucket="lock-clock",
        Key="k",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_soon(10),
    )["VersionId"]
    assert (
        error_of(s3.delete_object, Bucket="lock-clock", Key="k", VersionId=version)["Code"] == "AccessDenied"
    )
    advance(private, "11d")
    s3.delete_object(Bucket="lock-clock", Key="k", VersionId=version)
    assert "Versions" not in s3.list_object_versions(Bucket="lock-clock")


def test_bypass_needs_the_permission(lock_server: FogbankServer) -> None:
    server = lock_server
    account = new_account()
    root = client_for(server, "s3", account, "x")
    root.create_bucket(Bucket=f"lock-iam-{account}", ObjectLockEnabledForBucket=True)
    bucket = f"lock-iam-{account}"
    version = root.put_object(
        Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=_soon(5)
    )["VersionId"]
    allow = {"Effect": "Allow", "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": "*"}
    plain, _ = user_with_policies(server, account, "deleter", inline={"p": policy(allow)})
    bypass = {
        "Effect": "Allow",
        "Action": "s3:BypassGovernanceRetention",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    trusted, _ = user_with_policies(server, account, "bypasser", inline={"p": policy(allow, bypass)})
    kwargs = {"Bucket": bucket, "Key": "k", "VersionId": version, "BypassGovernanceRetention": True}
    assert error_of(plain("s3").delete_object, **kwargs)["Code"] == "AccessDenied"
    trusted("s3").delete_object(**kwargs)
    assert "Versions" not in root.list_object_versions(Bucket=bucket)


def test_copy_takes_the_destination_default_not_the_source_retention(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-copy-src", ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket="lock-copy-dst", ObjectLockEnabledForBucket=True)
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}}}
    s3.put_object_lock_configuration(Bucket="lock-copy-dst", ObjectLockConfiguration=config)
    s3.put_object(
        Bucket="lock-copy-src",
        Key="k",
        Body=b"x",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=_soon(10),
        ObjectLockLegalHoldStatus="ON",
    )
    # The checksum algorithm only satisfies lock_meta's integrity-header check (see object_lock.py).
    s3.copy_object(
        Bucket="lock-copy-dst",
        Key="k",
        CopySource={"Bucket": "lock-copy-src", "Key": "k"},
        ChecksumAlgorithm="CRC32",
    )
    head = s3.head_object(Bucket="lock-copy-dst", Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert timedelta(days=2) < head["ObjectLockRetainUntilDate"] - datetime.now(UTC) <= timedelta(days=3)
    assert "ObjectLockLegalHoldStatus" not in head


def test_multipart_upload_takes_its_lock_headers(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="lock-multipart", ObjectLockEnabledForBucket=True)
    until = _soon(4)
    upload = s3.create_multipart_upload(
        Bucket="lock-multipart",
        Key="k",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
        ChecksumAlgorithm="CRC32",
    )["UploadId"]
    part = s3.upload_part(
        Bucket="lock-multipart", Key="k", UploadId=upload, PartNumber=1, Body=b"x", ChecksumAlgorithm="CRC32"
    )
    s3.complete_multipart_upload(
        Bucket="lock-multipart",
        Key="k",
        UploadId=upload,
        MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}]
        },
    )
    retention = s3.get_object_retention(Bucket="lock-multipart", Key="k")["Retention"]
    assert retention == {"Mode": "GOVERNANCE", "RetainUntilDate": until}
