"""DeleteMessage(Batch) and ChangeMessageVisibility(Batch): acting on a received message by its handle."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import receipts, service, store, wake
from fogbank.services.sqs.batch import check_entries, failure
from fogbank.services.sqs.queues import Queue, queue_of, tx_of
from fogbank.services.sqs.validation import invalid_value

__all__ = ["delete_message", "change_message_visibility"]

MAX_VISIBILITY = 43200


def _delete(ctx: Context, queue: Queue, handle: str) -> None:
    seq, _ = receipts.decode(handle, queue.arn)
    # AWS deletes by an older receive's handle too, and answers success for a message already gone.
    store.delete(tx_of(ctx), queue.arn, seq)


@service.handler("DeleteMessage")
def delete_message(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    _delete(ctx, queue, request["ReceiptHandle"])
    return {}


@service.handler("DeleteMessageBatch")
def delete_message_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    entries = request.get("Entries") or []
    check_entries(entries, "DeleteMessageBatchRequestEntry")
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    seqs: list[int] = []
    for entry in entries:
        try:
            seq, _ = receipts.decode(entry["ReceiptHandle"], queue.arn)
        except ServiceError as error:
            failed.append(failure(entry["Id"], error))
            continue
        seqs.append(seq)
        successful.append({"Id": entry["Id"]})
    store.delete_many(tx_of(ctx), queue.arn, seqs)
    return {"Successful": successful, "Failed": failed}


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
    queue = queue_of(ctx, request["QueueUrl"])
    _change(ctx, queue, request["ReceiptHandle"], request["VisibilityTimeout"], ctx.clock.time())
    return {}


@service.handler("ChangeMessageVisibilityBatch")
def change_message_visibility_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    entries = request.get("Entries") or []
    check_entries(entries, "ChangeMessageVisibilityBatchRequestEntry")
    now = ctx.clock.time()
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            _change(ctx, queue, entry["ReceiptHandle"], entry.get("VisibilityTimeout", 0), now)
        except ServiceError as error:
            failed.append(failure(entry["Id"], error))
            continue
        successful.append({"Id": entry["Id"]})
    return {"Successful": successful, "Failed": failed}
