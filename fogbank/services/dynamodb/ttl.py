"""Time to Live: UpdateTimeToLive, DescribeTimeToLive, and the sweep that deletes expired items.

An item expires when its TTL attribute is a Number of epoch seconds earlier than fogbank's clock; a
value more than five years in the past never expires, as AWS documents (it is taken for a mistake).
Expired items are deleted by a scheduler job, one per table, that walks the table and comes back while
TTL stays on: every minute of fogbank's clock, and less often for large tables (a minute per 10,000
items), since each sweep reads the whole table; AWS itself promises deletion within days, not at once.
A clock advance pokes the scheduler, so items expire right after `clock advance` moves past them.
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
SWEEP_INTERVAL = timedelta(minutes=1)
ITEMS_PER_INTERVAL = 10_000
NEVER_EXPIRES_AFTER = 5 * 365 * 24 * 3600  # seconds in the past beyond which a TTL value is ignored


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _schedule(tx: Transaction, table: tables.Table, now: datetime) -> None:
    count, _ = store.counts(tx, table.id)
    payload = {"Account": table.account, "Region": table.region, "TableName": table.name, "Id": table.id}
    interval = SWEEP_INTERVAL * max(1, count // ITEMS_PER_INTERVAL)
    scheduler.schedule(tx, f"dynamodb.{JOB}", table.arn, now + interval, payload)


@service.handler("UpdateTimeToLive")
def update_time_to_live(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    spec = request["TimeToLiveSpecification"]
    current = table.ttl_attribute
    if spec["Enabled"]:
        if current is not None:
            raise _validation("TimeToLive is already enabled")
        table.doc["TtlAttribute"] = spec["AttributeName"]
        _schedule(ctx.tx, table, ctx.clock.now())
    else:
        if current is None:
            raise _validation("TimeToLive is already disabled")
        if current != spec["AttributeName"]:
            raise _validation(
                f"TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )
        del table.doc["TtlAttribute"]
        scheduler.cancel(ctx.tx, f"dynamodb.{JOB}", table.arn)
    tables.save(ctx.tx, table)
    return {"TimeToLiveSpecification": {"Enabled": spec["Enabled"], "AttributeName": spec["AttributeName"]}}


@service.handler("DescribeTimeToLive")
def describe_time_to_live(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    if table.ttl_attribute is None:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl_attribute}}


def expired(item: dict[str, Any], attribute: str, now: float) -> bool:
    """Whether `item` has expired by `now` (epoch seconds)."""
    value = item.get(attribute)
    if value is None or "N" not in value:
        return False
    try:
        at = Decimal(value["N"])
    except InvalidOperation:
        return False
    return now - NEVER_EXPIRES_AFTER <= at < Decimal(repr(now))


def job_now(tx: Transaction) -> datetime:
    """fogbank's time inside a scheduler job, which runs without a request's clock: read as the clock does."""
    return datetime.fromtimestamp(time.time() + float(tx.get_setting(OFFSET_KEY) or 0.0), UTC)


@service.job(JOB)
def sweep(tx: Transaction, payload: dict[str, Any]) -> None:
    table = tables.load_or_none(tx, payload["Account"], payload["Region"], payload["TableName"])
    if table is None or table.id != payload["Id"] or table.ttl_attribute is None:
        return
    now = job_now(tx)
    attribute, cutoff = table.ttl_attribute, now.timestamp()
    marker = store.dumps({attribute: None})[1:-5]  # the attribute's name as it appears in a row's text
    doomed = []
    for row in store.rows(tx, store.table_source(table), []):
        if marker not in row.text:
            continue
        item = store.loads(row.text)
        if expired(item, attribute, cutoff):
            doomed.append(item)
    for item in doomed:
        store.write(tx, table, table.key_of(item), item, None, now=now, service_deletion=True)
    _schedule(tx, table, now)
