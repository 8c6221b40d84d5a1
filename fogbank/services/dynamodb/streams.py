"""DynamoDB Streams records: what a table's item changes leave behind, written in the change's transaction.

A stream is named by its ARN (the table's ARN, "/stream/" and a label: the time it was enabled). Each
stream has one shard; its records are rows (stream ARN, sequence number) whose sequence numbers grow by
one per record and print as 21 digits, as AWS's do. A change that leaves an item as it was leaves no
record, as on AWS. The stream's own facts (table, key schema, view type, when it was enabled) are kept
in a document the first time it records, so that a disabled stream can still be described.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.tables import Table
from fogbank.services.dynamodb.values import item_size
from fogbank.state import Transaction

__all__ = ["SEQUENCE_BASE", "SERVICE", "STREAM", "ensure_stream", "record", "stream_facts"]

SERVICE = "dynamodbstreams"
STREAM = "stream"
# A sequence number is this plus the record's per-stream count (the row's `seq`): 21 digits, increasing.
SEQUENCE_BASE = 10**20
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def _arn_parts(arn: str) -> tuple[str, str]:
    """(account, region) of a table or stream ARN."""
    parts = arn.split(":", 5)
    return parts[4], parts[3]


def stream_facts(table: Table) -> dict[str, Any]:
    """The stream document for `table`'s current stream."""
    key_schema = [{"AttributeName": table.hash_key, "KeyType": "HASH"}]
    if table.range_key:
        key_schema.append({"AttributeName": table.range_key, "KeyType": "RANGE"})
    assert table.stream_arn is not None
    label = table.stream_arn.rsplit("/", 1)[-1]
    return {
        "StreamArn": table.stream_arn,
        "StreamLabel": label,
        "TableName": table.name,
        "TableArn": table.arn,
        "KeySchema": key_schema,
        "StreamViewType": table.stream,
    }


def ensure_stream(tx: Transaction, table: Table) -> dict[str, Any]:
    """The stream document of `table`'s current stream, written if this is its first sight."""
    assert table.stream_arn is not None
    account, region = _arn_parts(table.arn)
    doc = tx.get_doc(SERVICE, STREAM, account, region, table.stream_arn)
    if doc is None:
        doc = stream_facts(table)
        tx.put_doc(SERVICE, STREAM, account, region, table.stream_arn, doc)
    return doc


def record(
    tx: Transaction,
    table: Table,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    now: datetime,
    service_deletion: bool = False,
) -> None:
    """Append the stream record for one item change of a table whose stream is enabled."""
    view = table.stream
    if view is None or old == new:
        return
    ensure_stream(tx, table)
    keys = table.key_of(new if new is not None else old)
    event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    body: dict[str, Any] = {"Keys": keys}
    size = item_size(keys)
    if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and new is not None:
        body["NewImage"] = new
        size += item_size(new)
    if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and old is not None:
        body["OldImage"] = old
        size += item_size(old)
    row = tx.fetchone("SELECT MAX(seq) FROM ddb_stream_records WHERE stream_arn = ?", (table.stream_arn,))
    seq = (row[0] if row and row[0] is not None else 0) + 1
    body.update({"SequenceNumber": str(SEQUENCE_BASE + seq), "SizeBytes": size, "StreamViewType": view})
    entry: dict[str, Any] = {
        "eventID": uuid.uuid4().hex,
        "eventName": event,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": _arn_parts(table.arn)[1],
        "dynamodb": body,
    }
    if service_deletion:
        entry["userIdentity"] = SERVICE_IDENTITY
    tx.execute(
        "INSERT INTO ddb_stream_records (stream_arn, seq, created, record) VALUES (?, ?, ?, ?)",
        (table.stream_arn, seq, now.timestamp(), store.dumps(entry)),
    )
