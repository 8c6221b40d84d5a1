"""DynamoDB backups: on-demand backups, point-in-time recovery's change log, restores.

An on-demand backup is a document (kind "backup", named by its ARN) holding the source table's
description, and a blob with the table's items, one per line as the item rows keep them (store.dumps).
Each backup's blob is its own (written under a unique name), so deleting the backup deletes the blob.

Point-in-time recovery keeps a change log (ddb_pitr_log): turning it on logs every item as it is, and
from then on store.write calls `changed` for every change in the change's transaction. The table can be
restored to any second from when recovery was turned on (at most RecoveryPeriodInDays back, 35 by
default) to now, by fogbank's clock: an item's state at T is its last logged state at or before T.
Turning recovery off drops the log, as AWS forgets the window. A daily scheduler job per table compacts
the log: of the changes older than the window it keeps each item's last one, and it drops the log of a
table that was deleted.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fogbank import scheduler
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store, tables
from fogbank.services.dynamodb.create import new_table_doc
from fogbank.services.dynamodb.describe import table_description
from fogbank.services.dynamodb.ttl import job_now
from fogbank.state import Transaction

__all__ = ["changed", "items_at", "restore_into"]

BACKUP = "backup"
DEFAULT_PERIOD_DAYS = 35
COMPACT_JOB = "pitr-compact"
COMPACT_INTERVAL = timedelta(days=1)


def _time(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _key_text(key: dict[str, Any]) -> str:
    return store.dumps(dict(sorted(key.items())))


def changed(
    tx: Transaction, table: tables.Table, key: dict[str, Any], new: dict[str, Any] | None, *, now: datetime
) -> None:
    """Log one item change of a table with point-in-time recovery on (new None = deleted)."""
    row = tx.fetchone("SELECT MAX(seq) FROM ddb_pitr_log WHERE table_id = ?", (table.id,))
    seq = (row[0] if row and row[0] is not None else 0) + 1
    tx.execute(
        "INSERT INTO ddb_pitr_log (table_id, seq, at, item_key, item) VALUES (?, ?, ?, ?, ?)",
        (table.id, seq, now.timestamp(), _key_text(key), store.dumps(new) if new is not None else None),
    )


def items_at(tx: Transaction, table: tables.Table, at: float) -> Iterator[dict[str, Any]]:
    """The table's items as they were at `at` (epoch seconds), from the change log."""
    state: dict[str, str | None] = {}
    rows = tx.execute(
        "SELECT item_key, item FROM ddb_pitr_log WHERE table_id = ? AND at <= ? ORDER BY seq", (table.id, at)
    )
    for key_text, item_text in rows:
        state[key_text] = item_text
    for item_text in state.values():
        if item_text is not None:
            yield store.loads(item_text)


def _table_not_found(name: str) -> ServiceError:
    return ServiceError("TableNotFoundException", f"Table not found: {name}", 400)


def _load(ctx: Context, name: str) -> tables.Table:
    table = tables.load_or_none(ctx.tx, ctx.account, ctx.region, name)
    if table is None:
        raise _table_not_found(name)
    return table


# -- restoring --------------------------------------------------------------------------------


def _index_specs(docs: list[dict[str, Any]], billing: str) -> list[dict[str, Any]]:
    specs = []
    for doc in docs:
        spec = {k: doc[k] for k in ("IndexName", "KeySchema", "Projection")}
        if billing == "PROVISIONED" and "ProvisionedThroughput" in doc:
            throughput = doc["ProvisionedThroughput"]
            spec["ProvisionedThroughput"] = {
                "ReadCapacityUnits": throughput["ReadCapacityUnits"],
                "WriteCapacityUnits": throughput["WriteCapacityUnits"],
            }
        specs.append(spec)
    return specs


