"""DynamoDB Streams: the records a table's writes leave, read by shard iterator."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("dynamodbstreams")
