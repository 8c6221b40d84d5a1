"""PutItem, GetItem, UpdateItem and DeleteItem.

Each reads the old item, checks the condition against it, writes through `store.write` and answers
with ReturnValues, ConsumedCapacity and ItemCollectionMetrics as AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import item_collections, partitions, service, store, throttle
from fogbank.services.dynamodb.capacity import Usage, index_writes, read_units, write_units
from fogbank.services.dynamodb.items import (
    check_return_values,
    conditional_check_failed,
    validate_key,
    validate_new_item,
)
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.tables import Table, shared
from fogbank.services.dynamodb.values import item_size

__all__ = ["write_usage"]


def write_usage(
    table: Table, old: dict[str, Any] | None, new: dict[str, Any] | None, name: str | None = None
) -> Usage:
    """What writing `new` over `old` costs the table and each of its indexes (`name`: as requested)."""
    usage = Usage(table, write=True, name=name)
    sizes = [item_size(i) for i in (old, new) if i is not None]
    usage.table_units = write_units(max(sizes, default=0))
    for index_name, units in index_writes(table, old, new).items():
        usage.add_index(index_name, units)
    return usage


def _finish(
    ctx: Context,
    table: Table,
    request: dict[str, Any],
    key: dict[str, Any],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> dict[str, Any]:
    """Write the change and build the response members every write operation shares."""
    store.write(ctx.tx, table, key, old, new, now=ctx.clock.now())
    usage = write_usage(table, old, new, request["TableName"])
    throttle.charge(ctx, table, usage.table_units, write=True, index_units=usage.index_units)
    partitions.record(table, key[table.hash_key], write=usage.table_units)
    result: dict[str, Any] = {}
    consumed = usage.report(request.get("ReturnConsumedCapacity"))
    if consumed:
        result["ConsumedCapacity"] = consumed
    metrics = item_collections.metrics(ctx.tx, table, request, key)
    if metrics:
        result["ItemCollectionMetrics"] = metrics
    return result


def _prepare(ctx: Context, request: dict[str, Any], operation: str) -> tuple[Table, str | None, Expressions]:
    """The table, ReturnValues and expressions of a write request, checked."""
    table = shared(ctx.tx, ctx.account, ctx.region, request["TableName"])
    return table, check_return_values(operation, request), Expressions(operation, request)


def _write(
    ctx: Context,
    table: Table,
    request: dict[str, Any],
    key: dict[str, Any],
    condition: Any,
    produce: Callable[[dict[str, Any] | None], dict[str, Any] | None],
    return_values: str | None,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """Check the condition on the item at `key`, write `produce(old)` in its place; returns the response
    (with ALL_OLD's Attributes), the old item and the new one."""
    throttle.admit(ctx, table, write=True)
    old = store.get(ctx.tx, table, key)
    if condition is not None and not condition.evaluate(old or {}):
        raise conditional_check_failed(request, old)
    new = produce(old)
    result = _finish(ctx, table, request, key, old, new)
    if return_values == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    return result, old, new


@service.handler("PutItem")
def put_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table, return_values, expressions = _prepare(ctx, request, "PutItem")
    condition = expressions.condition()
    expressions.check_unused()
    item = validate_new_item(table, request["Item"])
    return _write(ctx, table, request, table.key_of(item), condition, lambda old: item, return_values)[0]


@service.handler("GetItem")
def get_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = shared(ctx.tx, ctx.account, ctx.region, request["TableName"])
    expressions = Expressions("GetItem", request)
    projection = expressions.projection()
    expressions.check_unused()
    key = validate_key(table, request.get("Key"))
    throttle.admit(ctx, table, write=False)
    found = store.read_stored(ctx.tx, table, key)
    usage = Usage(table, write=False, name=request["TableName"])
    usage.table_units = read_units(found[1] if found else 0, bool(request.get("ConsistentRead")))
    throttle.charge(ctx, table, usage.table_units, write=False)
    partitions.record(table, key[table.hash_key], read=usage.table_units)
    result: dict[str, Any] = {}
    if found is not None:
        text = found[0]
        result["Item"] = projection.apply(store.loads(text)) if projection is not None else store.wire(text)
    consumed = usage.report(request.get("ReturnConsumedCapacity"))
    if consumed:
        result["ConsumedCapacity"] = consumed
    return result


@service.handler("DeleteItem")
def delete_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table, return_values, expressions = _prepare(ctx, request, "DeleteItem")
    condition = expressions.condition()
    expressions.check_unused()
    key = validate_key(table, request.get("Key"))
    return _write(ctx, table, request, key, condition, lambda old: None, return_values)[0]


@service.handler("UpdateItem")
def update_item(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table, return_values, expressions = _prepare(ctx, request, "UpdateItem")
    update = expressions.update()
    condition = expressions.condition()
    expressions.check_unused()
    key = validate_key(table, request.get("Key"))
    if update is not None:
        update.checks_key(table.key_names())

    def produce(old: dict[str, Any] | None) -> dict[str, Any]:
        base = old if old is not None else dict(key)
        return validate_new_item(table, update.apply(base) if update is not None else dict(base), update=True)

    result, old, new = _write(ctx, table, request, key, condition, produce, return_values)
    if return_values == "ALL_NEW":
        result["Attributes"] = new
    elif return_values in ("UPDATED_OLD", "UPDATED_NEW") and update is not None:
        source = old if return_values == "UPDATED_OLD" else new
        attributes = update.updated(source) if source else {}
        if attributes:
            result["Attributes"] = attributes
    return result
