"""DynamoDB: tables, items, the expression languages, indexes, batches, transactions, TTL and PartiQL."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("dynamodb")
