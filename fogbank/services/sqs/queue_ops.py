"""Queue lifecycle: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue."""

from __future__ import annotations

import base64
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import attributes, service, store
from fogbank.services.sqs.names import check_queue_name, does_not_exist, queue_arn, queue_url
from fogbank.services.sqs.queues import (
    DELETED,
    QUEUE,
    SERVICE,
    Queue,
    load,
    queue_of,
    save,
    tx_of,
    written,
)
from fogbank.services.sqs.tags import check_tags

__all__ = ["create_queue", "get_queue_url", "list_queues", "delete_queue"]

# AWS refuses a queue of a deleted queue's name for this long, and one PurgeQueue per queue in it.
RECREATE_AFTER = 60.0
PURGE_INTERVAL = 60.0


@service.handler("CreateQueue")
def create_queue(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name = request["QueueName"]
    given = request.get("Attributes") or {}
    # A queue is FIFO by its attribute; the name must then end in ".fifo", and only then.
    fifo = str(given.get("FifoQueue", "")).lower() == "true"
    check_queue_name(name, fifo)
    account, region = ctx.account, ctx.region
    arn = queue_arn(account, region, name)
    settled = attributes.settle(tx, account, region, given, fifo=fifo, creating=True, queue_arn=arn)
    now = ctx.clock.time()
    existing = load(tx, account, region, name)
    if existing is not None:
        for attribute, value in settled.items():
            if existing.attributes.get(attribute, "") != value:
                raise ServiceError(
                    "QueueNameExists",
                    "A queue already exists with the same name and a different value for attribute "
                    f"{attribute}",
                    400,
                )
        return {"QueueUrl": queue_url(ctx, account, name)}
    deleted = tx.get_doc(SERVICE, DELETED, account, region, name)
    if deleted is not None and now - deleted["At"] < RECREATE_AFTER:
        raise ServiceError(
            "QueueDeletedRecently",
            "You must wait 60 seconds after deleting a queue before you can create another with the same "
            "name.",
            400,
        )
    tags = request.get("tags") or {}
    check_tags(tags)
    queue = Queue(account, region, name, now, now, attributes.defaults(fifo), dict(tags))
    attributes.apply(queue, settled)
    if deleted is not None:
        tx.delete_doc(SERVICE, DELETED, account, region, name)
    save(tx, queue)
    return {"QueueUrl": queue_url(ctx, account, name)}


@service.handler("GetQueueUrl")
def get_queue_url(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    account = request.get("QueueOwnerAWSAccountId") or ctx.account
    name = request["QueueName"]
    if load(tx_of(ctx), account, ctx.region, name) is None:
        raise does_not_exist()
    return {"QueueUrl": queue_url(ctx, account, name)}


def _token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _after(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except ValueError as exc:
        raise ServiceError("InvalidParameterValue", "Invalid NextToken value.", 400) from exc


@service.handler("ListQueues")
def list_queues(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("MaxResults")
    if limit is not None and not 1 <= limit <= 1000:
        raise ServiceError(
            "InvalidParameterValue",
            f"Value {limit} for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
            "between 1 and 1000.",
            400,
        )
    token = request.get("NextToken")
    after = _after(token) if token else None
    names = tx_of(ctx).list_docs(
        SERVICE,
        QUEUE,
        ctx.account,
        ctx.region,
        prefix=request.get("QueueNamePrefix") or "",
        after=after,
        limit=(limit or 1000) + 1,
    )
    page = [name for name, _ in names[: limit or 1000]]
    output: dict[str, Any] = {}
    if page:
        output["QueueUrls"] = [queue_url(ctx, ctx.account, name) for name in page]
    if limit is not None and len(names) > limit:
        output["NextToken"] = _token(page[-1])
    return output


@service.handler("DeleteQueue")
def delete_queue(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    queue = queue_of(ctx, request["QueueUrl"])
    tx.delete_doc(SERVICE, QUEUE, queue.account, queue.region, queue.name)
    tx.put_doc(SERVICE, DELETED, queue.account, queue.region, queue.name, {"At": ctx.clock.time()})
    store.drop_queue(tx, queue.arn)
    written(tx, queue.arn)
    return {}


@service.handler("GetQueueAttributes")
def get_queue_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    names = request.get("AttributeNames") or []
    values = attributes.report(tx_of(ctx), queue, names, ctx.clock.time())
    return {"Attributes": values} if values else {}


@service.handler("SetQueueAttributes")
def set_queue_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    queue = queue_of(ctx, request["QueueUrl"])
    given = request.get("Attributes") or {}
    settled = attributes.settle(
        tx, queue.account, queue.region, given, fifo=queue.fifo, creating=False, queue_arn=queue.arn
    )
    retention = queue.int_attribute("MessageRetentionPeriod")
    attributes.apply(queue, settled)
    queue.modified = ctx.clock.time()
    save(tx, queue)
    # AWS applies a new retention period to the messages already in the queue too (a shorter one
    # expires those now older than it), so every message's deadline moves with the period.
    change = queue.int_attribute("MessageRetentionPeriod") - retention
    if change:
        store.shift_expiry(tx, queue.arn, change)
    return {}


@service.handler("PurgeQueue")
def purge_queue(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    queue = queue_of(ctx, request["QueueUrl"])
    now = ctx.clock.time()
    if queue.purged_at is not None and now - queue.purged_at < PURGE_INTERVAL:
        raise ServiceError(
            "PurgeQueueInProgress",
            f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds.",
            403,
        )
    store.purge(tx, queue.arn, now)
    queue.purged_at = now
    save(tx, queue)
    return {}
