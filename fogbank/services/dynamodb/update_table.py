"""UpdateTable: throughput, billing mode, streams, SSE, table class, deletion protection, and GSIs.

A new global index is backfilled from the table's items in the same transaction, so it is ACTIVE
once UpdateTable commits; the response says UPDATING and CREATING, as AWS's does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store
from fogbank.services.dynamodb.create import (
    MAX_GSIS,
    check_sse,
    check_throughput,
    index_doc,
    stream_fields,
    validation,
)
from fogbank.services.dynamodb.describe import decreases_today, table_description
from fogbank.services.dynamodb.table_ops import describe_not_found, sse_description
from fogbank.services.dynamodb.tables import Table, load, not_found, save

__all__: list[str] = []

_INVALID = "One or more parameter values were invalid: "
_ALONE = (
    ("SSESpecification", "Server-Side Encryption modification"),
    ("TableClass", "TableClass modification"),
    ("DeletionProtectionEnabled", "DeletionProtection modification"),
)
_UPDATABLE = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "TableClass",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
)


def _unchanged(what: str, current: dict[str, Any], new: dict[str, int]) -> str:
    return (
        f"The provisioned throughput for the {what} will not change. The requested value equals the current "
        f"value. Current ReadCapacityUnits provisioned for the {what}: {current['ReadCapacityUnits']}. "
        f"Requested ReadCapacityUnits: {new['ReadCapacityUnits']}. Current WriteCapacityUnits provisioned "
        f"for the {what}: {current['WriteCapacityUnits']}. Requested WriteCapacityUnits: "
        f"{new['WriteCapacityUnits']}. Refer to the Amazon DynamoDB Developer Guide for current limits and "
        "how to request higher limits."
    )


DECREASES_ANY_TIME = 4
DECREASE_INTERVAL = 3600


def _when(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC)
    hour, half = moment.hour % 12 or 12, "AM" if moment.hour < 12 else "PM"
    return f"{moment:%A, %B} {moment.day}, {moment.year} {hour}:{moment:%M:%S} {half} UTC"


def _set_throughput(doc: dict[str, Any], new: dict[str, int], now: float) -> None:
    """Change provisioned throughput, within AWS's limit on decreases per UTC day."""
    current = doc["ProvisionedThroughput"]
    decreasing = any(new[m] < current[m] for m in new)
    today = decreases_today(current, now)
    if (
        decreasing
        and today >= DECREASES_ANY_TIME
        and now - current["LastDecreaseDateTime"] < DECREASE_INTERVAL
    ):
        last = current["LastDecreaseDateTime"]
        raise ServiceError(
            "LimitExceededException",
            "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC "
            f"day. After the first {DECREASES_ANY_TIME} decreases, each subsequent decrease in the same UTC "
            f"day can be performed at most once every {DECREASE_INTERVAL} seconds. Number of decreases "
            f"today: {today}. Last decrease at {_when(last)}. Next decrease can be made at "
            f"{_when(last + DECREASE_INTERVAL)}",
            400,
        )
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if new[member] > current[member]:
            current["LastIncreaseDateTime"] = now
        elif new[member] < current[member]:
            current["LastDecreaseDateTime"] = now
    if decreasing:
        current["NumberOfDecreasesToday"] = today + 1
    current.update(new)


def _billing(table: Table, request: dict[str, Any], now: float) -> None:
    doc = table.doc
    mode = request.get("BillingMode", table.billing_mode)
    throughput = request.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST":
        if throughput is not None:
            raise validation(
                _INVALID
                + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
                "is PAY_PER_REQUEST"
            )
        if table.billing_mode != "PAY_PER_REQUEST":
            doc["LastUpdateToPayPerRequestDateTime"] = now
            doc["ProvisionedThroughput"] = {
                **doc["ProvisionedThroughput"],
                "ReadCapacityUnits": 0,
                "WriteCapacityUnits": 0,
            }
            for gsi in doc.get("GlobalSecondaryIndexes", []):
                gsi["ProvisionedThroughput"].update(ReadCapacityUnits=0, WriteCapacityUnits=0)
        doc["BillingMode"] = mode
        return
    if throughput is None:
        if table.billing_mode == "PAY_PER_REQUEST":
            raise validation(
                _INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
            )
        return
    new = check_throughput(throughput)
    current = doc["ProvisionedThroughput"]
    if table.billing_mode == "PROVISIONED" and all(new[m] == current[m] for m in new):
        raise validation(_unchanged("table", current, new))
    _set_throughput(doc, new, now)
    doc["BillingMode"] = "PROVISIONED"


