"""Delivering a message into a queue from another service (SNS subscriptions, event notifications).

`deliver` enqueues in the caller's own transaction, so the message commits (and long-polling
receivers wake) exactly when the caller's work does: SNS's Publish delivers to SQS synchronously.
"""

from __future__ import annotations

from datetime import datetime

from fogbank.services.sqs.enqueue import enqueue
from fogbank.services.sqs.queues import shared_arn
from fogbank.state import Transaction

__all__ = ["QueueUnavailable", "deliver"]


class QueueUnavailable(Exception):
    """The queue is missing (or deleted): the caller decides what that means for it."""


def deliver(
    tx: Transaction,
    now: datetime,
    queue_arn: str,
    body: str,
    *,
    attributes: dict[str, dict] | None = None,
    group_id: str | None = None,
    dedup_id: str | None = None,
    sender_id: str | None = None,
) -> str | None:
    """Enqueue one message into the queue `queue_arn` in `tx`; return its MessageId.

    The message is validated as SendMessage validates it (size, characters, attributes — a refusal
    raises the same fogbank.errors.ServiceError), gets the same MD5 digests, and on a FIFO queue is
    deduplicated: None when it was dropped as a duplicate within the 5-minute window. `attributes` are
    SQS MessageAttributes ({"Name": {"DataType": "String", "StringValue": "x"}}, a Binary value as
    bytes). `sender_id` is what the message reports as its SenderId (defaults to the queue's account).
    Receivers long-polling the queue wake after `tx` commits. Raises QueueUnavailable when the queue
    does not exist.
    """
    queue = shared_arn(tx, queue_arn)
    if queue is None:
        raise QueueUnavailable(queue_arn)
    sent = enqueue(
        tx,
        now.timestamp(),
        queue,
        body,
        attributes=attributes,
        group_id=group_id,
        dedup_id=dedup_id,
        sender_id=sender_id or queue.account,
    )
    return None if sent.duplicate else sent.message_id
