"""DynamoDB: tables, items, the expression languages, indexes, batches, transactions, TTL and PartiQL."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("dynamodb", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

# Each module registers its handlers on `service` when imported, so they are imported after it exists.
from fogbank.services.dynamodb import (  # noqa: E402,F401
    backups,
    batch,
    exports,
    item_ops,
    limits,
    partiql,
    partitions,
    query,
    scan,
    table_ops,
    tags,
    transactions,
    ttl,
    update_table,
)

# isort: split
from fogbank.services.dynamodb import authz, resource_policy  # noqa: E402,F401

# isort: split
from fogbank.services.dynamodb import contributor_insights, imports  # noqa: E402,F401