_STREAM_MESSAGES = (
    "If stream is being enabled then UpdateViewType is required",
    "If stream is being disabled, then UpdateViewType must not be specified",
)


def _stream(table: Table, spec: dict[str, Any], ctx: Context) -> None:
    """Enable or disable the stream. A disabled stream's StreamSpecification goes; its ARN stays latest."""
    doc = table.doc
    if spec.get("StreamEnabled"):
        if table.stream:
            raise validation(f"Table already has an enabled stream: TableName: {table.name}")
        doc.update(stream_fields(spec, table.arn, ctx.clock.now(), _STREAM_MESSAGES))
        return
    if spec.get("StreamViewType"):
        raise validation(_INVALID + _STREAM_MESSAGES[1])
    if not table.stream:
        raise validation(f"Table has no stream to disable: TableName: {table.name}")
    doc.pop("StreamSpecification", None)


def _check_combination(request: dict[str, Any]) -> None:
    """Some changes must come alone in an UpdateTable request, as AWS requires."""
    operations = [member for member in _UPDATABLE if request.get(member) is not None]
    if not operations:
        raise validation(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
            "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, "
            "WarmThroughput or TableClass is required"
        )
    for member, label in _ALONE:
        if member in operations and len(operations) > 1:
            raise validation(_INVALID + f"{label} must be the only operation in the request")
    if "OnDemandThroughput" in operations and set(operations) - {"OnDemandThroughput", "BillingMode"}:
        raise validation(
            _INVALID + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request"
        )
    updates = request.get("GlobalSecondaryIndexUpdates") or []
    if "StreamSpecification" in operations and any("Create" in u or "Delete" in u for u in updates):
        raise validation(_INVALID + "You cannot create or delete index while changing stream status")


