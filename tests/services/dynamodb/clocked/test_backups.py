"""On-demand backups and point-in-time recovery: restores give back the items of their moment."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.server import FogbankServer
from tests.services.dynamodb.clock import advance, now
from tests.services.dynamodb.errors import error_of
from tests.services.dynamodb.shapes import index


def keys_of(ddb: Any, table: str) -> dict[str, str]:
    return {i["pk"]["S"]: i.get("v", {}).get("S", "") for i in ddb.scan(TableName=table)["Items"]}


def test_backup_and_restore(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(
        range=("sk", "S"),
        extra_attributes={"g": "S"},
        GlobalSecondaryIndexes=[index("by-g", "g")],
    )
    ddb.put_item(
        TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "b": {"B": b"\x01"}}
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "sk": {"S": "2"}})
    details = ddb.create_backup(TableName=table, BackupName="nightly")["BackupDetails"]
    assert (details["BackupName"], details["BackupStatus"], details["BackupType"]) == (
        "nightly",
        "AVAILABLE",
        "USER",
    )
    arn = details["BackupArn"]
    assert arn.startswith(ddb.describe_table(TableName=table)["Table"]["TableArn"] + "/backup/")
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "1"}})

    description = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert description["SourceTableDetails"]["TableName"] == table
    assert description["SourceTableDetails"]["ItemCount"] == 2
    assert description["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"][0]["IndexName"] == "by-g"
    listed = ddb.list_backups(TableName=table)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [arn]

    target = table + "-restored"
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=arn)["TableDescription"]
    assert restored["RestoreSummary"]["SourceBackupArn"] == arn
    try:
        summary = ddb.describe_table(TableName=target)["Table"]["RestoreSummary"]
        assert summary == {
            **restored["RestoreSummary"],
            "SourceTableArn": details["BackupArn"].split("/backup/")[0],
        }
        assert summary["RestoreInProgress"] is False
        item = ddb.get_item(TableName=target, Key={"pk": {"S": "a"}, "sk": {"S": "1"}})["Item"]
        assert item["b"] == {"B": b"\x01"}
        assert ddb.describe_table(TableName=target)["Table"]["ItemCount"] == 2
        by_g = ddb.query(
            TableName=target,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
        )
        assert by_g["Count"] == 1
        assert error_of(ddb.restore_table_from_backup, TargetTableName=target, BackupArn=arn) == (
            "TableAlreadyExistsException",
            f"Table already exists: {target}",
        )
    finally:
        ddb.delete_table(TableName=target)

    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
    assert deleted["BackupStatus"] == "DELETED"
    assert error_of(ddb.describe_backup, BackupArn=arn) == (
        "BackupNotFoundException",
        f"Backup not found: {arn}",
    )
    assert error_of(ddb.create_backup, TableName="no-such-table", BackupName="weekly") == (
        "TableNotFoundException",
        "Table not found: no-such-table",
    )


def test_point_in_time_recovery(ddb: Any, make_table: Callable[..., str], server: FogbankServer) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}, "v": {"S": "1"}})
    off = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert off["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
    assert error_of(
        ddb.restore_table_to_point_in_time, SourceTableName=table, TargetTableName=table + "-x"
    ) == (
        "PointInTimeRecoveryUnavailableException",
        f"Point in time recovery is not enabled for table '{table}'",
    )

    on = ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert on["PointInTimeRecoveryStatus"] == "ENABLED" and on["RecoveryPeriodInDays"] == 35
    advance(server, "1h")
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}, "v": {"S": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "later"}})
    middle = now(server)
    advance(server, "1h")
    ddb.delete_item(TableName=table, Key={"pk": {"S": "before"}})

    restored = []
    try:
        for label, when, expected in [
            ("start", middle - timedelta(minutes=30), {"before": "1"}),
            ("middle", middle, {"before": "2", "later": ""}),
        ]:
            target = f"{table}-{label}"
            ddb.restore_table_to_point_in_time(
                SourceTableName=table, TargetTableName=target, RestoreDateTime=when
            )
            restored.append(target)
            assert keys_of(ddb, target) == expected
            summary = ddb.describe_table(TableName=target)["Table"]["RestoreSummary"]
            source_arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
            assert summary == {
                "SourceTableArn": source_arn,
                "RestoreDateTime": when,
                "RestoreInProgress": False,
            }
        latest = f"{table}-latest"
        ddb.restore_table_to_point_in_time(
            SourceTableName=table, TargetTableName=latest, UseLatestRestorableTime=True
        )
        restored.append(latest)
        assert keys_of(ddb, latest) == {"later": ""}
    finally:
        for target in restored:
            ddb.delete_table(TableName=target)

    window = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ]
    code, message = error_of(
        ddb.restore_table_to_point_in_time,
        SourceTableName=table,
        TargetTableName=table + "-too-early",
        RestoreDateTime=window["EarliestRestorableDateTime"] - timedelta(hours=1),
    )
    assert code == "InvalidRestoreTimeException" and message.startswith("RestoreDateTime must be between")
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    off = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert off["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


def test_export_to_s3(ddb: Any, client: Callable[..., Any], make_table: Callable[..., str]) -> None:
    s3 = client("s3")
    bucket = f"exports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    table = make_table()
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert error_of(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket)[0] == (
        "PointInTimeRecoveryUnavailableException"
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "b": {"B": b"\x00\x01"}})
    spec = {"PointInTimeRecoveryEnabled": True}
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification=spec)
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "n": {"N": "1.5"}})
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="backups")
    export = started["ExportDescription"]
    assert export["ExportStatus"] == "IN_PROGRESS" and export["ExportFormat"] == "DYNAMODB_JSON"
    described = ddb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"]
    assert described["ExportStatus"] == "COMPLETED" and described["ItemCount"] == 2
    manifest = s3.get_object(Bucket=bucket, Key=described["ExportManifest"])
    assert manifest["ServerSideEncryption"] == "AES256"  # delivered objects are encrypted like any other
    summary = json.loads(manifest["Body"].read())
    assert summary["itemCount"] == 2 and summary["exportArn"] == export["ExportArn"]
    assert described["ExportManifest"].startswith("backups/AWSDynamoDB/")
    files = s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().decode()
    data_key = json.loads(files.splitlines()[0])["dataFileS3Key"]
    lines = gzip.decompress(s3.get_object(Bucket=bucket, Key=data_key)["Body"].read()).decode().splitlines()
    items = sorted((json.loads(line)["Item"] for line in lines), key=lambda i: i["pk"]["S"])
    assert items == [{"pk": {"S": "a"}, "b": {"B": "AAE="}}, {"pk": {"S": "b"}, "n": {"N": "1.5"}}]
    listed = ddb.list_exports(TableArn=arn)["ExportSummaries"]
    assert listed == [
        {"ExportArn": export["ExportArn"], "ExportStatus": "COMPLETED", "ExportType": "FULL_EXPORT"}
    ]
    missing = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket + "-missing")[
        "ExportDescription"
    ]
    failed = ddb.describe_export(ExportArn=missing["ExportArn"])["ExportDescription"]
    assert (failed["ExportStatus"], failed["FailureCode"]) == ("FAILED", "NoSuchBucket")
