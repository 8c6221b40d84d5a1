"""GLACIER and DEEP_ARCHIVE objects: refused until RestoreObject's tier time has run on fogbank's clock."""

from __future__ import annotations

from tests.server import FogbankServer
from tests.services.s3.helpers import advance, client_of, error_of


def test_glacier_restore_by_the_clock(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="archive")
    s3.put_object(Bucket="archive", Key="cold", Body=b"frozen bytes", StorageClass="GLACIER")
    refused = error_of(s3.get_object, Bucket="archive", Key="cold")
    assert (refused["Code"], refused["Status"]) == ("InvalidObjectState", 403)
    head = s3.head_object(Bucket="archive", Key="cold")
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    copy = error_of(s3.copy_object, Bucket="archive", Key="warm", CopySource="archive/cold")
    assert copy["Code"] == "InvalidObjectState"

    s3.restore_object(
        Bucket="archive",
        Key="cold",
        RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    assert s3.head_object(Bucket="archive", Key="cold")["Restore"] == 'ongoing-request="true"'
    assert error_of(s3.get_object, Bucket="archive", Key="cold")["Code"] == "InvalidObjectState"
    again = error_of(s3.restore_object, Bucket="archive", Key="cold", RestoreRequest={"Days": 2})
    assert (again["Code"], again["Status"]) == ("RestoreAlreadyInProgress", 409)

    advance(private, "6m")
    restore = s3.head_object(Bucket="archive", Key="cold")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="') and restore.endswith(' 00:00:00 GMT"')
    assert s3.get_object(Bucket="archive", Key="cold")["Body"].read() == b"frozen bytes"
    s3.copy_object(Bucket="archive", Key="warm", CopySource="archive/cold")
    assert s3.head_object(Bucket="archive", Key="warm").get("StorageClass") is None

    advance(private, "4d")
    assert "Restore" not in s3.head_object(Bucket="archive", Key="cold")
    assert error_of(s3.get_object, Bucket="archive", Key="cold")["Code"] == "InvalidObjectState"


def test_deep_archive_tiers(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="deep")
    s3.put_object(Bucket="deep", Key="k", Body=b"x", StorageClass="DEEP_ARCHIVE")
    expedited = error_of(
        s3.restore_object,
        Bucket="deep",
        Key="k",
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )
    assert expedited["Code"] == "InvalidArgument"
    s3.restore_object(Bucket="deep", Key="k", RestoreRequest={"Days": 1})  # Standard: 12 hours
    advance(private, "11h")
    assert s3.head_object(Bucket="deep", Key="k")["Restore"] == 'ongoing-request="true"'
    advance(private, "2h")
    assert s3.get_object(Bucket="deep", Key="k")["Body"].read() == b"x"


def test_restore_needs_an_archived_object(private: FogbankServer) -> None:
    s3 = client_of(private)
    s3.create_bucket(Bucket="hot")
    s3.put_object(Bucket="hot", Key="k", Body=b"x")
    refused = error_of(s3.restore_object, Bucket="hot", Key="k", RestoreRequest={"Days": 1})
    assert (refused["Code"], refused["Status"]) == ("InvalidObjectState", 403)
