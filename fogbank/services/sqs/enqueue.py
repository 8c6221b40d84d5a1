"""Putting one message into a queue: validation, FIFO deduplication, the row, and waking receivers.

The one path for SendMessage, SendMessageBatch entries and `deliver` (SNS and other services). A
message's delay and retention are timestamps on fogbank's clock. A FIFO queue drops a message whose
deduplication id (explicit, or the SHA-256 of the body when ContentBasedDeduplication is on) it saw
within the last 5 minutes, per queue or per message group as DeduplicationScope says, and answers
with the first message's id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fogbank.services.sqs import store, wake
from fogbank.services.sqs.digests import md5_of_attributes
from fogbank.services.sqs.queues import Queue
from fogbank.services.sqs.sse import check_key
from fogbank.services.sqs.validation import check_message
from fogbank.state import Transaction, new_id

__all__ = ["DEDUP_WINDOW", "Sent", "enqueue", "new_message_id", "sequence_number"]

DEDUP_WINDOW = 300.0
_SWEEP_MASK = 63


@dataclass(frozen=True, slots=True)
class Sent:
    """What enqueue did. The body's digest is not here: SendMessage answers with it (send.py), and the
    deliveries of other services, which need none, do not pay for it."""

    message_id: str
    md5_of_attributes: str | None
    md5_of_system_attributes: str | None
    sequence_number: str | None
    duplicate: bool


# The variant digit of a version 4 UUID (binary 10xx) for each random hex digit.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_message_id() -> str:
    """A random (version 4) UUID, formatted directly: cheaper than a uuid.UUID, and made for every message."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def sequence_number(seq: int) -> str:
    return f"{seq:020d}"


def _stored(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Attributes as JSON can hold them: a binary value base64-encoded."""
    out: dict[str, dict[str, str]] = {}
    for name, value in attributes.items():
        kept = {"DataType": value["DataType"]}
        if value.get("BinaryValue") is not None:
            kept["BinaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        else:
            kept["StringValue"] = value["StringValue"]
        out[name] = kept
    return out


def _meta(
    sender_id: str,
    attributes: Mapping[str, Mapping[str, Any]] | None,
    md5_attributes: str | None,
    system_attributes: Mapping[str, Mapping[str, Any]] | None,
    dedup_id: str | None,
) -> str:
    """The row's meta column: what a receive reports besides the body and the row's own columns."""
    if not attributes and not system_attributes and dedup_id is None:
        return _sender_only(sender_id)
    meta: dict[str, Any] = {"sender": sender_id}
    if attributes:
        meta["attrs"] = _stored(attributes)
        meta["md5a"] = md5_attributes
    if system_attributes:
        meta["trace"] = system_attributes["AWSTraceHeader"]["StringValue"]
    if dedup_id is not None:
        meta["dedup"] = dedup_id
    return json.dumps(meta, separators=(",", ":"))


@lru_cache(maxsize=256)
def _sender_only(sender_id: str) -> str:
    """The meta of a message that has nothing but its sender, as most have: made once per sender."""
    return json.dumps({"sender": sender_id}, separators=(",", ":"))


def enqueue(
    tx: Transaction,
    now: float,
    queue: Queue,
    body: str,
    *,
    attributes: Mapping[str, Mapping[str, Any]] | None = None,
    system_attributes: Mapping[str, Mapping[str, Any]] | None = None,
    delay: int | None = None,
    group_id: str | None = None,
    dedup_id: str | None = None,
    sender_id: str,
    rows: list[store.Row] | None = None,
) -> Sent:
    """Validate and enqueue one message. With `rows`, the message's row is appended there instead of
    written: a batch writes its rows in one statement (store.insert_many) and wakes receivers once."""
    check_message(queue, body, attributes, system_attributes, delay, group_id, dedup_id)
    check_key(tx, queue, now)
    md5_attributes = md5_of_attributes(attributes) if attributes else None
    md5_system = md5_of_attributes(system_attributes) if system_attributes else None
    arn = queue.arn
    scope = ""
    if queue.fifo:
        if dedup_id is None:
            dedup_id = hashlib.sha256(body.encode()).hexdigest()
        if queue.attributes.get("DeduplicationScope") == "messageGroup":
            scope = group_id or ""
        seen = store.find_dedup(tx, arn, scope, dedup_id, now)
        if seen is not None:
            return Sent(seen[0], md5_attributes, md5_system, sequence_number(seen[1]), True)
    seq = new_id()
    message_id = new_message_id()
    wait = queue.int_attribute("DelaySeconds") if delay is None else delay
    row = store.Row(
        seq=seq,
        message_id=message_id,
        visible_at=now + wait,
        expires_at=now + queue.int_attribute("MessageRetentionPeriod"),
        sent_at=now,
        group_id=group_id,
        receive_count=0,
        first_receive=None,
        receipt=None,
        body=body,
        meta=_meta(sender_id, attributes, md5_attributes, system_attributes, dedup_id),
    )
    if rows is None:
        store.insert(tx, arn, row)
        tx.after_commit(lambda: wake.signal(arn))
    else:
        rows.append(row)
    if queue.fifo:
        assert dedup_id is not None
        store.put_dedup(tx, arn, scope, dedup_id, now + DEDUP_WINDOW, message_id, seq)
        if seq & _SWEEP_MASK == 0:  # now and then (seq's low bits are random): the table stays small
            store.forget_dedup(tx, arn, now)
    return Sent(message_id, md5_attributes, md5_system, sequence_number(seq) if queue.fifo else None, False)
