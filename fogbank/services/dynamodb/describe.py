"""TableDescription as DescribeTable (and CreateTable, UpdateTable, DeleteTable) return it.

Counts and sizes are live (AWS refreshes them about every six hours; exact figures are more useful
locally). Times stored as epoch seconds become aware datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.tables import Table
from fogbank.state import Transaction

__all__ = ["table_description", "decreases_today"]

_THROUGHPUT_TIMES = ("LastIncreaseDateTime", "LastDecreaseDateTime")


def _time(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def decreases_today(throughput: dict[str, Any], now: float) -> int:
    """Throughput decreases made on `now`'s UTC day (the count starts again every UTC day)."""
    last = throughput.get("LastDecreaseDateTime")
    if last is None or _time(last).date() != _time(now).date():
        return 0
    return int(throughput.get("NumberOfDecreasesToday", 0))


def _throughput(doc: dict[str, Any], now: float | None) -> dict[str, Any]:
    out = dict(doc)
    for name in _THROUGHPUT_TIMES:
        if name in out:
            out[name] = _time(out[name])
    if now is not None:
        out["NumberOfDecreasesToday"] = decreases_today(doc, now)
    return out


def _index(
    tx: Transaction, doc: dict[str, Any], is_global: bool, status: str | None, now: float | None
) -> dict[str, Any]:
    count, size = store.counts(tx, doc["Id"])
    out: dict[str, Any] = {
        "IndexName": doc["IndexName"],
        "KeySchema": doc["KeySchema"],
        "Projection": doc["Projection"],
        "IndexSizeBytes": size + store.INDEX_ENTRY_OVERHEAD * count,
        "ItemCount": count,
        "IndexArn": doc["IndexArn"],
    }
    if is_global:
        out["IndexStatus"] = status or doc.get("IndexStatus", "ACTIVE")
        if out["IndexStatus"] == "CREATING":
            out["Backfilling"] = False
        out["ProvisionedThroughput"] = _throughput(doc["ProvisionedThroughput"], now)
    return out


def table_description(
    tx: Transaction,
    table: Table,
    *,
    status: str | None = None,
    index_status: dict[str, str] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The table's TableDescription; `status`/`index_status` override what a response says is happening.

    With `now` (epoch seconds), NumberOfDecreasesToday counts only that UTC day's decreases.
    """
    doc = table.doc
    count, size = store.counts(tx, table.id)
    index_status = index_status or {}
    out: dict[str, Any] = {
        "AttributeDefinitions": doc["AttributeDefinitions"],
        "TableName": table.name,
        "KeySchema": doc["KeySchema"],
        "TableStatus": status or doc["TableStatus"],
        "CreationDateTime": _time(doc["CreationDateTime"]),
        "ProvisionedThroughput": _throughput(doc["ProvisionedThroughput"], now),
        "TableSizeBytes": size,
        "ItemCount": count,
        "TableArn": table.arn,
        "TableId": doc["TableId"],
        "DeletionProtectionEnabled": doc.get("DeletionProtectionEnabled", False),
        "TableClassSummary": {"TableClass": doc.get("TableClass", "STANDARD")},
    }
    if "TableClassUpdated" in doc:
        out["TableClassSummary"]["LastUpdateDateTime"] = _time(doc["TableClassUpdated"])
    if "LastUpdateToPayPerRequestDateTime" in doc:
        out["BillingModeSummary"] = {
            "BillingMode": table.billing_mode,
            "LastUpdateToPayPerRequestDateTime": _time(doc["LastUpdateToPayPerRequestDateTime"]),
        }
    if doc.get("LocalSecondaryIndexes"):
        out["LocalSecondaryIndexes"] = [_index(tx, i, False, None, now) for i in doc["LocalSecondaryIndexes"]]
    if doc.get("GlobalSecondaryIndexes"):
        out["GlobalSecondaryIndexes"] = [
            _index(tx, i, True, index_status.get(i["IndexName"]), now) for i in doc["GlobalSecondaryIndexes"]
        ]
    if doc.get("StreamSpecification"):
        out["StreamSpecification"] = doc["StreamSpecification"]
    if doc.get("LatestStreamArn"):
        out["LatestStreamLabel"] = doc["LatestStreamLabel"]
        out["LatestStreamArn"] = doc["LatestStreamArn"]
    if doc.get("OnDemandThroughput"):
        out["OnDemandThroughput"] = doc["OnDemandThroughput"]
    if doc.get("SSEDescription"):
        out["SSEDescription"] = doc["SSEDescription"]
    if doc.get("RestoreSummary"):
        restore = doc["RestoreSummary"]
        out["RestoreSummary"] = {**restore, "RestoreDateTime": _time(restore["RestoreDateTime"])}
    return out
