"""DeleteMessage(Batch) and ChangeMessageVisibility(Batch): acting on a received message by its handle."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import receipts, service, store, wake
from fogbank.services.sqs.batch import each_entry, entries_of
from fogbank.services.sqs.queues import Queue, message_queue_of, tx_of
from fogbank.services.sqs.validation import invalid_value

__all__ = ["delete_message", "change_message_visibility"]

MAX_VISIBILITY = 43200


def _deletable(ctx: Context, queue: Queue, handle: str, now: float) -> int:
    """The seq of the message a DeleteMessage handle names.

    A standard queue deletes by an older receive's handle too; a FIFO queue's handle expires with its
    receive's visibility timeout (or the next receive), and AWS refuses it then. A message already
    gone is a success either way.
    """
    seq, token = receipts.decode(handle, queue.arn)
    if queue.fifo:
        row = store.row(tx_of(ctx), queue.arn, seq)
        if row is not None and (row.receipt != token or row.visible_at <= now):
            raise invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
    return seq


@service.handler("DeleteMessage")
def delete_message(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    seq = _deletable(ctx, queue, request["ReceiptHandle"], ctx.clock.time())
    store.delete(tx_of(ctx), queue.arn, seq)
    return {}


@service.handler("DeleteMessageBatch")
def delete_message_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    entries = entries_of(request, "DeleteMessageBatchRequestEntry")
    now = ctx.clock.time()
    seqs: list[int] = []

    def delete(entry: dict[str, Any]) -> dict[str, Any]:
        seqs.append(_deletable(ctx, queue, entry["ReceiptHandle"], now))
        return {}

    answer = each_entry(entries, delete)
    store.delete_many(tx_of(ctx), queue.arn, seqs)
    return answer


def _change(ctx: Context, queue: Queue, handle: str, timeout: int, now: float) -> None:
    if not 0 <= timeout <= MAX_VISIBILITY:
        raise invalid_value(
            "VisibilityTimeout",
            timeout,
            f"VisibilityTimeout must be an integer between 0 and {MAX_VISIBILITY}.",
        )
    seq, token = receipts.decode(handle, queue.arn)
    tx = tx_of(ctx)
    row = store.row(tx, queue.arn, seq)
    if row is None or row.receipt != token or row.visible_at <= now:
        raise ServiceError(
            "MessageNotInflight",
            "Message does not exist or is not available for visibility timeout change.",
            400,
        )
    if row.first_receive is not None and now + timeout - row.first_receive > MAX_VISIBILITY:
        raise invalid_value(
            "VisibilityTimeout",
            timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} seconds]",
        )
    store.change_visibility(tx, queue.arn, seq, now + timeout)
    if timeout == 0:
        arn = queue.arn
        tx.after_commit(lambda: wake.signal(arn))


@service.handler("ChangeMessageVisibility")
def change_message_visibility(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    _change(ctx, queue, request["ReceiptHandle"], request["VisibilityTimeout"], ctx.clock.time())
    return {}


@service.handler("ChangeMessageVisibilityBatch")
def change_message_visibility_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = message_queue_of(ctx, request["QueueUrl"])
    entries = entries_of(request, "ChangeMessageVisibilityBatchRequestEntry")
    now = ctx.clock.time()

    def change(entry: dict[str, Any]) -> dict[str, Any]:
        _change(ctx, queue, entry["ReceiptHandle"], entry.get("VisibilityTimeout", 0), now)
        return {}

    return each_entry(entries, change)
