"""TransactWriteItems and TransactGetItems: all or nothing, in the request's one database transaction.

A write transaction is checked whole before anything is read (tables, keys, expressions, one action per
item); then every action's condition is evaluated and every new item computed against the items as
they are; only if every action passes are the changes written, all through store.write. A failed action
cancels the transaction with one CancellationReason per action, in order: "None" for those that would
have succeeded, "ConditionalCheckFailed" (with the old item for ReturnValuesOnConditionCheckFailure
ALL_OLD), "ValidationError" for an update that cannot apply or an item that grows too big,
"ItemCollectionSizeLimitExceeded" for a write that would take an item collection past 10 GB. A request
whose items (with their expression values) add up to more than 4 MB is refused whole.

Transactions run one at a time (the request's database transaction holds the write lock), so two
transactions on one item never interleave: the second sees the first's outcome, and a condition that
the first made false cancels it with ConditionalCheckFailed. AWS's TransactionConflict comes from
overlapping in-flight transactions, which serial execution cannot produce.

A ClientRequestToken makes TransactWriteItems idempotent for 10 minutes by fogbank's clock: the same
token with the same request answers the first call's result without writing again (its ConsumedCapacity
is then the reads of the items, as AWS documents); with a different request it is
IdempotentParameterMismatchException.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import item_collections, service, store, throttle
from fogbank.services.dynamodb.capacity import index_writes, read_units, write_units
from fogbank.services.dynamodb.items import validate_key, validate_new_item, validation
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.tables import Table, shared
from fogbank.services.dynamodb.values import item_size
from fogbank.state import Transaction

__all__ = [
    "Action",
    "FAILURE_MESSAGES",
    "IDEMPOTENCY_SECONDS",
    "cancelled",
    "check_one_per_item",
    "consumed_capacity",
    "idempotent",
    "remember",
    "run_actions",
]

IDEMPOTENCY_SECONDS = 600.0
MAX_REQUEST_BYTES = 4 * 1024 * 1024
MULTIPLE_OPERATIONS = "Transaction request cannot include multiple operations on one item"
_KINDS = ("ConditionCheck", "Put", "Delete", "Update")
# A transaction cancelled by an action's error gives the error's reason code.
CANCELLATION_CODES = {"ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded"}
FAILURE_MESSAGES = {
    "ConditionalCheckFailed": "The conditional request failed",
    "DuplicateItem": "Duplicate primary key exists in table",
}

Item = dict[str, Any]


@dataclass(slots=True)
class Action:
    """One action of a write transaction, checked and ready to run against the item as it is."""

    kind: str  # Put, Update, Delete, ConditionCheck
    table: Table
    key: Item
    check: Callable[[Item | None], bool] | None  # the condition on the old item
    produce: Callable[[Item | None], Item | None] | None  # the new item from the old (None: delete)
    return_old: bool = False
    failure: str = "ConditionalCheckFailed"  # the reason's code when `check` fails (PartiQL: DuplicateItem)
    old: Item | None = field(default=None)
    new: Item | None = field(default=None)


def check_one_per_item(actions: list[tuple[Table, Item]]) -> None:
    seen: set[tuple[int, str]] = set()
    for table, key in actions:
        marker = (table.id, store.dumps(dict(sorted(key.items()))))
        if marker in seen:
            raise validation(MULTIPLE_OPERATIONS)
        seen.add(marker)


def cancelled(reasons: list[dict[str, Any]]) -> ServiceError:
    codes = ", ".join(r["Code"] for r in reasons)
    return ServiceError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        400,
        fields={"CancellationReasons": reasons},
    )


def run_actions(tx: Transaction, actions: list[Action], now: datetime) -> None:
    """Evaluate every action against the current items; write all of them, or cancel with reasons."""
    reasons: list[dict[str, Any]] = []
    failed = False
    for action in actions:
        action.old = store.get(tx, action.table, action.key)
        reason: dict[str, Any] = {"Code": "None"}
        if action.check is not None and not action.check(action.old):
            reason = {"Code": action.failure, "Message": FAILURE_MESSAGES[action.failure]}
            if action.return_old and action.old is not None:
                reason["Item"] = action.old
        elif action.produce is not None:
            try:
                action.new = action.produce(action.old)
                item_collections.check(tx, action.table, action.key, action.old, action.new)
            except ServiceError as error:
                code = CANCELLATION_CODES.get(error.code, "ValidationError")
                reason = {"Code": code, "Message": error.message}
        failed = failed or reason["Code"] != "None"
        reasons.append(reason)
    if failed:
        raise cancelled(reasons)
    for action in actions:
        if action.kind != "ConditionCheck":
            store.write(tx, action.table, action.key, action.old, action.new, now=now)


def consumed_capacity(actions: list[Action], mode: str | None) -> list[dict[str, Any]] | None:
    """ConsumedCapacity per table: transactional writes and condition-check reads cost double."""
    if mode in (None, "NONE"):
        return None
    tables: dict[str, dict[str, Any]] = {}
    for action in actions:
        entry = tables.setdefault(action.table.name, {"TableName": action.table.name, "CapacityUnits": 0.0})
        table_part = entry.setdefault("Table", {"CapacityUnits": 0.0})
        if action.kind == "ConditionCheck":
            units = read_units(item_size(action.old) if action.old else 0, True, transactional=True)
            member = "ReadCapacityUnits"
        else:
            sizes = [item_size(i) for i in (action.old, action.new) if i is not None]
            units = write_units(max(sizes, default=0), transactional=True)
            member = "WriteCapacityUnits"
            for name, index_units in index_writes(action.table, action.old, action.new, True).items():
                local = any(i.name == name for i in action.table.lsis)
                group = entry.setdefault("LocalSecondaryIndexes" if local else "GlobalSecondaryIndexes", {})
                part = group.setdefault(name, {"CapacityUnits": 0.0})
                part["CapacityUnits"] += index_units
                part["WriteCapacityUnits"] = part.get("WriteCapacityUnits", 0.0) + index_units
                entry["CapacityUnits"] += index_units
                entry[member] = entry.get(member, 0.0) + index_units
        entry["CapacityUnits"] += units
        entry[member] = entry.get(member, 0.0) + units
        table_part["CapacityUnits"] += units
        table_part[member] = table_part.get(member, 0.0) + units
    result = list(tables.values())
    if mode != "INDEXES":
        for entry in result:
            for member in ("Table", "LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
                entry.pop(member, None)
    return result


# -- idempotency ------------------------------------------------------------------------------


def _digest(request: dict[str, Any]) -> str:
    rest = {k: v for k, v in request.items() if k != "ClientRequestToken"}
    return hashlib.sha256(store.dumps(rest).encode()).hexdigest()


def idempotent(ctx: Context, request: dict[str, Any]) -> dict[str, Any] | None:
    """The first call's result when `request` repeats a token used within 10 minutes, else None."""
    token = request.get("ClientRequestToken")
    if token is None:
        return None
    row = ctx.tx.fetchone(
        "SELECT digest, created, result FROM ddb_transaction_tokens "
        "WHERE account = ? AND region = ? AND token = ?",
        (ctx.account, ctx.region, token),
    )
    if row is None or row[1] < ctx.clock.now().timestamp() - IDEMPOTENCY_SECONDS:
        return None
    if row[0] != _digest(request):
        raise ServiceError(
            "IdempotentParameterMismatchException",
            "The request uses the same client token as a previous, but non-identical request.",
            400,
        )
    return store.loads(row[2])


def remember(ctx: Context, request: dict[str, Any], result: dict[str, Any]) -> None:
    token = request.get("ClientRequestToken")
    if token is None:
        return
    now = ctx.clock.now().timestamp()
    ctx.tx.execute("DELETE FROM ddb_transaction_tokens WHERE created < ?", (now - IDEMPOTENCY_SECONDS,))
    ctx.tx.execute(
        "INSERT INTO ddb_transaction_tokens (account, region, token, digest, created, result) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, region, token) DO UPDATE SET "
        "digest = excluded.digest, created = excluded.created, result = excluded.result",
        (ctx.account, ctx.region, token, _digest(request), now, store.dumps(result)),
    )


# -- TransactWriteItems -----------------------------------------------------------------------


def _write_action(ctx: Context, entry: dict[str, Any]) -> Action:
    present = [k for k in _KINDS if entry.get(k) is not None]
    if len(present) != 1:
        raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
    kind = present[0]
    spec = entry[kind]
    table = shared(ctx.tx, ctx.account, ctx.region, spec["TableName"])
    expressions = Expressions("UpdateItem" if kind == "Update" else "PutItem", spec)
    update = expressions.update() if kind == "Update" else None
    condition = expressions.condition()
    expressions.check_unused()
    check = (lambda old: condition.evaluate(old or {})) if condition is not None else None
    return_old = spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    if kind == "Put":
        item = validate_new_item(table, spec["Item"])
        return Action(kind, table, table.key_of(item), check, lambda old: item, return_old)
    key = validate_key(table, spec.get("Key"))
    if kind == "Delete":
        return Action(kind, table, key, check, lambda old: None, return_old)
    if kind == "ConditionCheck":
        return Action(kind, table, key, check, None, return_old)
    assert update is not None  # the model requires an UpdateExpression
    update.checks_key(table.key_names())

    def produce(old: Item | None) -> Item:
        return validate_new_item(table, update.apply(old if old is not None else dict(key)), update=True)

    return Action(kind, table, key, check, produce, return_old)


def item_collection_metrics(ctx: Context, actions: list[Action], request: dict[str, Any]) -> dict[str, Any]:
    metrics: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        if action.kind != "ConditionCheck":
            entry = item_collections.metrics(ctx.tx, action.table, request, action.key)
            if entry is not None:
                metrics.setdefault(action.table.name, []).append(entry)
    return metrics


def request_size(request: dict[str, Any]) -> int:
    """The aggregate size AWS limits to 4 MB: each action's item (Put) or key, with its expression values."""
    total = 0
    for entry in request["TransactItems"]:
        spec = next(entry[k] for k in _KINDS if entry.get(k) is not None)
        total += item_size(spec["Item"] if "Item" in spec else spec["Key"])
        total += item_size(spec.get("ExpressionAttributeValues") or {})
    return total


def _retry_capacity(ctx: Context, request: dict[str, Any]) -> list[dict[str, Any]]:
    """ConsumedCapacity of an idempotent retry: AWS charges reading the items, not writing them again."""
    units: dict[str, float] = {}
    for entry in request["TransactItems"]:
        kind = next(k for k in _KINDS if entry.get(k) is not None)
        spec = entry[kind]
        table = shared(ctx.tx, ctx.account, ctx.region, spec["TableName"])
        key = table.key_of(spec["Item"]) if kind == "Put" else spec["Key"]
        found = store.read(ctx.tx, table, key)
        units[table.name] = units.get(table.name, 0.0) + read_units(found[1] if found else 0, True)
    return [{"TableName": name, "CapacityUnits": u, "ReadCapacityUnits": u} for name, u in units.items()]


@service.handler("TransactWriteItems")
def transact_write_items(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    previous = idempotent(ctx, request)
    if previous is not None:
        if request.get("ReturnConsumedCapacity") not in (None, "NONE"):
            previous["ConsumedCapacity"] = _retry_capacity(ctx, request)
        return previous
    actions = [_write_action(ctx, entry) for entry in request["TransactItems"]]
    if request_size(request) > MAX_REQUEST_BYTES:
        raise validation("Transaction request cannot be larger than 4MB")
    check_one_per_item([(a.table, a.key) for a in actions])
    for table in {a.table.name: a.table for a in actions}.values():
        throttle.admit(ctx, table, write=True)
    run_actions(ctx.tx, actions, ctx.clock.now())
    tables = {a.table.name: a.table for a in actions}
    for entry in consumed_capacity(actions, "TOTAL") or []:
        throttle.charge(ctx, tables[entry["TableName"]], entry.get("WriteCapacityUnits", 0.0), write=True)
    result: dict[str, Any] = {}
    consumed = consumed_capacity(actions, request.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    metrics = item_collection_metrics(ctx, actions, request)
    if metrics:
        result["ItemCollectionMetrics"] = metrics
    remember(ctx, request, {k: v for k, v in result.items() if k != "ConsumedCapacity"})
    return result


# -- TransactGetItems -------------------------------------------------------------------------


@service.handler("TransactGetItems")
def transact_get_items(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    gets = []
    for entry in request["TransactItems"]:
        spec = entry["Get"]
        table = shared(ctx.tx, ctx.account, ctx.region, spec["TableName"])
        expressions = Expressions("GetItem", spec)
        projection = expressions.projection()
        expressions.check_unused()
        gets.append((table, validate_key(table, spec.get("Key")), projection))
    check_one_per_item([(table, key) for table, key, _ in gets])
    responses: list[dict[str, Any]] = []
    units: dict[str, tuple[Table, float]] = {}
    for table, key, projection in gets:
        found = store.read(ctx.tx, table, key)
        cost = read_units(found[1] if found else 0, True, transactional=True)
        units[table.name] = (table, units.get(table.name, (table, 0.0))[1] + cost)
        if found is None:
            responses.append({})
        else:
            responses.append({"Item": projection.apply(found[0]) if projection is not None else found[0]})
    result: dict[str, Any] = {"Responses": responses}
    mode = request.get("ReturnConsumedCapacity")
    if mode not in (None, "NONE"):
        result["ConsumedCapacity"] = []
        for name, (_, total) in units.items():
            entry: dict[str, Any] = {"TableName": name, "CapacityUnits": total, "ReadCapacityUnits": total}
            if mode == "INDEXES":
                entry["Table"] = {"CapacityUnits": total, "ReadCapacityUnits": total}
            result["ConsumedCapacity"].append(entry)
    return result
