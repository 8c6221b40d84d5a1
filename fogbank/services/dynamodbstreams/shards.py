"""A stream as the Streams API sees it: status, its one shard, the sequence numbers it still holds.

A stream is ENABLED while it is its table's latest stream and the table's stream is on; otherwise it
is DISABLED and its shard is closed at its last record. Records older than 24 hours by fogbank's clock
are trimmed: they are no longer returned and a position before them is TrimmedDataAccessException.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb import tables
from fogbank.services.dynamodb.streams import SERVICE, STREAM, stream_facts
from fogbank.state import Transaction

__all__ = ["RETENTION_SECONDS", "Stream", "list_streams", "load_stream", "not_found"]

RETENTION_SECONDS = 24 * 3600.0


def not_found(what: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Requested resource not found: {what}", 400)


@dataclass(slots=True)
class Stream:
    doc: dict[str, Any]
    enabled: bool
    account: str
    region: str

    @property
    def arn(self) -> str:
        return str(self.doc["StreamArn"])

    @property
    def created(self) -> datetime:
        """When the stream was enabled: its label is that time, as AWS makes it."""
        try:
            return datetime.fromisoformat(self.doc["StreamLabel"]).replace(tzinfo=UTC)
        except ValueError:
            return datetime.fromtimestamp(0, UTC)

    @property
    def shard_id(self) -> str:
        millis = int(self.created.timestamp() * 1000)
        suffix = hashlib.sha256(self.arn.encode()).hexdigest()[:8]
        return f"shardId-{millis:020d}-{suffix}"

    def trim(self, tx: Transaction, now: float) -> None:
        """Drop the records past retention."""
        tx.execute(
            "DELETE FROM ddb_stream_records WHERE stream_arn = ? AND created < ?",
            (self.arn, now - RETENTION_SECONDS),
        )

    def holds_records(self, tx: Transaction, now: float) -> bool:
        first, following = self.bounds(tx, now)
        return first < following

    def bounds(self, tx: Transaction, now: float) -> tuple[int, int]:
        """(first retained record's count, the next record's count): `seq` values, not sequence numbers."""
        row = tx.fetchone(
            "SELECT MIN(seq), MAX(seq) FROM ddb_stream_records WHERE stream_arn = ? AND created >= ?",
            (self.arn, now - RETENTION_SECONDS),
        )
        last = tx.fetchone("SELECT MAX(seq) FROM ddb_stream_records WHERE stream_arn = ?", (self.arn,))
        following = (last[0] if last and last[0] is not None else 0) + 1
        first = row[0] if row and row[0] is not None else following
        return first, following


def _stream(tx: Transaction, doc: dict[str, Any], account: str, region: str) -> Stream:
    table = tables.load_or_none(tx, account, region, doc["TableName"])
    enabled = table is not None and table.stream is not None and table.stream_arn == doc["StreamArn"]
    return Stream(doc, enabled, account, region)


def load_stream(tx: Transaction, arn: str) -> Stream:
    parts = arn.split(":", 5)
    if len(parts) != 6 or "/stream/" not in parts[5]:
        raise not_found(f"Stream: {arn} not found")
    account, region = parts[4], parts[3]
    doc = tx.get_doc(SERVICE, STREAM, account, region, arn)
    if doc is None:
        table = tables.load_or_none(tx, account, region, parts[5].split("/")[1])
        if table is None or table.stream_arn != arn:
            raise not_found(f"Stream: {arn} not found")
        doc = stream_facts(table)
    return _stream(tx, doc, account, region)


def list_streams(tx: Transaction, account: str, region: str, now: float) -> list[Stream]:
    """Every stream of the account and region: those that recorded, and enabled ones yet to record.

    A disabled stream stays listed while it holds records younger than the 24-hour retention.
    """
    docs = {arn: doc for arn, doc in tx.list_docs(SERVICE, STREAM, account, region)}
    for _, table_doc in tx.list_docs(tables.SERVICE, tables.KIND, account, region):
        table = tables.Table(account, region, table_doc)
        if table.stream is not None and table.stream_arn and table.stream_arn not in docs:
            docs[table.stream_arn] = stream_facts(table)
    streams = [_stream(tx, doc, account, region) for doc in docs.values()]
    streams = [s for s in streams if s.enabled or s.holds_records(tx, now)]
    return sorted(streams, key=lambda s: (s.doc["TableName"], s.doc["StreamLabel"]))
