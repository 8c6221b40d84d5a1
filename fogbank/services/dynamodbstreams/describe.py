"""ListStreams and DescribeStream."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb.streams import SEQUENCE_BASE
from fogbank.services.dynamodbstreams import service
from fogbank.services.dynamodbstreams.shards import list_streams, load_stream, not_found

DEFAULT_LIMIT = 100


@service.handler("ListStreams")
def list_streams_handler(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    streams = list_streams(ctx.tx, ctx.account, ctx.region, ctx.clock.now().timestamp())
    if "TableName" in request:
        streams = [s for s in streams if s.doc["TableName"] == request["TableName"]]
    if "ExclusiveStartStreamArn" in request:
        arns = [s.arn for s in streams]
        start = request["ExclusiveStartStreamArn"]
        if start not in arns:
            raise not_found(f"Stream: {start} not found")
        streams = streams[arns.index(start) + 1 :]
    limit = request.get("Limit", DEFAULT_LIMIT)
    out: dict[str, Any] = {
        "Streams": [
            {"StreamArn": s.arn, "TableName": s.doc["TableName"], "StreamLabel": s.doc["StreamLabel"]}
            for s in streams[:limit]
        ]
    }
    if len(streams) > limit:
        out["LastEvaluatedStreamArn"] = streams[limit - 1].arn
    return out


@service.handler("DescribeStream")
def describe_stream(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    stream = load_stream(ctx.tx, request["StreamArn"])
    first, following = stream.bounds(ctx.tx, ctx.clock.now().timestamp())
    sequence_range = {"StartingSequenceNumber": str(SEQUENCE_BASE + first)}
    if not stream.enabled:
        sequence_range["EndingSequenceNumber"] = str(SEQUENCE_BASE + max(first, following - 1))
    shards = [{"ShardId": stream.shard_id, "SequenceNumberRange": sequence_range}]
    if "ExclusiveStartShardId" in request:
        shards = [s for s in shards if s["ShardId"] > request["ExclusiveStartShardId"]]
    return {
        "StreamDescription": {
            "StreamArn": stream.arn,
            "StreamLabel": stream.doc["StreamLabel"],
            "StreamStatus": "ENABLED" if stream.enabled else "DISABLED",
            "StreamViewType": stream.doc["StreamViewType"],
            "CreationRequestDateTime": stream.created,
            "TableName": stream.doc["TableName"],
            "KeySchema": stream.doc["KeySchema"],
            "Shards": shards,
        }
    }
