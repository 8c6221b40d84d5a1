"""A queue's document: its attributes, tags and bookkeeping, kept as one JSON document per queue.

Documents are keyed (sqs, queue, account, region, name). `Attributes` holds the settable attributes
as AWS reports them (strings); the read-only ones (counts, timestamps, QueueArn) are computed when
asked. A deleted queue leaves a `deleted` document for 60 seconds: AWS refuses a queue of the same
name until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs.names import QueueRef, does_not_exist, queue_arn, ref_from_arn, ref_from_url
from fogbank.state import Transaction

__all__ = [
    "SERVICE",
    "QUEUE",
    "DELETED",
    "Queue",
    "load",
    "load_ref",
    "load_arn",
    "save",
    "queue_of",
    "tx_of",
]

SERVICE = "sqs"
QUEUE = "queue"
DELETED = "deleted"


@dataclass(slots=True)
class Queue:
    account: str
    region: str
    name: str
    created: float
    modified: float
    attributes: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    purged_at: float | None = None

    @property
    def arn(self) -> str:
        return queue_arn(self.account, self.region, self.name)

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoQueue") == "true"

    def int_attribute(self, name: str) -> int:
        return int(self.attributes[name])

    @property
    def redrive(self) -> dict[str, Any] | None:
        text = self.attributes.get("RedrivePolicy")
        return json.loads(text) if text else None

    def doc(self) -> dict[str, Any]:
        return {
            "Created": self.created,
            "Modified": self.modified,
            "Attributes": self.attributes,
            "Tags": self.tags,
            "PurgedAt": self.purged_at,
        }


def tx_of(ctx: Context) -> Transaction:
    assert ctx.tx is not None
    return ctx.tx


def load(tx: Transaction, account: str, region: str, name: str) -> Queue | None:
    doc = tx.get_doc(SERVICE, QUEUE, account, region, name)
    if doc is None:
        return None
    return Queue(
        account,
        region,
        name,
        doc["Created"],
        doc["Modified"],
        doc["Attributes"],
        doc.get("Tags", {}),
        doc.get("PurgedAt"),
    )


def load_ref(tx: Transaction, ref: QueueRef) -> Queue | None:
    return load(tx, ref.account, ref.region, ref.name)


def load_arn(tx: Transaction, arn: str) -> Queue | None:
    ref = ref_from_arn(arn)
    return load_ref(tx, ref) if ref is not None else None


def save(tx: Transaction, queue: Queue) -> None:
    tx.put_doc(SERVICE, QUEUE, queue.account, queue.region, queue.name, queue.doc())


def queue_of(ctx: Context, url: str) -> Queue:
    """The queue a request's QueueUrl names, or AWS's QueueDoesNotExist."""
    if not url:
        raise ServiceError("MissingParameter", "The request must contain the parameter QueueUrl.", 400)
    queue = load_ref(tx_of(ctx), ref_from_url(ctx, url))
    if queue is None:
        raise does_not_exist()
    return queue
