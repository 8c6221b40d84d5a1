"""Time to Live: UpdateTimeToLive, DescribeTimeToLive, the expiry index, and the job deleting expired items.

An item expires when its TTL attribute is a Number of epoch seconds earlier than fogbank's clock; a
value more than five years in the past never expires, as AWS documents (it is taken for a mistake).
Every write to a TTL-enabled table passes through `track`, which keeps the item's expiry time in the
ddb_ttl index; enabling TTL fills the index from the table once. One scheduler job per table sits at
the earliest expiry time: it deletes exactly the items that have expired, in batches, and schedules
itself at the next expiry time, so no sweep ever reads items that have not expired. A clock advance
pokes the scheduler, so items expire right after `clock advance` moves past them.
Deletions go through store.write as service deletions: stream records show them with the DynamoDB
service as their userIdentity.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank import scheduler
from fogbank.clock import OFFSET_KEY
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store, tables
from fogbank.state import Transaction

JOB = "ttl"
BATCH = 500  # expired items deleted per query
BATCHES_PER_RUN = 20  # then the job yields the scheduler and comes back at once
NEVER_EXPIRES_AFTER = 5 * 365 * 24 * 3600  # seconds in the past beyond which a TTL value is ignored
# The job runs once the clock is strictly past an expiry time (an item expiring at t lives through t).
_PAST = timedelta(milliseconds=1)

_FORGET = "DELETE FROM ddb_ttl WHERE table_id = ? AND hash = ? AND hk = ? AND rk = ?"
_TRACK = "INSERT INTO ddb_ttl (table_id, hash, hk, rk, at) VALUES (?, ?, ?, ?, ?)"
_NEXT = "SELECT MIN(at) FROM ddb_ttl WHERE table_id = ? AND at >= ?"
_EXPIRED = (
    "SELECT i.item FROM ddb_ttl t JOIN ddb_items i "
    "ON i.table_id = t.table_id AND i.hash = t.hash AND i.hk = t.hk AND i.rk = t.rk "
    "WHERE t.table_id = ? AND t.at >= ? AND t.at < ? ORDER BY t.at LIMIT ?"
)


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _expiry(item: dict[str, Any] | None, attribute: str) -> Decimal | None:
    """The epoch second `item` expires at, or None when its TTL attribute is missing or not a Number."""
    value = item.get(attribute) if item is not None else None
    if value is None or "N" not in value:
        return None
    try:
        return Decimal(value["N"])
    except InvalidOperation:
        return None


def _schedule(tx: Transaction, table: tables.Table, due: datetime) -> None:
    payload = {"Account": table.account, "Region": table.region, "TableName": table.name, "Id": table.id}
    scheduler.schedule(tx, f"dynamodb.{JOB}", table.arn, due, payload)


def _next_expiry(tx: Transaction, table_id: int, now: datetime) -> float | None:
    row = tx.fetchone(_NEXT, (table_id, now.timestamp() - NEVER_EXPIRES_AFTER))
    return None if row is None or row[0] is None else float(row[0])


def _due(at: float, now: datetime) -> datetime:
    return max(datetime.fromtimestamp(at, UTC), now) + _PAST


def track(
    tx: Transaction, table: tables.Table, key: dict[str, Any], new: dict[str, Any] | None, *, now: datetime
) -> None:
    """Keep the expiry index in step with a write of `new` (None: deleted) at `key` in a TTL table, and
    bring the table's job forward when `new` expires before everything else."""
    where = (table.id, *store.encoded_key(table, key))
    tx.execute(_FORGET, where)
    at = _expiry(new, table.ttl_attribute or "")
    if at is None or float(at) < now.timestamp() - NEVER_EXPIRES_AFTER:
        return
    earliest = _next_expiry(tx, table.id, now)
    tx.execute(_TRACK, (*where, float(at)))
    if earliest is None or float(at) < earliest:
        _schedule(tx, table, _due(float(at), now))


def _index_table(tx: Transaction, table: tables.Table, now: datetime) -> None:
    """Fill the expiry index of a table TTL was just enabled on, and schedule its job."""
    for row in store.rows(tx, store.table_source(table), []):
        track(tx, table, table.key_of(row.item), row.item, now=now)


@service.handler("UpdateTimeToLive")
def update_time_to_live(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    spec = request["TimeToLiveSpecification"]
    current = table.ttl_attribute
    if spec["Enabled"]:
        if current is not None:
            raise _validation("TimeToLive is already enabled")
        table.doc["TtlAttribute"] = spec["AttributeName"]
        _index_table(ctx.tx, table, ctx.clock.now())
    else:
        if current is None:
            raise _validation("TimeToLive is already disabled")
        if current != spec["AttributeName"]:
            raise _validation(
                f"TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )
        del table.doc["TtlAttribute"]
        ctx.tx.execute("DELETE FROM ddb_ttl WHERE table_id = ?", (table.id,))
        scheduler.cancel(ctx.tx, f"dynamodb.{JOB}", table.arn)
    tables.save(ctx.tx, table)
    return {"TimeToLiveSpecification": {"Enabled": spec["Enabled"], "AttributeName": spec["AttributeName"]}}


@service.handler("DescribeTimeToLive")
def describe_time_to_live(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    if table.ttl_attribute is None:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl_attribute}}


def job_now(tx: Transaction) -> datetime:
    """fogbank's time inside a scheduler job, which runs without a request's clock: read as the clock does."""
    return datetime.fromtimestamp(time.time() + float(tx.get_setting(OFFSET_KEY) or 0.0), UTC)


@service.job(JOB)
def expire(tx: Transaction, payload: dict[str, Any]) -> None:
    """Delete the table's expired items, then come back at the next expiry time."""
    table = tables.load_or_none(tx, payload["Account"], payload["Region"], payload["TableName"])
    if table is None or table.id != payload["Id"] or table.ttl_attribute is None:
        return
    now = job_now(tx)
    cutoff, attribute = Decimal(repr(now.timestamp())), table.ttl_attribute
    window = (table.id, now.timestamp() - NEVER_EXPIRES_AFTER, now.timestamp(), BATCH)
    for _ in range(BATCHES_PER_RUN):
        batch = store.loads_many([row[0] for row in tx.execute(_EXPIRED, window)])
        for item in batch:
            at = _expiry(item, attribute)
            # The index holds floats; the item's own Number decides at the boundary.
            if at is not None and at < cutoff:
                store.write(tx, table, table.key_of(item), item, None, now=now, service_deletion=True)
        if len(batch) < BATCH:
            break
    else:
        _schedule(tx, table, now)
        return
    at = _next_expiry(tx, table.id, now)
    if at is not None:
        _schedule(tx, table, _due(at, now))
