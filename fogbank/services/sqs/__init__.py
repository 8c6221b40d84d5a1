"""SQS: standard and FIFO queues over the JSON and the query protocol."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("sqs", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

from fogbank.services.sqs import (  # noqa: E402,F401
    dead_letters,
    message_ops,
    permissions,
    polling,
    queue_ops,
    send,
    tags,
)
