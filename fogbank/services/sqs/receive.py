"""One receive attempt on a queue: which messages it returns, and what it does to them.

An attempt runs in one short transaction and never waits (long polling, in polling.py, repeats
attempts). It picks visible messages — by arrival in a FIFO queue, skipping message groups with a
message in flight, so each group is received in order and one batch at a time — makes each invisible
for the visibility timeout under a new receipt handle, and counts the receive. A message whose receive
would exceed the RedrivePolicy's maxReceiveCount moves to the dead-letter queue instead, as AWS does.
Messages past their retention are deleted when met. A FIFO receive retried with the same
ReceiveRequestAttemptId within 5 minutes returns the same messages under the same receipt handles;
a scheduler job forgets the attempt id when its 5 minutes end.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.scheduler import schedule
from fogbank.services.sqs import receipts, service, store, wake
from fogbank.services.sqs.digests import md5_of_attributes, md5_of_body
from fogbank.services.sqs.enqueue import DEDUP_WINDOW, sequence_number
from fogbank.services.sqs.queues import SERVICE, Queue, shared_arn
from fogbank.services.sqs.sse import check_key
from fogbank.state import Transaction, new_id

__all__ = ["Want", "attempt"]

_SCAN = 100
ATTEMPT = "receive-attempt"
FORGET_JOB = "sqs.forget-attempt"
_SYSTEM = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


@dataclass(frozen=True, slots=True)
class Want:
    """What a ReceiveMessage asks for."""

    max_messages: int
    visibility: int
    system_attributes: frozenset[str]
    message_attributes: tuple[str, ...]
    attempt_id: str | None = None


def attempt(
    tx: Transaction, now: float, queue: Queue, want: Want
) -> tuple[list[dict[str, Any]], float | None]:
    """The messages received now, and (when there are none) when the next one becomes visible."""
    check_key(tx, queue, now)
    arn = queue.arn
    retried = want.attempt_id is not None and queue.fifo
    if retried:
        again = _retry(tx, now, queue, want)
        if again:
            return again, None
    chosen = _choose(tx, now, queue, want.max_messages)
    if not chosen:
        return [], store.next_visible(tx, arn, now)
    visible_at = now + want.visibility
    received = []
    messages = []
    for row in chosen:
        token = receipts.new_token()
        received.append((visible_at, now, token, row.seq))
        row.receive_count += 1
        if row.first_receive is None:
            row.first_receive = now
        messages.append(_message(queue, row, receipts.encode(arn, row.seq, token), want))
    store.mark_received(tx, arn, received)
    if retried:
        handles = [[seq, token] for _, _, token, seq in received]
        key = _attempt_key(queue, want)
        tx.put_doc(SERVICE, ATTEMPT, queue.account, queue.region, key, {"At": now, "Handles": handles})
        # The attempt id means nothing after its window: a job forgets it then.
        schedule(
            tx,
            FORGET_JOB,
            f"{queue.arn}|{key}",
            datetime.fromtimestamp(now + DEDUP_WINDOW, UTC),
            {"account": queue.account, "region": queue.region, "key": key, "at": now},
        )
    if want.visibility == 0:
        tx.after_commit(lambda: wake.signal(arn))
    return messages, None


def _attempt_key(queue: Queue, want: Want) -> str:
    return f"{queue.name}/{want.attempt_id}"


@service.job("forget-attempt")
def forget_attempt(tx: Transaction, payload: dict[str, Any]) -> None:
    """Drop a ReceiveRequestAttemptId whose 5 minutes have passed, unless a later attempt renewed it."""
    doc = tx.get_doc(SERVICE, ATTEMPT, payload["account"], payload["region"], payload["key"])
    if doc is not None and doc["At"] <= payload["at"]:
        tx.delete_doc(SERVICE, ATTEMPT, payload["account"], payload["region"], payload["key"])


def _retry(tx: Transaction, now: float, queue: Queue, want: Want) -> list[dict[str, Any]]:
    """A FIFO receive retried with its ReceiveRequestAttemptId within 5 minutes gets the same messages and
    receipt handles back, while they are still in flight under them."""
    doc = tx.get_doc(SERVICE, ATTEMPT, queue.account, queue.region, _attempt_key(queue, want))
    if doc is None or now - doc["At"] >= DEDUP_WINDOW:
        return []
    messages = []
    for seq, token in doc["Handles"]:
        row = store.row(tx, queue.arn, seq)
        if row is not None and row.receipt == token and row.visible_at > now:
            messages.append(_message(queue, row, receipts.encode(queue.arn, seq, token), want))
    return messages


def _choose(tx: Transaction, now: float, queue: Queue, limit: int) -> list[store.Row]:
    arn = queue.arn
    redrive = queue.redrive
    dead = shared_arn(tx, redrive["deadLetterTargetArn"]) if redrive else None
    blocked = store.blocked_groups(tx, arn, now) if queue.fifo else set()
    chosen: list[store.Row] = []
    after = -1
    # A FIFO scan pages on past blocked groups; a standard queue takes one page (some to spare for
    # expired or redriven messages: the next receive finds any it left).
    scan = _SCAN if queue.fifo else limit * 2
    while len(chosen) < limit:
        rows = store.visible(tx, arn, now, scan, fifo=queue.fifo, after=after)
        for row in rows:
            after = row.seq
            if row.expires_at <= now:
                store.delete(tx, arn, row.seq)
                continue
            if queue.fifo and row.group_id in blocked:
                continue
            if dead is not None and redrive is not None and row.receive_count >= redrive["maxReceiveCount"]:
                _dead_letter(tx, queue, dead, row)
                continue
            chosen.append(row)
            if len(chosen) == limit:
                break
        if not queue.fifo or len(rows) < scan:
            break
    return chosen


def _dead_letter(tx: Transaction, queue: Queue, dead: Queue, row: store.Row) -> None:
    meta = json.loads(row.meta)
    meta["src"] = queue.arn
    expires_at = row.sent_at + dead.int_attribute("MessageRetentionPeriod")
    store.move(tx, queue.arn, row.seq, dead.arn, new_id(), expires_at, json.dumps(meta), reset=False)
    dead_arn = dead.arn
    tx.after_commit(lambda: wake.signal(dead_arn))


def _wanted(names: Iterable[str], attributes: dict[str, Any]) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for pattern in names:
        if pattern in ("All", ".*"):
            return dict(attributes)
        if pattern.endswith(".*"):
            prefix = pattern[:-1]
            picked.update({k: v for k, v in attributes.items() if k.startswith(prefix)})
        elif pattern in attributes:
            picked[pattern] = attributes[pattern]
    return picked


def _message(queue: Queue, row: store.Row, handle: str, want: Want) -> dict[str, Any]:
    meta = json.loads(row.meta)
    message: dict[str, Any] = {
        "MessageId": row.message_id,
        "ReceiptHandle": handle,
        "MD5OfBody": md5_of_body(row.body),
        "Body": row.body,
    }
    if want.system_attributes:
        system = _system_attributes(queue, row, meta)
        wanted = (
            system
            if "All" in want.system_attributes
            else {k: v for k, v in system.items() if k in want.system_attributes}
        )
        if wanted:
            message["Attributes"] = wanted
    stored = meta.get("attrs")
    if stored:
        returned = _wanted(want.message_attributes, stored)
        if returned:
            values = {name: _attribute(value) for name, value in returned.items()}
            message["MessageAttributes"] = values
            message["MD5OfMessageAttributes"] = md5_of_attributes(values)
        else:
            message["MD5OfMessageAttributes"] = meta["md5a"]
    return message


def _attribute(value: dict[str, str]) -> dict[str, Any]:
    if "BinaryValue" in value:
        return {"DataType": value["DataType"], "BinaryValue": base64.b64decode(value["BinaryValue"])}
    return dict(value)


def _millis(seconds: float) -> str:
    return str(int(seconds * 1000))


def _system_attributes(queue: Queue, row: store.Row, meta: dict[str, Any]) -> dict[str, str]:
    values = {
        "SenderId": meta.get("sender", queue.account),
        "SentTimestamp": _millis(row.sent_at),
        "ApproximateReceiveCount": str(row.receive_count),
        "ApproximateFirstReceiveTimestamp": _millis(row.first_receive or row.sent_at),
    }
    if queue.fifo:
        values["SequenceNumber"] = sequence_number(row.seq)
        values["MessageDeduplicationId"] = meta.get("dedup", "")
    if row.group_id is not None:
        values["MessageGroupId"] = row.group_id
    if meta.get("trace"):
        values["AWSTraceHeader"] = meta["trace"]
    if meta.get("src"):
        values["DeadLetterQueueSourceArn"] = meta["src"]
    return {name: values[name] for name in _SYSTEM if name in values}
