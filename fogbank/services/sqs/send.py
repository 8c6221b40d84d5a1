"""SendMessage and SendMessageBatch: each entry validated and enqueued on its own, failures per entry."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import service, store, wake
from fogbank.services.sqs.batch import each_entry, entries_of
from fogbank.services.sqs.digests import md5_of_body
from fogbank.services.sqs.enqueue import Sent, enqueue
from fogbank.services.sqs.queues import Queue, message_queue_of, tx_of
from fogbank.services.sqs.validation import message_size

__all__ = ["send_message", "send_message_batch"]


def _send(
    ctx: Context, queue: Queue, entry: dict[str, Any], now: float, rows: list[store.Row] | None = None
) -> Sent:
    assert ctx.principal is not None
    return enqueue(
        tx_of(ctx),
        now,
        queue,
        entry.get("MessageBody", ""),
        attributes=entry.get("MessageAttributes"),
        system_attributes=entry.get("MessageSystemAttributes"),
        delay=entry.get("DelaySeconds"),
        group_id=entry.get("MessageGroupId"),
        dedup_id=entry.get("MessageDeduplicationId"),
        sender_id=ctx.principal.user_id,
        rows=rows,
    )


def _result(sent: Sent, body: str) -> dict[str, Any]:
    result: dict[str, Any] = {"MessageId": sent.message_id, "MD5OfMessageBody": md5_of_body(body)}
    if sent.md5_of_attributes is not None:
        result["MD5OfMessageAttributes"] = sent.md5_of_attributes
    if sent.md5_of_system_attributes is not None:
        result["MD5OfMessageSystemAttributes"] = sent.md5_of_system_attributes
    if sent.sequence_number is not None:
        result["SequenceNumber"] = sent.sequence_number
    return result


@service.handler("SendMessage")
def send_message(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    return _result(_send(ctx, queue, request, ctx.clock.time()), request.get("MessageBody", ""))


@service.handler("SendMessageBatch")
def send_message_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    entries = entries_of(request, "SendMessageBatchRequestEntry")
    limit = queue.int_attribute("MaximumMessageSize")
    total = sum(message_size(e.get("MessageBody", ""), e.get("MessageAttributes")) for e in entries)
    if total > limit:
        raise ServiceError(
            "BatchRequestTooLong",
            f"Batch requests cannot be longer than {limit} bytes. You have sent {total} bytes.",
            400,
        )
    now = ctx.clock.time()
    rows: list[store.Row] = []
    answer = each_entry(
        entries, lambda entry: _result(_send(ctx, queue, entry, now, rows), entry.get("MessageBody", ""))
    )
    if rows:
        tx = tx_of(ctx)
        arn = queue.arn
        store.insert_many(tx, arn, rows)
        tx.after_commit(lambda: wake.signal(arn))
    return answer
