"""FIFO topics' deduplication: a message whose deduplication id was seen in the last 5 minutes is accepted
and not delivered, and answers the first message's MessageId.

The scope is the topic, or the message group when FifoThroughputScope is MessageGroup. Rows live in
sns_dedup (schema.sql) keyed by topic ARN; each publish to a topic drops that topic's expired rows first,
so the table holds at most five minutes of ids per topic. Time is fogbank's clock.
"""

from __future__ import annotations

from datetime import datetime

from fogbank.state import Transaction

__all__ = ["WINDOW_SECONDS", "seen", "forget_topic"]

WINDOW_SECONDS = 300

_EXPIRE = "DELETE FROM sns_dedup WHERE topic = ? AND expires <= ?"
_FIND = "SELECT message_id FROM sns_dedup WHERE topic = ? AND dedup_key = ?"
_KEEP = "INSERT INTO sns_dedup (topic, dedup_key, message_id, expires) VALUES (?, ?, ?, ?)"
_FORGET = "DELETE FROM sns_dedup WHERE topic = ?"


def seen(tx: Transaction, now: datetime, topic_arn: str, key: str, message_id: str) -> str | None:
    """The MessageId of the message `key` was first seen with inside the window; None (and remembered
    as `message_id`) when it is new."""
    moment = now.timestamp()
    tx.execute(_EXPIRE, (topic_arn, moment))
    found = tx.fetchone(_FIND, (topic_arn, key))
    if found is not None:
        return str(found[0])
    tx.execute(_KEEP, (topic_arn, key, message_id, moment + WINDOW_SECONDS))
    return None


def forget_topic(tx: Transaction, topic_arn: str) -> None:
    tx.execute(_FORGET, (topic_arn,))
