"""PartiQL statements run against a table: SELECT as a Query or a Scan, writes as transaction actions.

A SELECT whose WHERE fixes the partition key (`pk = v` or `pk IN [...]` among its top-level ANDs) reads
those partitions only, in sort key order (ORDER BY ... DESC reverses it); any other SELECT scans. The
whole WHERE then filters. Limit counts the items read, as AWS's Limit does, and a page also stops at
1 MB; NextToken continues after the last item read, whose key is the page's LastEvaluatedKey.

INSERT, UPDATE, DELETE and EXISTS(SELECT ...) become the same `Action`s TransactWriteItems runs: INSERT
fails with DuplicateItem when the key exists; UPDATE, DELETE and EXISTS need the item (their WHERE must
name the whole primary key with `=`) and its WHERE to hold, else ConditionalCheckFailed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.capacity import read_units
from fogbank.services.dynamodb.items import validate_key, validate_new_item, validation
from fogbank.services.dynamodb.keys import encode, partition_hash
from fogbank.services.dynamodb.partiql.ast import (
    Compare,
    Delete,
    Exists,
    In,
    Insert,
    Logical,
    PathRef,
    Select,
    Statement,
    Update,
)
from fogbank.services.dynamodb.partiql.evaluate import (
    condition,
    copy_item,
    project,
    remove_path,
    set_path,
    value,
)
from fogbank.services.dynamodb.tables import Table, load
from fogbank.services.dynamodb.transactions import Action
from fogbank.services.dynamodb.values import item_size

__all__ = ["full_key", "returning", "run_single", "select", "write_action", "written_size"]

Item = dict[str, Any]
Params = Sequence[dict[str, Any]]
PAGE_BYTES = 1024 * 1024
MANDATORY_KEY = "Where clause does not contain a mandatory equality on all key attributes"


def _conjuncts(node: Any) -> list[Any]:
    if isinstance(node, Logical) and node.op == "AND":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [] if node is None else [node]


def _equalities(where: Any, params: Params) -> dict[str, list[dict[str, Any]]]:
    """Attribute name -> the values a top-level `name = v` or `name IN [...]` allows it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for node in _conjuncts(where):
        if isinstance(node, Compare) and node.op == "=":
            for path_side, other in ((node.left, node.right), (node.right, node.left)):
                if (
                    isinstance(path_side, PathRef)
                    and len(path_side.path) == 1
                    and not isinstance(other, PathRef)
                ):
                    constant = value(other, {}, params)
                    if constant is not None:
                        found.setdefault(str(path_side.path[0]), []).append(constant)
                    break
        elif isinstance(node, In) and isinstance(node.operand, PathRef) and len(node.operand.path) == 1:
            options = [v for v in (value(o, {}, params) for o in node.options) if v is not None]
            found.setdefault(str(node.operand.path[0]), []).extend(options)
    return found


def full_key(table: Table, where: Any, params: Params) -> Item | None:
    """The primary key a WHERE fixes with one `=` per key attribute, or None."""
    found = _equalities(where, params)
    key: Item = {}
    for name in table.key_names():
        options = found.get(name, [])
        if len(options) != 1:
            return None
        key[name] = options[0]
    return validate_key(table, key)


def _table(ctx: Context, name: str) -> Table:
    return load(ctx.tx, ctx.account, ctx.region, name)


# -- SELECT -----------------------------------------------------------------------------------


def _token(partition: int, after: tuple[Any, ...]) -> str:
    return base64.b64encode(store.dumps({"p": partition, "a": list(after)}).encode()).decode()


