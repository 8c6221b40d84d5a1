"""SQS: standard and FIFO queues over the JSON and the query protocol."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("sqs")