def restore_into(
    ctx: Context,
    source: dict[str, Any],
    request: dict[str, Any],
    items: Iterator[dict[str, Any]],
    summary: dict[str, Any],
) -> dict[str, Any]:
    """Create table TargetTableName shaped as the `source` table document (with the request's
    overrides), fill it with `items`, and answer with its TableDescription. The table keeps
    `summary` (its RestoreDateTime in epoch seconds) for DescribeTable's RestoreSummary."""
    name = request["TargetTableName"]
    if tables.load_or_none(ctx.tx, ctx.account, ctx.region, name) is not None:
        raise ServiceError("TableAlreadyExistsException", f"Table already exists: {name}", 400)
    billing = request.get("BillingModeOverride") or source.get("BillingMode", "PROVISIONED")
    create: dict[str, Any] = {
        "TableName": name,
        "KeySchema": source["KeySchema"],
        "AttributeDefinitions": source["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        throughput = request.get("ProvisionedThroughputOverride") or source["ProvisionedThroughput"]
        create["ProvisionedThroughput"] = {
            "ReadCapacityUnits": throughput["ReadCapacityUnits"] or 1,
            "WriteCapacityUnits": throughput["WriteCapacityUnits"] or 1,
        }
    lsis = request.get("LocalSecondaryIndexOverride")
    if lsis is None:
        lsis = _index_specs(source.get("LocalSecondaryIndexes", []), billing)
    gsis = request.get("GlobalSecondaryIndexOverride")
    if gsis is None:
        gsis = _index_specs(source.get("GlobalSecondaryIndexes", []), billing)
    if lsis:
        create["LocalSecondaryIndexes"] = lsis
    if gsis:
        create["GlobalSecondaryIndexes"] = gsis
    now = ctx.clock.now()
    table = tables.Table(ctx.account, ctx.region, new_table_doc(create, ctx.account, ctx.region, now))
    table.doc["RestoreSummary"] = {**summary, "RestoreInProgress": False}
    store.create(ctx.tx, [table.id] + [i.id for i in table.indexes])
    tables.save(ctx.tx, table)
    for item in items:
        store.write(ctx.tx, table, table.key_of(item), None, item, now=now)
    return {"TableDescription": table_description(ctx.tx, table, status="CREATING")}


# -- on-demand backups ------------------------------------------------------------------------


def _backup_not_found(arn: str) -> ServiceError:
    return ServiceError("BackupNotFoundException", f"Backup not found: {arn}", 400)


def _load_backup(ctx: Context, arn: str) -> dict[str, Any]:
    doc = ctx.tx.get_doc("dynamodb", BACKUP, ctx.account, ctx.region, arn)
    if doc is None:
        raise _backup_not_found(arn)
    return doc


def _details(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "BackupArn": doc["BackupArn"],
        "BackupName": doc["BackupName"],
        "BackupSizeBytes": doc["BackupSizeBytes"],
        "BackupStatus": "AVAILABLE",
        "BackupType": "USER",
        "BackupCreationDateTime": _time(doc["Created"]),
    }


@service.handler("CreateBackup", waits=True)
def create_backup(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _load(ctx, request["TableName"])
    now = ctx.clock.now()
    count, size = store.counts(ctx.tx, table.id)
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        for row in store.rows(ctx.tx, store.table_source(table), []):
            spool.write(row.text.encode() + b"\n")
        spool.seek(0)
        blob = ctx.db.blobs.write_unique(spool)  # type: ignore[arg-type]
    millis = int(now.timestamp() * 1000)
    arn = f"{table.arn}/backup/{millis:017d}-{os.urandom(4).hex()}"
    doc = {
        "BackupArn": arn,
        "BackupName": request["BackupName"],
        "BackupSizeBytes": size,
        "Created": now.timestamp(),
        "ItemCount": count,
        "Blob": blob.digest,
        "Table": table.doc,
        "TableSizeBytes": size,
    }
    ctx.tx.put_doc("dynamodb", BACKUP, ctx.account, ctx.region, arn, doc)
    return {"BackupDetails": _details(doc)}


@service.handler("DescribeBackup")
def describe_backup(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _load_backup(ctx, request["BackupArn"])
    return {"BackupDescription": _description(doc)}


def _description(doc: dict[str, Any]) -> dict[str, Any]:
    source = doc["Table"]
    throughput = source["ProvisionedThroughput"]
    features: dict[str, Any] = {}
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        if source.get(member):
            features[member] = [
                {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
                for i in source[member]
            ]
    return {
        "BackupDetails": _details(doc),
        "SourceTableDetails": {
            "TableName": source["TableName"],
            "TableId": source["TableId"],
            "TableArn": source["TableArn"],
            "TableSizeBytes": doc["TableSizeBytes"],
            "KeySchema": source["KeySchema"],
            "TableCreationDateTime": _time(source["CreationDateTime"]),
            "ProvisionedThroughput": {
                "ReadCapacityUnits": throughput["ReadCapacityUnits"],
                "WriteCapacityUnits": throughput["WriteCapacityUnits"],
            },
            "ItemCount": doc["ItemCount"],
            "BillingMode": source.get("BillingMode", "PROVISIONED"),
        },
        "SourceTableFeatureDetails": features,
    }


@service.handler("ListBackups")
def list_backups(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    docs = [doc for _, doc in ctx.tx.list_docs("dynamodb", BACKUP, ctx.account, ctx.region)]
    if "TableName" in request:
        _, _, name = tables.parse_arn(request["TableName"], ctx.account, ctx.region)
        docs = [d for d in docs if d["Table"]["TableName"] == name]
    if request.get("BackupType") not in (None, "USER", "ALL"):
        docs = []
    lower, upper = request.get("TimeRangeLowerBound"), request.get("TimeRangeUpperBound")
    if lower is not None:
        docs = [d for d in docs if d["Created"] >= lower.timestamp()]
    if upper is not None:
        docs = [d for d in docs if d["Created"] <= upper.timestamp()]
    docs.sort(key=lambda d: (d["Created"], d["BackupArn"]))
    if "ExclusiveStartBackupArn" in request:
        arns = [d["BackupArn"] for d in docs]
        start = request["ExclusiveStartBackupArn"]
        docs = docs[arns.index(start) + 1 :] if start in arns else []
    limit = request.get("Limit", 100)
    summaries = [
        {
            "TableName": d["Table"]["TableName"],
            "TableId": d["Table"]["TableId"],
            "TableArn": d["Table"]["TableArn"],
            **_details(d),
        }
        for d in docs[:limit]
    ]
    out: dict[str, Any] = {"BackupSummaries": summaries}
    if len(docs) > limit:
        out["LastEvaluatedBackupArn"] = docs[limit - 1]["BackupArn"]
    return out


@service.handler("DeleteBackup")
def delete_backup(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _load_backup(ctx, request["BackupArn"])
    ctx.tx.delete_doc("dynamodb", BACKUP, ctx.account, ctx.region, doc["BackupArn"])
    blobs = ctx.db.blobs
    ctx.tx.after_commit(lambda: blobs.delete(doc["Blob"]))
    description = _description(doc)
    description["BackupDetails"]["BackupStatus"] = "DELETED"
    return {"BackupDescription": description}


def _backup_items(ctx: Context, digest: str) -> Iterator[dict[str, Any]]:
    with ctx.db.blobs.open(digest) as blob:
        for line in blob:
            if line.strip():
                yield store.loads(line.decode())


@service.handler("RestoreTableFromBackup", waits=True)
def restore_table_from_backup(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _load_backup(ctx, request["BackupArn"])
    summary = {
        "SourceBackupArn": doc["BackupArn"],
        "SourceTableArn": doc["Table"]["TableArn"],
        "RestoreDateTime": ctx.clock.now().timestamp(),
    }
    return restore_into(ctx, doc["Table"], request, _backup_items(ctx, doc["Blob"]), summary)


# -- point-in-time recovery -------------------------------------------------------------------


def window(table: tables.Table, now: datetime) -> tuple[datetime, datetime]:
    """(EarliestRestorableDateTime, LatestRestorableDateTime) of a table with recovery on."""
    period = timedelta(days=table.doc.get("PitrPeriodDays", DEFAULT_PERIOD_DAYS))
    enabled = _time(table.doc["PitrEnabledAt"])
    return max(enabled, now - period), now


def _continuous(table: tables.Table, now: datetime) -> dict[str, Any]:
    if not table.pitr:
        return {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
        }
    earliest, latest = window(table, now)
    return {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": table.doc.get("PitrPeriodDays", DEFAULT_PERIOD_DAYS),
            "EarliestRestorableDateTime": earliest,
            "LatestRestorableDateTime": latest,
        },
    }


@service.handler("DescribeContinuousBackups")
def describe_continuous_backups(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _load(ctx, request["TableName"])
    return {"ContinuousBackupsDescription": _continuous(table, ctx.clock.now())}


@service.handler("UpdateContinuousBackups")
def update_continuous_backups(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _load(ctx, request["TableName"])
    spec = request["PointInTimeRecoverySpecification"]
    now = ctx.clock.now()
    period = spec.get("RecoveryPeriodInDays")
    if period is not None and not 1 <= period <= DEFAULT_PERIOD_DAYS:
        raise ServiceError(
            "ValidationException", "RecoveryPeriodInDays must be between 1 and 35 days, inclusive", 400
        )
    if period is not None and not spec["PointInTimeRecoveryEnabled"]:
        raise ServiceError(
            "ValidationException", "RecoveryPeriodInDays can only be set when PITR is enabled", 400
        )
    if spec["PointInTimeRecoveryEnabled"]:
        if not table.pitr:
            table.doc.update({"Pitr": True, "PitrEnabledAt": now.timestamp()})
            _schedule_compaction(ctx.tx, table, now)
            for row in store.rows(ctx.tx, store.table_source(table), []):
                item = store.loads(row.text)
                changed(ctx.tx, table, table.key_of(item), item, now=now)
        table.doc["PitrPeriodDays"] = period or table.doc.get("PitrPeriodDays", DEFAULT_PERIOD_DAYS)
    elif table.pitr:
        for member in ("Pitr", "PitrEnabledAt", "PitrPeriodDays"):
            table.doc.pop(member, None)
        ctx.tx.execute("DELETE FROM ddb_pitr_log WHERE table_id = ?", (table.id,))
        scheduler.cancel(ctx.tx, f"dynamodb.{COMPACT_JOB}", str(table.id))
    tables.save(ctx.tx, table)
    return {"ContinuousBackupsDescription": _continuous(table, now)}


def _schedule_compaction(tx: Transaction, table: tables.Table, now: datetime) -> None:
    payload = {"Account": table.account, "Region": table.region, "TableName": table.name, "Id": table.id}
    scheduler.schedule(tx, f"dynamodb.{COMPACT_JOB}", str(table.id), now + COMPACT_INTERVAL, payload)


@service.job(COMPACT_JOB)
def compact(tx: Transaction, payload: dict[str, Any]) -> None:
    table = tables.load_or_none(tx, payload["Account"], payload["Region"], payload["TableName"])
    if table is None or table.id != payload["Id"] or not table.pitr:
        tx.execute("DELETE FROM ddb_pitr_log WHERE table_id = ?", (payload["Id"],))
        return
    now = job_now(tx)
    cutoff = window(table, now)[0].timestamp()
    tx.execute(
        "DELETE FROM ddb_pitr_log WHERE table_id = ? AND at < ? AND seq NOT IN "
        "(SELECT MAX(seq) FROM ddb_pitr_log WHERE table_id = ? AND at < ? GROUP BY item_key)",
        (table.id, cutoff, table.id, cutoff),
    )
    _schedule_compaction(tx, table, now)


@service.handler("RestoreTableToPointInTime", waits=True)
def restore_table_to_point_in_time(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    source_name = request.get("SourceTableArn") or request.get("SourceTableName")
    if source_name is None:
        raise ServiceError("ValidationException", "Either source table name or ARN must be specified", 400)
    table = _load(ctx, source_name)
    if not table.pitr:
        raise ServiceError(
            "PointInTimeRecoveryUnavailableException",
            f"Point in time recovery is not enabled for table '{table.name}'",
            400,
        )
    now = ctx.clock.now()
    earliest, latest = window(table, now)
    if request.get("UseLatestRestorableTime"):
        when = latest
    else:
        when = request.get("RestoreDateTime") or latest
        if not earliest.replace(microsecond=0) <= when <= latest:
            raise ServiceError(
                "InvalidRestoreTimeException",
                f"RestoreDateTime must be between {earliest.isoformat()} and {latest.isoformat()}",
                400,
            )
    # The window opens on the second recovery was turned on: a time within it sees the items of that instant.
    at = max(when.timestamp(), table.doc["PitrEnabledAt"])
    summary = {"SourceTableArn": table.arn, "RestoreDateTime": when.timestamp()}
    return restore_into(ctx, table.doc, request, items_at(ctx.tx, table, at), summary)
