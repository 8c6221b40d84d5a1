"""SQS's message rows (schema.sql): every statement on sqs_messages and sqs_dedup lives here.

One row per message, keyed (queue ARN, seq): seq orders arrival (FIFO order, SequenceNumber). Timers
are timestamps on fogbank's clock, evaluated when read: a message is visible once now >= visible_at,
in flight while receive_count > 0 and visible_at > now, delayed while never received and
visible_at > now, and gone once now >= expires_at (retention). Receives scan the (queue, visible_at)
index from its low end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fogbank.state import Transaction

__all__ = [
    "Row",
    "insert",
    "insert_many",
    "visible",
    "blocked_groups",
    "mark_received",
    "delete",
    "delete_many",
    "change_visibility",
    "row",
    "counts",
    "next_visible",
    "purge",
    "drop_queue",
    "move",
    "available",
    "shift_expiry",
    "find_dedup",
    "forget_dedup",
    "put_dedup",
]

_COLUMNS = (
    "seq, message_id, visible_at, expires_at, sent_at, group_id, receive_count, first_receive, receipt, "
    "body, meta"
)


@dataclass(slots=True)
class Row:
    seq: int
    message_id: str
    visible_at: float
    expires_at: float
    sent_at: float
    group_id: str | None
    receive_count: int
    first_receive: float | None
    receipt: str | None
    body: str
    meta: str


_INSERT = f"INSERT INTO sqs_messages (queue, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _values(queue: str, row: Row) -> tuple[Any, ...]:
    return (
        queue,
        row.seq,
        row.message_id,
        row.visible_at,
        row.expires_at,
        row.sent_at,
        row.group_id,
        row.receive_count,
        row.first_receive,
        row.receipt,
        row.body,
        row.meta,
    )


def insert(tx: Transaction, queue: str, row: Row) -> None:
    tx.execute(_INSERT, _values(queue, row))


def insert_many(tx: Transaction, queue: str, rows: Iterable[Row]) -> None:
    """A batch's rows in one statement."""
    tx.executemany(_INSERT, (_values(queue, row) for row in rows))


def _rows(found: Iterable[Sequence[Any]]) -> list[Row]:
    return [Row(*values) for values in found]


def visible(tx: Transaction, queue: str, now: float, limit: int, *, fifo: bool, after: int = -1) -> list[Row]:
    """Visible messages, oldest first: a FIFO queue's by arrival (after seq `after`), others by when
    they became visible."""
    if fifo:
        sql = (
            f"SELECT {_COLUMNS} FROM sqs_messages WHERE queue = ? AND seq > ? AND visible_at <= ? "
            "ORDER BY seq LIMIT ?"
        )
        return _rows(tx.execute(sql, (queue, after, now, limit)))
    sql = (
        f"SELECT {_COLUMNS} FROM sqs_messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?"
    )
    return _rows(tx.execute(sql, (queue, now, limit)))


def blocked_groups(tx: Transaction, queue: str, now: float) -> set[str]:
    """Message groups with a message in flight: a FIFO queue returns nothing more of them until it ends."""
    rows = tx.execute(
        "SELECT DISTINCT group_id FROM sqs_messages WHERE queue = ? AND visible_at > ? AND receive_count > 0",
        (queue, now),
    )
    return {group for (group,) in rows}


def mark_received(tx: Transaction, queue: str, received: Iterable[tuple[float, float, str, int]]) -> None:
    """(visible_at, now, receipt token, seq) for each message a receive returns."""
    tx.executemany(
        "UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1, "
        "first_receive = COALESCE(first_receive, ?), receipt = ? WHERE queue = ? AND seq = ?",
        ((visible_at, now, token, queue, seq) for visible_at, now, token, seq in received),
    )


def row(tx: Transaction, queue: str, seq: int) -> Row | None:
    found = tx.execute(f"SELECT {_COLUMNS} FROM sqs_messages WHERE queue = ? AND seq = ?", (queue, seq))
    return Row(*found[0]) if found else None


def delete(tx: Transaction, queue: str, seq: int) -> int:
    return tx.execute("DELETE FROM sqs_messages WHERE queue = ? AND seq = ?", (queue, seq)).rowcount


def delete_many(tx: Transaction, queue: str, seqs: Iterable[int]) -> int:
    return tx.executemany("DELETE FROM sqs_messages WHERE queue = ? AND seq = ?", ((queue, s) for s in seqs))