def _parse_token(token: str) -> tuple[int, tuple[Any, ...]]:
    try:
        state = store.loads(base64.b64decode(token, validate=True).decode())
        return int(state["p"]), tuple(state["a"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise validation("Invalid NextToken") from exc


def select(ctx: Context, statement: Select, params: Params, request: dict[str, Any]) -> dict[str, Any]:
    """ExecuteStatement's answer for a SELECT: Items, NextToken, ConsumedCapacity."""
    table = _table(ctx, statement.table)
    source = store.table_source(table)
    hash_key = table.hash_key
    key_names = list(table.key_names())
    consistent = bool(request.get("ConsistentRead"))
    if statement.index is not None:
        index = table.index(statement.index)
        if index is None:
            raise validation(f"The table does not have the specified index: {statement.index}")
        if index.is_global and consistent:
            raise validation("Consistent reads are not supported on global secondary indexes")
        source, hash_key = store.index_source(index), index.hash_key
        key_names += [name for name in index.key_names() if name not in key_names]
    partitions = _equalities(statement.where, params).get(hash_key)
    wheres: list[list[tuple[str, tuple[Any, ...]]]] = [[]]
    if partitions is not None:
        wheres = []
        for partition in partitions:
            hk = encode(partition) if next(iter(partition)) in ("S", "N", "B") else b""
            wheres.append([("hash = ? AND hk = ?", (partition_hash(hk), hk))])
    start, after = _parse_token(request["NextToken"]) if "NextToken" in request else (0, None)
    limit = request.get("Limit")
    items: list[Item] = []
    read = size = 0
    out: dict[str, Any] = {}
    for position in range(start, len(wheres)):
        rows = store.rows(ctx.tx, source, wheres[position], forward=not statement.descending, after=after)
        after = None
        for row in rows:
            item = store.loads(row.text)
            read, size = read + 1, size + row.size
            if condition(statement.where, item, params):
                items.append(project(item, statement.projection))
            if (limit is not None and read >= limit) or size >= PAGE_BYTES:
                out["NextToken"] = _token(position, row.key)
                out["LastEvaluatedKey"] = {name: item[name] for name in key_names}
                break
        if "NextToken" in out:
            break
    out["Items"] = items
    mode = request.get("ReturnConsumedCapacity")
    if mode not in (None, "NONE"):
        units = read_units(size, consistent)
        out["ConsumedCapacity"] = {
            "TableName": table.name,
            "CapacityUnits": units,
            "ReadCapacityUnits": units,
        }
        if mode == "INDEXES":
            out["ConsumedCapacity"]["Table"] = {"CapacityUnits": units, "ReadCapacityUnits": units}
    return out


# -- writes -----------------------------------------------------------------------------------


def _needs_item(table: Table, where: Any, params: Params) -> tuple[Item, Any]:
    key = full_key(table, where, params)
    if key is None:
        raise validation(MANDATORY_KEY)

    def check(old: Item | None) -> bool:
        return old is not None and condition(where, old, params)

    return key, check


def write_action(ctx: Context, statement: Statement, params: Params, return_old: bool) -> Action:
    """The transaction action of an INSERT, UPDATE, DELETE or EXISTS statement."""
    if isinstance(statement, Select):
        raise validation("Only INSERT, UPDATE, DELETE and EXISTS statements can be written")
    table = _table(ctx, statement.select.table if isinstance(statement, Exists) else statement.table)
    if isinstance(statement, Insert):
        document = value(statement.value, {}, params)
        if document is None or "M" not in document:
            raise validation("Unsupported type passed in the VALUE clause: the value must be a tuple {...}")
        item = validate_new_item(table, document["M"])
        return Action(
            "Put",
            table,
            table.key_of(item),
            lambda old: old is None,
            lambda old: item,
            return_old,
            "DuplicateItem",
        )
    if isinstance(statement, Exists):
        key, check = _needs_item(table, statement.select.where, params)
        return Action("ConditionCheck", table, key, check, None, return_old)
    key, check = _needs_item(table, statement.where, params)
    if isinstance(statement, Delete):
        return Action("Delete", table, key, check, lambda old: None, return_old)
    for path, _ in statement.sets:
        if len(path) == 1 and path[0] in table.key_names():
            raise validation(f"Cannot update attribute {path[0]}. This attribute is part of the key")
    for path in statement.removes:
        if len(path) == 1 and path[0] in table.key_names():
            raise validation(f"Cannot update attribute {path[0]}. This attribute is part of the key")

    def produce(old: Item | None) -> Item:
        assert old is not None and isinstance(statement, Update)
        new = copy_item(old)
        for path, expression in statement.sets:
            changed = value(expression, old, params)
            if changed is None:
                remove_path(new, path)
            else:
                set_path(new, path, changed)
        for path in statement.removes:
            remove_path(new, path)
        return validate_new_item(table, new, update=True)

    return Action("Update", table, key, check, produce, return_old)


def returning(statement: Statement, old: Item | None, new: Item | None) -> list[Item]:
    """The Items a write statement's RETURNING clause asks for."""
    which = getattr(statement, "returning", None)
    if which is None:
        return []
    image = old if which.endswith("OLD") else new
    if image is None:
        return []
    if which.startswith("ALL"):
        return [image]
    assert isinstance(statement, Update)
    touched = {str(path[0]) for path, _ in statement.sets} | {str(path[0]) for path in statement.removes}
    return [{name: v for name, v in image.items() if name in touched}]


def run_single(ctx: Context, action: Action, request: dict[str, Any]) -> None:
    """Run one write action outside a transaction, failing with its own error as ExecuteStatement does."""
    action.old = store.get(ctx.tx, action.table, action.key)
    if action.check is not None and not action.check(action.old):
        if action.failure == "DuplicateItem":
            raise ServiceError("DuplicateItemException", "Duplicate primary key exists in table", 400)
        fields = {}
        if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and action.old is not None:
            fields["Item"] = action.old
        raise ServiceError(
            "ConditionalCheckFailedException", "The conditional request failed", 400, fields=fields
        )
    if action.produce is not None:
        action.new = action.produce(action.old)
        store.write(ctx.tx, action.table, action.key, action.old, action.new, now=ctx.clock.now())


def written_size(action: Action) -> int:
    return max((item_size(i) for i in (action.old, action.new) if i is not None), default=0)
