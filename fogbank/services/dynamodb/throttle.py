"""Throttling of provisioned tables (`--dynamodb-throttle`): the provisioned rate, with 300 s of burst.

Each provisioned table, and each of its global secondary indexes, has a read and a write token bucket
that fills at its provisioned units per second, on fogbank's clock, up to 300 seconds' worth (AWS keeps
up to five minutes of unused capacity for bursts). A request is refused with
ProvisionedThroughputExceededException when a bucket it draws on is empty, and charged what it
consumed once done, so a large item can overdraw a bucket as in AWS.
Buckets live in memory: they are a rate, not state worth keeping across restarts.
"""

from __future__ import annotations

import threading
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb.tables import Index, Table

__all__ = ["admit", "charge", "BURST_SECONDS"]

BURST_SECONDS = 300
_MESSAGE = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
_INDEX_READ = (
    "The level of configured provisioned throughput for one or more global secondary indexes of the table "
    "was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary "
    "indexes with the UpdateTable API"
)
_INDEX_WRITE = (
    "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is "
    "automatically scaling your index so please try again shortly."
)

_lock = threading.Lock()
# (table or index id, "ReadCapacityUnits" | "WriteCapacityUnits") -> (tokens, rate, time of the last refill)
_tokens: dict[tuple[int, str], tuple[float, float, float]] = {}


def _applies(ctx: Context, table: Table) -> bool:
    return bool(ctx.settings.dynamodb_throttle) and table.billing_mode == "PROVISIONED"


def _member(write: bool) -> str:
    return "WriteCapacityUnits" if write else "ReadCapacityUnits"


def _global_indexes(table: Table) -> dict[str, dict[str, Any]]:
    return {doc["IndexName"]: doc for doc in table.doc.get("GlobalSecondaryIndexes", [])}


def _buckets(table: Table, write: bool, index: Index | None) -> list[tuple[int, float, str | None]]:
    """(bucket id, rate, GSI name or None) of what a request draws on.

    A read of a global index draws on the index alone; a write draws on the table and on every global
    index (a write the index cannot take is refused, as AWS's back-pressure does). Local indexes share
    the table's capacity.
    """
    member = _member(write)
    gsis = _global_indexes(table)
    if index is not None and index.is_global:
        return [(index.id, float(gsis[index.name]["ProvisionedThroughput"][member]), index.name)]
    buckets: list[tuple[int, float, str | None]] = [
        (table.id, float(table.doc["ProvisionedThroughput"][member]), None)
    ]
    if write:
        buckets += [
            (doc["Id"], float(doc["ProvisionedThroughput"][member]), name) for name, doc in gsis.items()
        ]
    return buckets


def _refilled(bucket: int, member: str, rate: float, now: float) -> float:
    """The bucket's tokens now (under the lock)."""
    tokens, old_rate, then = _tokens.get((bucket, member), (rate * BURST_SECONDS, rate, now))
    if old_rate != rate:  # UpdateTable changed the rate: the burst allowance follows it
        tokens = min(tokens, rate * BURST_SECONDS)
    tokens = min(rate * BURST_SECONDS, tokens + max(0.0, now - then) * rate)
    _tokens[(bucket, member)] = (tokens, rate, now)
    return tokens


def admit(ctx: Context, table: Table, *, write: bool, index: Index | None = None) -> None:
    """Refuse the request if a bucket it draws on is empty (throttle mode, provisioned tables only)."""
    if not _applies(ctx, table):
        return
    member = _member(write)
    now = ctx.clock.now().timestamp()
    with _lock:
        for bucket, rate, gsi in _buckets(table, write, index):
            if _refilled(bucket, member, rate, now) <= 0:
                if gsi is None:
                    raise ServiceError("ProvisionedThroughputExceededException", _MESSAGE, 400)
                raise ServiceError(
                    "ProvisionedThroughputExceededException", _INDEX_WRITE if write else _INDEX_READ, 400
                )


def charge(
    ctx: Context,
    table: Table,
    units: float,
    *,
    write: bool,
    index: Index | None = None,
    index_units: dict[str, float] | None = None,
) -> None:
    """Take what a request consumed: `units` from the table (or from `index`, for a read of a global
    index), and each global index's `index_units` (by name) from that index."""
    if not _applies(ctx, table):
        return
    member = _member(write)
    now = ctx.clock.now().timestamp()
    index_units = index_units or {}
    with _lock:
        for bucket, rate, gsi in _buckets(table, write, index):
            taken = (
                units if gsi is None or (index is not None and index.is_global) else index_units.get(gsi, 0.0)
            )
            tokens = _refilled(bucket, member, rate, now)
            _tokens[(bucket, member)] = (tokens - taken, rate, now)