def change_visibility(tx: Transaction, queue: str, seq: int, visible_at: float) -> None:
    tx.execute("UPDATE sqs_messages SET visible_at = ? WHERE queue = ? AND seq = ?", (visible_at, queue, seq))


def counts(tx: Transaction, queue: str, now: float) -> tuple[int, int, int]:
    """(visible, in flight, delayed) messages of the queue, retention-expired ones left out."""
    found = tx.execute(
        "SELECT "
        "SUM(CASE WHEN visible_at <= ? THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN visible_at > ? AND receive_count > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN visible_at > ? AND receive_count = 0 THEN 1 ELSE 0 END) "
        "FROM sqs_messages WHERE queue = ? AND expires_at > ?",
        (now, now, now, queue, now),
    )
    visible_count, inflight, delayed = found[0] if found else (0, 0, 0)
    return visible_count or 0, inflight or 0, delayed or 0


def next_visible(tx: Transaction, queue: str, now: float) -> float | None:
    """When the queue's next invisible message becomes visible (a long poll sleeps until then)."""
    found = tx.fetchone(
        "SELECT MIN(visible_at) FROM sqs_messages WHERE queue = ? AND visible_at > ?", (queue, now)
    )
    return found[0] if found else None


def purge(tx: Transaction, queue: str, before: float) -> None:
    tx.execute("DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?", (queue, before))


def drop_queue(tx: Transaction, queue: str) -> None:
    tx.execute("DELETE FROM sqs_messages WHERE queue = ?", (queue,))
    tx.execute("DELETE FROM sqs_dedup WHERE queue = ?", (queue,))


def move(
    tx: Transaction,
    source: str,
    seq: int,
    target: str,
    new_seq: int,
    expires_at: float,
    meta: str,
    *,
    reset: bool,
) -> None:
    """Move a message to another queue (dead-letter redrive, move tasks) as a new arrival there."""
    reset_sql = ", receive_count = 0, first_receive = NULL" if reset else ""
    tx.execute(
        "UPDATE sqs_messages SET queue = ?, seq = ?, visible_at = 0, expires_at = ?, meta = ?, "
        f"receipt = NULL{reset_sql} WHERE queue = ? AND seq = ?",
        (target, new_seq, expires_at, meta, source, seq),
    )


def available(tx: Transaction, queue: str, now: float, limit: int) -> list[Row]:
    """The messages a receive could return now (neither in flight, delayed nor expired), oldest first."""
    return _rows(
        tx.execute(
            f"SELECT {_COLUMNS} FROM sqs_messages WHERE queue = ? AND visible_at <= ? AND expires_at > ? "
            "ORDER BY seq LIMIT ?",
            (queue, now, now, limit),
        )
    )


def shift_expiry(tx: Transaction, queue: str, seconds: float) -> None:
    """Move every message's retention deadline by `seconds` (the queue's MessageRetentionPeriod changed)."""
    tx.execute("UPDATE sqs_messages SET expires_at = expires_at + ? WHERE queue = ?", (seconds, queue))


def find_dedup(tx: Transaction, queue: str, scope: str, dedup_id: str, now: float) -> tuple[str, int] | None:
    found = tx.fetchone(
        "SELECT message_id, seq FROM sqs_dedup "
        "WHERE queue = ? AND scope = ? AND dedup_id = ? AND expires_at > ?",
        (queue, scope, dedup_id, now),
    )
    return (found[0], found[1]) if found else None


def forget_dedup(tx: Transaction, queue: str, now: float) -> None:
    """Drop the queue's deduplication ids whose window has ended."""
    tx.execute("DELETE FROM sqs_dedup WHERE queue = ? AND expires_at <= ?", (queue, now))


def put_dedup(
    tx: Transaction, queue: str, scope: str, dedup_id: str, expires_at: float, message_id: str, seq: int
) -> None:
    tx.execute(
        "INSERT INTO sqs_dedup (queue, scope, dedup_id, expires_at, message_id, seq) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (queue, scope, dedup_id) DO UPDATE SET expires_at = excluded.expires_at, "
        "message_id = excluded.message_id, seq = excluded.seq",
        (queue, scope, dedup_id, expires_at, message_id, seq),
    )
