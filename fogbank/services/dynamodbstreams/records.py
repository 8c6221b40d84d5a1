"""GetShardIterator and GetRecords: reading a shard from a position, by iterators that expire.

An iterator is "<stream ARN>|1|<token>", the token being the shard, the next sequence number to read and
when the iterator was issued, in base64 JSON. It expires 15 minutes after it was issued by fogbank's
clock (ExpiredIteratorException); each GetRecords hands out a fresh one for where it stopped.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.streams import SEQUENCE_BASE
from fogbank.services.dynamodbstreams import service
from fogbank.services.dynamodbstreams.shards import RETENTION_SECONDS, Stream, load_stream, not_found

ITERATOR_LIFETIME = 15 * 60.0
MAX_LIMIT = 1000
MAX_RESPONSE_BYTES = 1024 * 1024  # GetRecords answers at most 1 MB; the next call continues


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _trimmed() -> ServiceError:
    return ServiceError(
        "TrimmedDataAccessException",
        "The operation attempted to read past the oldest stream record in a shard.",
        400,
    )


def _iterator(stream: Stream, position: int, now: float) -> str:
    token = json.dumps({"s": stream.shard_id, "p": position, "t": now}, separators=(",", ":"))
    return f"{stream.arn}|1|{base64.b64encode(token.encode()).decode()}"


def _sequence_number(request: dict[str, Any]) -> int:
    text = request.get("SequenceNumber")
    if text is None:
        raise _validation(f"SequenceNumber is required for ShardIteratorType {request['ShardIteratorType']}")
    if not text.isdigit() or int(text) <= SEQUENCE_BASE:
        raise _validation(f"Invalid SequenceNumber: {text}")
    return int(text) - SEQUENCE_BASE


@service.handler("GetShardIterator")
def get_shard_iterator(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    stream = load_stream(ctx.tx, request["StreamArn"])
    if request["ShardId"] != stream.shard_id:
        raise not_found(f"Shard: {request['ShardId']} in Stream: {stream.arn} not found")
    now = ctx.clock.now().timestamp()
    stream.trim(ctx.tx, now)
    first, following = stream.bounds(ctx.tx, now)
    kind = request["ShardIteratorType"]
    if kind == "TRIM_HORIZON":
        position = first
    elif kind == "LATEST":
        position = following
    elif kind == "AT_TIMESTAMP":
        when: datetime | None = request.get("Timestamp")
        if when is None:
            raise _validation("Timestamp is required for ShardIteratorType AT_TIMESTAMP")
        row = ctx.tx.fetchone(
            "SELECT MIN(seq) FROM ddb_stream_records WHERE stream_arn = ? AND created >= ?",
            (stream.arn, max(when.timestamp(), now - RETENTION_SECONDS)),
        )
        position = row[0] if row and row[0] is not None else following
    else:
        number = _sequence_number(request)
        if number < first:
            raise _trimmed()
        if number >= following:
            raise _validation(
                f"Invalid SequenceNumber {request['SequenceNumber']} for ShardIteratorType {kind}: "
                "it is beyond the last record of the shard"
            )
        position = number if kind == "AT_SEQUENCE_NUMBER" else number + 1
    return {"ShardIterator": _iterator(stream, position, now)}


def _parse_iterator(text: str) -> tuple[str, str, int, float]:
    arn, _, token = text.rpartition("|1|")
    try:
        fields = json.loads(base64.b64decode(token, validate=True))
        return arn, str(fields["s"]), int(fields["p"]), float(fields["t"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise _validation("Invalid ShardIterator") from exc


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    created, text = row
    entry = store.loads(text)
    body = entry["dynamodb"]
    body["ApproximateCreationDateTime"] = datetime.fromtimestamp(int(created), UTC)
    return entry


@service.handler("GetRecords")
def get_records(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("Limit", MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise _validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            f"Member must have value less than or equal to {MAX_LIMIT}"
        )
    arn, shard_id, position, issued = _parse_iterator(request["ShardIterator"])
    stream = load_stream(ctx.tx, arn)
    if shard_id != stream.shard_id:
        raise _validation("Invalid ShardIterator")
    now = ctx.clock.now().timestamp()
    if now - issued > ITERATOR_LIFETIME:
        raise ServiceError("ExpiredIteratorException", "Iterator expired", 400)
    first, following = stream.bounds(ctx.tx, now)
    if position < first:
        raise _trimmed()
    rows = ctx.tx.execute(
        "SELECT created, record FROM ddb_stream_records WHERE stream_arn = ? AND seq >= ? "
        "ORDER BY seq LIMIT ?",
        (stream.arn, position, limit),
    )
    records: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        if records and size + len(row[1]) > MAX_RESPONSE_BYTES:
            break
        records.append(_record(row))
        size += len(row[1])
    if records:
        position = int(records[-1]["dynamodb"]["SequenceNumber"]) - SEQUENCE_BASE + 1
    out: dict[str, Any] = {"Records": records}
    if stream.enabled or position < following:
        out["NextShardIterator"] = _iterator(stream, position, now)
    return out
