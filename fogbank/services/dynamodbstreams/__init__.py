"""DynamoDB Streams: the records a table's writes leave, read by shard iterator."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("dynamodbstreams")

# Each module registers its handlers on `service` when imported, so they are imported after it exists.
from fogbank.services.dynamodbstreams import describe, records  # noqa: E402,F401
