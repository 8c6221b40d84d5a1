"""Bucket configuration stored and read back: versioning's MFA delete, request payment, acceleration,
notifications, and the inventory/analytics/metrics/Intelligent-Tiering configurations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "conf-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def test_mfa_delete_flag(s3: Any, bucket: str) -> None:
    config = {"Status": "Enabled", "MFADelete": "Enabled"}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=config)
    assert error_code(error) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=config, MFA="serial-only")
    assert error_code(error) == "InvalidArgument"
    s3.put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration=config, MFA="arn:aws:iam::123456789012:mfa/root 123456"
    )
    got = s3.get_bucket_versioning(Bucket=bucket)
    assert (got["Status"], got["MFADelete"]) == ("Enabled", "Enabled")


def test_request_payment(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


def test_accelerate(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    dotted = f"a.{bucket}"
    s3.create_bucket(Bucket=dotted)
    with pytest.raises(ClientError) as error:
        s3.put_bucket_accelerate_configuration(Bucket=dotted, AccelerateConfiguration={"Status": "Enabled"})
    assert error_code(error) == "InvalidRequest"


def test_notification_configuration(s3: Any, bucket: str) -> None:
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    config = {
        "QueueConfigurations": [
            {
                "Id": "to-queue",
                "QueueArn": "arn:aws:sqs:us-east-1:000000000000:uploads",
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
            }
        ],
        "TopicConfigurations": [
            {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Events": ["s3:ObjectRemoved:Delete"]}
        ],
        "EventBridgeConfiguration": {},
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"] == config["QueueConfigurations"]
    assert got["TopicConfigurations"][0]["Id"]
    assert got["EventBridgeConfiguration"] == {}
    bad = {"QueueConfigurations": [{"QueueArn": "not-an-arn", "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=bad)
    assert error_code(error) == "InvalidArgument"
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_inventory_configurations(s3: Any, bucket: str) -> None:
    def inventory(i: str) -> dict[str, Any]:
        return {
            "Id": i,
            "IsEnabled": True,
            "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{bucket}", "Format": "CSV"}},
            "IncludedObjectVersions": "Current",
            "Schedule": {"Frequency": "Daily"},
        }

    with pytest.raises(ClientError) as error:
        s3.get_bucket_inventory_configuration(Bucket=bucket, Id="a")
    assert error_code(error) == "NoSuchConfiguration"
    for i in ("b", "a"):
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id=i, InventoryConfiguration=inventory(i))
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="a")[
        "InventoryConfiguration"
    ] == inventory("a")
    listed = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["a", "b"]
    assert listed["IsTruncated"] is False
    s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="a")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="a")
    assert error_code(error) == "NoSuchConfiguration"


def test_metrics_analytics_tiering_configurations(s3: Any, bucket: str) -> None:
    for i in range(105):
        s3.put_bucket_metrics_configuration(
            Bucket=bucket, Id=f"m{i:03}", MetricsConfiguration={"Id": f"m{i:03}", "Filter": {"Prefix": "p/"}}
        )
    first = s3.list_bucket_metrics_configurations(Bucket=bucket)
    assert len(first["MetricsConfigurationList"]) == 100 and first["IsTruncated"] is True
    rest = s3.list_bucket_metrics_configurations(
        Bucket=bucket, ContinuationToken=first["NextContinuationToken"]
    )
    assert [c["Id"] for c in rest["MetricsConfigurationList"]] == [f"m{i:03}" for i in range(100, 105)]
    analytics = {"Id": "an", "StorageClassAnalysis": {}}
    s3.put_bucket_analytics_configuration(Bucket=bucket, Id="an", AnalyticsConfiguration=analytics)
    got = s3.get_bucket_analytics_configuration(Bucket=bucket, Id="an")["AnalyticsConfiguration"]
    assert got["Id"] == "an"
    tiering = {"Id": "it", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=bucket, Id="it", IntelligentTieringConfiguration=tiering
    )
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert listed["IntelligentTieringConfigurationList"] == [tiering]
    with pytest.raises(ClientError) as error:
        s3.put_bucket_analytics_configuration(
            Bucket=bucket, Id="other", AnalyticsConfiguration={"Id": "x", "StorageClassAnalysis": {}}
        )
    assert error_code(error) == "InvalidArgument"
