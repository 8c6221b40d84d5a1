"""A queue's document: its attributes, tags and bookkeeping, kept as one JSON document per queue.

Documents are keyed (sqs, queue, account, region, name). `Attributes` holds the settable attributes
as AWS reports them (strings); the read-only ones (counts, timestamps, QueueArn) are computed when
asked. A deleted queue leaves a `deleted` document for 60 seconds: AWS refuses a queue of the same
name until then.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs.names import QueueRef, does_not_exist, queue_arn, ref_from_arn, ref_from_url
from fogbank.state import Transaction
from fogbank.state.kept import VersionedCache, WriteVersion

__all__ = [
    "SERVICE",
    "QUEUE",
    "DELETED",
    "Queue",
    "load",
    "load_ref",
    "load_arn",
    "shared",
    "shared_arn",
    "message_queue_of",
    "save",
    "written",
    "WRITES",
    "known_wait",
    "note_wait",
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
    written(tx, queue.arn)


# What is kept in memory about queue documents, for the hot paths (see `known_wait`, `shared`,
# permissions.py): every write of a queue document goes through `save` or DeleteQueue, and both call
# `written`, which once the write has committed drops the queue's wait and moves `WRITES`.
_waits: dict[str, int] = {}
WRITES = WriteVersion()


def written(tx: Transaction, arn: str) -> None:
    """A queue document was written or deleted in `tx`: what is kept of it is stale once `tx` commits."""
    WRITES.written(tx, lambda: _waits.pop(arn, None))


# ReceiveMessageWaitTimeSeconds by queue ARN, as a receive last read it from the queue's document: a
# ReceiveMessage without WaitTimeSeconds on a queue whose wait is 0 is then a short poll, made in the
# request's own transaction instead of through the long-poll machinery. A receive that races a write of
# the attribute polls once by the value it had, as AWS's attribute changes take a while to reach every
# receive; the next one reads the queue again. Lost on restart, when the first receive of a queue reads it.
def known_wait(arn: str) -> int | None:
    return _waits.get(arn)


def note_wait(queue: Queue) -> None:
    _waits[queue.arn] = queue.int_attribute("ReceiveMessageWaitTimeSeconds")


# Queues by reference (None: no such queue), for the operations on messages, which read a queue without
# changing it: sending, receiving, deleting, SNS's deliveries.
_shared: VersionedCache[QueueRef, Queue | None] = VersionedCache(WRITES, 4096)


def shared(tx: Transaction, ref: QueueRef) -> Queue | None:
    """The queue `ref` names, as load_ref finds it; shared between requests, so the caller must not
    change it (an operation that changes a queue loads its own with load_ref)."""
    return _shared.get(tx, ref, load_ref, tx, ref)


def shared_arn(tx: Transaction, arn: str) -> Queue | None:
    ref = ref_from_arn(arn)
    return shared(tx, ref) if ref is not None else None


def queue_of(ctx: Context, url: str) -> Queue:
    """The queue a request's QueueUrl names, or AWS's QueueDoesNotExist."""
    return _named(ctx, url, load_ref)


def message_queue_of(ctx: Context, url: str) -> Queue:
    """queue_of for an operation on messages, which must not change the queue it gets (see `shared`)."""
    return _named(ctx, url, shared)


def _named(ctx: Context, url: str, load: Callable[[Transaction, QueueRef], Queue | None]) -> Queue:
    if not url:
        raise ServiceError("MissingParameter", "The request must contain the parameter QueueUrl.", 400)
    queue = load(tx_of(ctx), ref_from_url(ctx, url))
    if queue is None:
        raise does_not_exist()
    return queue
