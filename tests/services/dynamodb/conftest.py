"""Shared DynamoDB fixtures: a client, and tables made (and deleted) per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def ddb(client: Callable[..., Any]) -> Any:
    return client("dynamodb")


@pytest.fixture
def make_table(ddb: Any) -> Iterator[Callable[..., str]]:
    """make_table(hash=("pk", "S"), range=("sk", "S"), **create_table_kwargs) -> a new table's name."""
    made: list[str] = []

    def make(hash: tuple[str, str] = ("pk", "S"), range: tuple[str, str] | None = None, **kwargs: Any) -> str:
        name = kwargs.pop("TableName", f"t-{uuid.uuid4().hex[:12]}")
        keys = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        definitions = {hash[0]: hash[1]}
        if range:
            keys.append({"AttributeName": range[0], "KeyType": "RANGE"})
            definitions[range[0]] = range[1]
        definitions.update(kwargs.pop("extra_attributes", {}))
        kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(
            TableName=name,
            KeySchema=keys,
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in definitions.items()],
            **kwargs,
        )
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass
