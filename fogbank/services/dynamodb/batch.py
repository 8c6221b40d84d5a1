"""BatchGetItem and BatchWriteItem: many items of several tables in one call, each item on its own.

A batch is checked whole first (tables, keys, items, the limits of 100 keys or 25 writes, no key twice),
so a bad request writes nothing. BatchGetItem stops adding items once the response reaches 16 MB and
hands back the keys it did not read as UnprocessedKeys; BatchWriteItem hands back as UnprocessedItems the
requests of a table that `--dynamodb-throttle` refuses (when every table is refused, the call fails with
ProvisionedThroughputExceededException, as AWS answers).
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import item_collections, service, store, throttle
from fogbank.services.dynamodb.capacity import Usage, read_units
from fogbank.services.dynamodb.item_ops import write_usage
from fogbank.services.dynamodb.items import validate_key, validate_new_item, validation
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.tables import Table, shared

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_RESPONSE = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _key_marker(key: dict[str, Any]) -> str:
    return store.dumps(dict(sorted(key.items())))


def _merge_usage(usages: dict[str, Usage], usage: Usage) -> None:
    total = usages.get(usage.table.name)
    if total is None:
        usages[usage.table.name] = usage
        return
    total.table_units += usage.table_units
    for name, units in usage.index_units.items():
        total.add_index(name, units)


def _report(usages: dict[str, Usage], mode: str | None) -> list[dict[str, Any]] | None:
    if mode in (None, "NONE"):
        return None
    return [report for usage in usages.values() if (report := usage.report(mode)) is not None]


@service.handler("BatchGetItem")
def batch_get_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    requested = request["RequestItems"]
    if sum(len(spec["Keys"]) for spec in requested.values()) > MAX_GET_KEYS:
        raise validation("Too many items requested for the BatchGetItem call")
    plans: list[tuple[str, Table, dict[str, Any], Any, list[dict[str, Any]]]] = []
    for name, spec in requested.items():
        table = shared(ctx.tx, ctx.account, ctx.region, name)
        expressions = Expressions("GetItem", spec)
        projection = expressions.projection()
        expressions.check_unused()
        keys = [validate_key(table, key) for key in spec["Keys"]]
        if len({_key_marker(key) for key in keys}) != len(keys):
            raise validation(DUPLICATES)
        plans.append((name, table, spec, projection, keys))
    responses: dict[str, list[dict[str, Any]]] = {}
    unprocessed: dict[str, dict[str, Any]] = {}
    usages: dict[str, Usage] = {}
    size = 0
    for name, table, spec, projection, keys in plans:
        responses[name] = []
        consistent = bool(spec.get("ConsistentRead"))
        try:
            throttle.admit(ctx, table, write=False)
        except ServiceError:
            if len(plans) == 1:
                raise
            unprocessed[name] = spec
            continue
        usage = Usage(table, write=False)
        left: list[dict[str, Any]] = []
        for key in keys:
            if size >= MAX_RESPONSE:
                left.append(key)
                continue
            found = store.read(ctx.tx, table, key)
            usage.table_units += read_units(found[1] if found else 0, consistent)
            if found is not None:
                size += found[1]
                responses[name].append(projection.apply(found[0]) if projection is not None else found[0])
        if left:
            unprocessed[name] = {**spec, "Keys": left}
        throttle.charge(ctx, table, usage.table_units, write=False)
        _merge_usage(usages, usage)
    result: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    consumed = _report(usages, request.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def _write_plan(table: Table, write: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(key, new item or None to delete) of one WriteRequest."""
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if (put is None) == (delete is None):
        raise validation("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest")
    if put is not None:
        item = validate_new_item(table, put["Item"])
        return table.key_of(item), item
    return validate_key(table, delete["Key"]), None


@service.handler("BatchWriteItem")
def batch_write_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    requested = request["RequestItems"]
    if sum(len(writes) for writes in requested.values()) > MAX_WRITES:
        raise validation("Too many items requested for the BatchWriteItem call")
    plans: list[tuple[str, Table, list[tuple[dict[str, Any], dict[str, Any] | None]]]] = []
    for name, writes in requested.items():
        table = shared(ctx.tx, ctx.account, ctx.region, name)
        changes = [_write_plan(table, write) for write in writes]
        if len({_key_marker(key) for key, _ in changes}) != len(changes):
            raise validation(DUPLICATES)
        plans.append((name, table, changes))
    unprocessed: dict[str, list[dict[str, Any]]] = {}
    usages: dict[str, Usage] = {}
    metrics: dict[str, list[dict[str, Any]]] = {}
    now = ctx.clock.now()
    for name, table, changes in plans:
        try:
            throttle.admit(ctx, table, write=True)
        except ServiceError:
            if len(plans) == 1:
                raise
            unprocessed[name] = requested[name]
            continue
        for key, new in changes:
            old = store.get(ctx.tx, table, key)
            store.write(ctx.tx, table, key, old, new, now=now)
            usage = write_usage(table, old, new)
            throttle.charge(ctx, table, usage.table_units, write=True)
            _merge_usage(usages, usage)
            entry = item_collections.metrics(ctx.tx, table, request, key)
            if entry is not None:
                metrics.setdefault(name, []).append(entry)
    result: dict[str, Any] = {"UnprocessedItems": unprocessed}
    consumed = _report(usages, request.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    if metrics:
        result["ItemCollectionMetrics"] = metrics
    return result
