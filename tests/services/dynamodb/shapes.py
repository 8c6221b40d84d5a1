"""Short-hands for the shapes DynamoDB tests build again and again: key schemas and index specifications."""

from __future__ import annotations

from typing import Any

__all__ = ["definitions", "index", "key_schema"]


def key_schema(hash: str, range: str | None = None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash, "KeyType": "HASH"}]
    if range is not None:
        schema.append({"AttributeName": range, "KeyType": "RANGE"})
    return schema


def definitions(**types: str) -> list[dict[str, str]]:
    """AttributeDefinitions: definitions(pk="S", n="N")."""
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def index(
    name: str,
    hash: str,
    range: str | None = None,
    projection: str = "ALL",
    non_key: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A LocalSecondaryIndexes/GlobalSecondaryIndexes entry (`extra`: e.g. ProvisionedThroughput)."""
    spec: dict[str, Any] = {"ProjectionType": projection}
    if non_key is not None:
        spec["NonKeyAttributes"] = non_key
    return {"IndexName": name, "KeySchema": key_schema(hash, range), "Projection": spec, **extra}
