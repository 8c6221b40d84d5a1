"""fogbank's mailbox: every message SES (and SNS's email subscriptions) sent, kept as the raw bytes sent.

Nothing leaves the machine: a message "sent" is a row here, read back through GET /_fogbank/ses and
`fogbank mail`. Rows keep the RFC 5322 bytes exactly as built: up to INLINE_MAX as base64 in a TEXT
column (which both database backends store alike), larger ones in the blob store, the row naming the
blob; the subject and addresses are kept beside them for listing. `origin` tells SES's own sends (which
count against the sending quota and statistics) from other services'.

A blob is written before the row that names it, so a committed row never points at a missing blob; a
transaction that rolls back after that leaves an unreferenced blob behind (the transaction offers no
rollback hook to remove it).
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from fogbank.state import new_id

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.state import BlobStore, Transaction

__all__ = [
    "INLINE_MAX",
    "Sent",
    "Stored",
    "clear",
    "count_recipients_since",
    "get",
    "keep",
    "list_messages",
    "message_id",
    "new_message",
    "parse",
    "statistics",
    "store",
]

# Larger messages (v2 takes up to 40 MB) go to the blob store rather than into their row.
INLINE_MAX = 64 * 1024

_COLUMNS = (
    "id, account, region, origin, sent_at, source, destinations, subject, size, raw, blob, "
    "bounces, complaints"
)
_INSERT = f"INSERT INTO ses_messages (seq, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SELECT = f"SELECT {_COLUMNS} FROM ses_messages"
_RECIPIENTS_SINCE = (
    "SELECT destinations FROM ses_messages "
    "WHERE account = ? AND region = ? AND origin = 'ses' AND sent_at > ?"
)
_STATS_SINCE = (
    "SELECT sent_at, destinations, bounces, complaints FROM ses_messages "
    "WHERE account = ? AND region = ? AND origin = 'ses' AND sent_at > ? ORDER BY seq"
)


@dataclass(frozen=True, slots=True)
class Stored:
    """One message of the mailbox."""

    id: str
    account: str
    region: str
    origin: str
    sent_at: datetime
    source: str
    destinations: list[str]
    subject: str
    size: int
    raw: bytes
    bounces: int
    complaints: int


def message_id(now: datetime) -> str:
    """An id in SES's shape: "01", the send time in hex milliseconds, a UUID, and a sequence suffix."""
    return f"01{int(now.timestamp() * 1000):014x}-{uuid.uuid4()}-000000"


def store(
    tx: Transaction,
    now: datetime,
    account: str,
    region: str,
    *,
    source: str,
    destinations: list[str],
    raw: bytes,
    origin: str = "sns",
) -> str:
    """Keep one message sent by another service (SNS email subscriptions) or by SES's receiving (origin
    "inbound": a rule's bounce); returns its MessageId.

    `raw` is the RFC 5322 message exactly as sent. It does not count against SES's sending quota. The
    transaction does not reach the blob store, so the bytes stay in the row (such messages are small).
    """
    mid = message_id(now)
    _insert(tx, now, (account, region), Sent(mid, origin, source, destinations), raw, None)
    return mid


@dataclass(frozen=True, slots=True)
class Sent:
    """Who sent one message to whom, and why: SES's own sends (`origin` "ses") count against the quota."""

    id: str
    origin: str
    source: str
    destinations: list[str]
    bounces: int = 0
    complaints: int = 0


def keep(ctx: Context, sent: Sent, raw: bytes) -> None:
    """Keep one message SES sent (a send, a verification mail, a feedback report); large ones in blobs."""
    blob = None
    if len(raw) > INLINE_MAX:
        # Unique bytes (each message has its own Message-ID): stored unhashed, deleted with the message.
        blob = ctx.db.blobs.write_unique(io.BytesIO(raw)).digest
    assert ctx.tx is not None
    _insert(ctx.tx, ctx.clock.now(), (ctx.account, ctx.region), sent, raw, blob)


