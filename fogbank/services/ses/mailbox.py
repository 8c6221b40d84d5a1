"""fogbank's mailbox: every message SES (and SNS's email subscriptions) sent, kept as the raw bytes sent.

Nothing leaves the machine: a message "sent" is a row here, read back through GET /_fogbank/ses and
`fogbank mail`. Rows keep the RFC 5322 bytes exactly as built (base64 in a TEXT column, which both
database backends store alike); the subject and addresses are kept beside them for listing. `origin`
tells SES's own sends (which count against the sending quota and statistics) from other services'.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from fogbank.state import new_id

if TYPE_CHECKING:
    from fogbank.state import Transaction

__all__ = [
    "Stored",
    "clear",
    "count_recipients_since",
    "get",
    "list_messages",
    "message_id",
    "parse",
    "statistics",
    "store",
    "store_sent",
]

_COLUMNS = (
    "id, account, region, origin, sent_at, source, destinations, subject, size, raw, bounces, complaints"
)
_INSERT = f"INSERT INTO ses_messages (seq, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
) -> str:
    """Keep one message sent by another service (SNS email subscriptions); returns its MessageId.

    `raw` is the RFC 5322 message exactly as sent. It does not count against SES's sending quota.
    """
    return store_sent(
        tx, now, account, region, source=source, destinations=destinations, raw=raw, origin="sns"
    )


def store_sent(
    tx: Transaction,
    now: datetime,
    account: str,
    region: str,
    *,
    source: str,
    destinations: list[str],
    raw: bytes,
    origin: str = "ses",
    bounces: int = 0,
    complaints: int = 0,
    id: str | None = None,
) -> str:
    """Keep one message; SES's own sends (`origin` "ses") count against the quota and statistics."""
    mid = id or message_id(now)
    subject = str(parse(raw).get("Subject", "") or "")
    tx.execute(
        _INSERT,
        (
            new_id(),
            mid,
            account,
            region,
            origin,
            now.timestamp(),
            source,
            json.dumps(destinations),
            subject,
            len(raw),
            base64.b64encode(raw).decode("ascii"),
            bounces,
            complaints,
        ),
    )
    return mid


def parse(raw: bytes) -> EmailMessage:
    """The message as the standard library reads it (modern policy: decoded headers, get_body())."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def list_messages(tx: Transaction, *, id: str | None = None, source: str | None = None) -> list[Stored]:
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
    return [_stored(row) for row in tx.execute(sql + " ORDER BY seq", params)]


def get(tx: Transaction, id: str) -> Stored | None:
    found = list_messages(tx, id=id)
    return found[0] if found else None


def clear(tx: Transaction, *, id: str | None = None) -> int:
    """Empty the mailbox (or drop one message); returns how many messages went."""
    if id is None:
        return tx.execute("DELETE FROM ses_messages").rowcount
    return tx.execute("DELETE FROM ses_messages WHERE id = ?", (id,)).rowcount


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


def _stored(row: tuple[Any, ...]) -> Stored:
    mid, account, region, origin, sent_at, source, destinations, subject, size, raw, bounces, complaints = row
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
        raw=base64.b64decode(raw),
        bounces=int(bounces),
        complaints=int(complaints),
    )