def _index_updates(
    ctx: Context, table: Table, request: dict[str, Any]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Apply GlobalSecondaryIndexUpdates; the index statuses the response reports, and deleted indexes."""
    doc = table.doc
    updates = request.get("GlobalSecondaryIndexUpdates") or []
    if sum(1 for u in updates if "Create" in u or "Delete" in u) > 1:
        raise ServiceError(
            "LimitExceededException",
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per "
            "table",
            400,
        )
    definitions = {a["AttributeName"]: a["AttributeType"] for a in doc["AttributeDefinitions"]}
    for definition in request.get("AttributeDefinitions") or []:
        name, kind = definition["AttributeName"], definition["AttributeType"]
        if definitions.get(name, kind) != kind:
            raise validation(
                _INVALID + f"Cannot change the type of attribute {name}: it is used by the table or an index"
            )
        definitions[name] = kind
    gsis: list[dict[str, Any]] = doc.setdefault("GlobalSecondaryIndexes", [])
    statuses: dict[str, str] = {}
    deleted: list[dict[str, Any]] = []
    for update in updates:
        if "Create" in update:
            spec = update["Create"]
            if any(i["IndexName"] == spec["IndexName"] for i in gsis + doc.get("LocalSecondaryIndexes", [])):
                raise validation("Attempting to create an index which already exists")
            if len(gsis) >= MAX_GSIS:
                raise ServiceError(
                    "LimitExceededException",
                    f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}",
                )
            missing = [k["AttributeName"] for k in spec["KeySchema"] if k["AttributeName"] not in definitions]
            if missing:
                raise validation(
                    _INVALID + f"AttributeDefinitions is not specified for index: {spec['IndexName']}"
                )
            new_doc = index_doc(
                spec,
                table.arn,
                definitions,
                table.billing_mode,
                True,
                missing_throughput="ProvisionedThroughput must be specified for index: {name}",
            )
            gsis.append(new_doc)
            statuses[spec["IndexName"]] = "CREATING"
            doc["AttributeDefinitions"] = [
                {"AttributeName": n, "AttributeType": t} for n, t in definitions.items()
            ]
            widened = Table(table.account, table.region, doc)
            created = widened.index(spec["IndexName"])
            assert created is not None
            store.create(ctx.tx, [new_doc["Id"]])
            store.backfill(ctx.tx, widened, created)
        elif "Delete" in update:
            name = update["Delete"]["IndexName"]
            found = _global_index(doc, gsis, name, "delete")
            gsis.remove(found)
            deleted.append(found)
            statuses[name] = "DELETING"
            store.drop_index(ctx.tx, found["Id"])
        elif "Update" in update:
            name = update["Update"]["IndexName"]
            found = _global_index(doc, gsis, name, "update")
            if table.billing_mode == "PAY_PER_REQUEST":
                raise validation(
                    _INVALID
                    + f"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: "
                    f"{name} when BillingMode is PAY_PER_REQUEST"
                )
            new = check_throughput(update["Update"]["ProvisionedThroughput"])
            current = found["ProvisionedThroughput"]
            if all(new[m] == current[m] for m in new):
                raise validation(_unchanged(f"index {name}", current, new))
            _set_throughput(found, new, ctx.clock.now().timestamp())
            statuses[name] = "UPDATING"
    if not gsis:
        doc.pop("GlobalSecondaryIndexes")
    _drop_unused_definitions(doc)
    return statuses, deleted


def _global_index(doc: dict[str, Any], gsis: list[dict[str, Any]], name: str, action: str) -> dict[str, Any]:
    found = next((i for i in gsis if i["IndexName"] == name), None)
    if found is not None:
        return found
    if any(i["IndexName"] == name for i in doc.get("LocalSecondaryIndexes", [])):
        raise validation(f"Cannot {action} an index that is not a GlobalSecondaryIndex: {name}")
    raise not_found(f"Requested resource not found: Index: {name} not found")


def _drop_unused_definitions(doc: dict[str, Any]) -> None:
    """AttributeDefinitions list the key attributes of the table and its indexes, and only those."""
    used = {k["AttributeName"] for k in doc["KeySchema"]}
    for index in doc.get("LocalSecondaryIndexes", []) + doc.get("GlobalSecondaryIndexes", []):
        used |= {k["AttributeName"] for k in index["KeySchema"]}
    doc["AttributeDefinitions"] = [a for a in doc["AttributeDefinitions"] if a["AttributeName"] in used]


@service.handler("UpdateTable", waits=True)
def update_table(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TableName"]
    table = load(ctx.tx, ctx.account, ctx.region, name, message=describe_not_found(name))
    _check_combination(request)
    doc = table.doc
    now = ctx.clock.now().timestamp()
    if request.get("BillingMode") is not None or request.get("ProvisionedThroughput") is not None:
        _billing(table, request, now)
    if request.get("StreamSpecification") is not None:
        _stream(table, request["StreamSpecification"], ctx)
    if request.get("SSESpecification") is not None:
        check_sse(request["SSESpecification"])
        sse = sse_description(ctx.tx, table.account, table.region, request["SSESpecification"])
        if sse:
            doc["SSEDescription"] = sse
        else:
            doc.pop("SSEDescription", None)
    if request.get("TableClass") is not None and request["TableClass"] != doc.get("TableClass"):
        doc["TableClass"] = request["TableClass"]
        doc["TableClassUpdated"] = now
    if request.get("OnDemandThroughput") is not None:
        doc["OnDemandThroughput"] = request["OnDemandThroughput"]
    if request.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = bool(request["DeletionProtectionEnabled"])
    table = Table(table.account, table.region, doc)
    statuses, deleted = _index_updates(ctx, table, request)
    table = Table(table.account, table.region, doc)
    save(ctx.tx, table)
    # The response still lists a deleted index, as DELETING.
    shown = table
    if deleted:
        shown_doc = {**doc, "GlobalSecondaryIndexes": [*doc.get("GlobalSecondaryIndexes", []), *deleted]}
        shown = Table(table.account, table.region, shown_doc)
    return {
        "TableDescription": table_description(
            ctx.tx, shown, status="UPDATING", index_status=statuses, now=now
        )
    }
