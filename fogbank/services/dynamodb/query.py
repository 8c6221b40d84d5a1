"""Query: one partition key's items of a table or an index, as a range scan of the stored key order.

The key condition becomes bounds on the encoded sort key (keys.py), so SQLite walks the partition in
DynamoDB's order (or backwards, for ScanIndexForward false) and no sorting happens here.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import service, store
from fogbank.services.dynamodb.keys import encode, partition_hash, prefix_end
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.reads import Target, run_page, start_after, target, validation

__all__ = ["range_bounds"]

_COMPARISONS = {"=": "rk = ?", "<": "rk < ?", "<=": "rk <= ?", ">": "rk > ?", ">=": "rk >= ?"}
_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)


def _encoded(target: Target, name: str, value: dict[str, Any]) -> bytes:
    if target.table.attribute_types[name] not in value:
        raise validation(_TYPE_MISMATCH)
    return encode(value)


def range_bounds(
    target: Target, op: str | None, values: list[dict[str, Any]]
) -> list[tuple[str, tuple[bytes, ...]]]:
    """SQL conditions on the encoded sort key for a key condition's sort-key operator."""
    if op is None:
        return []
    name = target.range_key
    assert name is not None
    encoded = [_encoded(target, name, v) for v in values]
    if op in _COMPARISONS:
        return [(_COMPARISONS[op], (encoded[0],))]
    if op == "BETWEEN":
        return [("rk >= ? AND rk <= ?", (encoded[0], encoded[1]))]
    end = prefix_end(encoded[0])
    if end is None:
        return [("rk >= ?", (encoded[0],))]
    return [("rk >= ? AND rk < ?", (encoded[0], end))]


def _satisfies(rk: bytes, conditions: list[tuple[str, tuple[bytes, ...]]]) -> bool:
    checks = {
        "rk = ?": lambda v: rk == v,
        "rk < ?": lambda v: rk < v,
        "rk <= ?": lambda v: rk <= v,
        "rk > ?": lambda v: rk > v,
        "rk >= ?": lambda v: rk >= v,
    }
    for sql, params in conditions:
        for part, value in zip(sql.split(" AND "), params, strict=True):
            if not checks[part](value):
                return False
    return True


@service.handler("Query")
def query(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    read = target(ctx, request)
    expressions = Expressions("Query", request)
    key_condition = expressions.key_condition(read.hash_key, read.range_key)
    hk = _encoded(read, read.hash_key, key_condition.hash_value)
    h = partition_hash(hk)
    bounds = range_bounds(read, key_condition.range_op, list(key_condition.range_values or []))
    after = start_after(read, request.get("ExclusiveStartKey"), "The provided starting key is invalid")
    if after is not None:
        if after[0] != h or after[1] != hk:
            raise validation(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        if not _satisfies(after[2], bounds):
            raise validation("The provided starting key does not match the range key predicate")
    limit = request.get("Limit")
    rows = store.rows(
        ctx.tx,
        read.source,
        [("hash = ? AND hk = ?", (h, hk)), *bounds],
        forward=request.get("ScanIndexForward", True) is not False,
        after=after,
        chunk=min(limit, store.CHUNK) if limit else store.CHUNK,
    )
    return run_page(ctx, read, request, expressions, rows, "QueryFilter", key_condition.hash_value)