def new_message(sender: str, to: str, subject: str, now: datetime, id: str) -> EmailMessage:
    """The headers of a message SES itself writes (verification mails, feedback reports)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{id}@email.amazonses.com>"
    return message


def _insert(
    tx: Transaction, now: datetime, where: tuple[str, str], sent: Sent, raw: bytes, blob: str | None
) -> None:
    subject = str(parse(raw).get("Subject", "") or "")
    tx.execute(
        _INSERT,
        (
            new_id(),
            sent.id,
            *where,
            sent.origin,
            now.timestamp(),
            sent.source,
            json.dumps(sent.destinations),
            subject,
            len(raw),
            "" if blob else base64.b64encode(raw).decode("ascii"),
            blob,
            sent.bounces,
            sent.complaints,
        ),
    )


def parse(raw: bytes) -> EmailMessage:
    """The message as the standard library reads it (modern policy: decoded headers, get_body())."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def list_messages(
    tx: Transaction, blobs: BlobStore, *, id: str | None = None, source: str | None = None
) -> list[Stored]:
    """Every message, oldest first; optionally only one id or one sender."""
    sql, params = _SELECT, []
    conditions = []
    if id is not None:
        conditions.append("id = ?")
        params.append(id)
    if source is not None:
        conditions.append("source = ?")
        params.append(source)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return [_stored(row, blobs) for row in tx.execute(sql + " ORDER BY seq", params)]


def get(tx: Transaction, blobs: BlobStore, id: str) -> Stored | None:
    found = list_messages(tx, blobs, id=id)
    return found[0] if found else None


def clear(tx: Transaction, blobs: BlobStore, *, id: str | None = None) -> int:
    """Empty the mailbox (or drop one message); returns how many messages went. Their blobs are removed
    once the rows' deletion has committed (no other row shares a message's unique blob)."""
    where, params = ("", ()) if id is None else (" WHERE id = ?", (id,))
    digests = [row[0] for row in tx.execute("SELECT blob FROM ses_messages" + where, params) if row[0]]
    if digests:

        def remove() -> None:
            for digest in digests:
                blobs.delete(digest)

        tx.after_commit(remove)
    return tx.execute("DELETE FROM ses_messages" + where, params).rowcount


def count_recipients_since(tx: Transaction, account: str, region: str, since: datetime) -> int:
    """Recipients of SES sends after `since`: what the sending quota counts."""
    rows = tx.execute(_RECIPIENTS_SINCE, (account, region, since.timestamp()))
    return sum(len(json.loads(row[0])) for row in rows)


def statistics(tx: Transaction, account: str, region: str, since: datetime) -> list[dict[str, Any]]:
    """SES's send statistics after `since`, in 15-minute data points (GetSendStatistics' shape)."""
    points: dict[int, dict[str, Any]] = {}
    for sent_at, destinations, bounces, complaints in tx.execute(
        _STATS_SINCE, (account, region, since.timestamp())
    ):
        slot = int(sent_at) // 900 * 900
        point = points.setdefault(
            slot,
            {
                "Timestamp": datetime.fromtimestamp(slot, UTC),
                "DeliveryAttempts": 0,
                "Bounces": 0,
                "Complaints": 0,
                "Rejects": 0,
            },
        )
        point["DeliveryAttempts"] += len(json.loads(destinations))
        point["Bounces"] += bounces
        point["Complaints"] += complaints
    return [points[slot] for slot in sorted(points)]


def _stored(row: tuple[Any, ...], blobs: BlobStore) -> Stored:
    (
        mid,
        account,
        region,
        origin,
        sent_at,
        source,
        destinations,
        subject,
        size,
        raw,
        blob,
        bounces,
        complaints,
    ) = row
    if blob:
        with blobs.open(blob) as file:
            data = file.read()
    else:
        data = base64.b64decode(raw)
    return Stored(
        id=mid,
        account=account,
        region=region,
        origin=origin,
        sent_at=datetime.fromtimestamp(sent_at, UTC),
        source=source,
        destinations=json.loads(destinations),
        subject=subject,
        size=int(size),
        raw=data,
        bounces=int(bounces),
        complaints=int(complaints),
    )
