"""Throttle mode (`--dynamodb-throttle`): a provisioned table's rate plus 300 s of burst, by the clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import client_factory
from tests.server import FogbankServer
from tests.services.dynamodb.clock import advance
from tests.services.dynamodb.errors import error_of
from tests.services.dynamodb.shapes import definitions, index, key_schema
from tests.services.dynamodb.test_batch import put


@pytest.fixture(scope="module")
def throttled() -> Iterator[tuple[FogbankServer, Any]]:
    server = FogbankServer("--dynamodb-throttle", tls_port=False).start()
    ddb = client_factory(server)("dynamodb")
    yield server, ddb
    server.stop()


def _create(ddb: Any, name: str, **kwargs: Any) -> None:
    ddb.create_table(
        **{
            "TableName": name,
            "KeySchema": key_schema("pk"),
            "AttributeDefinitions": definitions(pk="S"),
            **kwargs,
        }
    )


def test_burst_then_throttle_then_refill(throttled: tuple[FogbankServer, Any]) -> None:
    server, ddb = throttled
    _create(ddb, "slow", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    big = {"pk": {"S": "big"}, "v": {"S": "x" * 200_000}}  # 196 write units each
    ddb.put_item(TableName="slow", Item=big)  # 300 units of burst, 104 left
    ddb.put_item(TableName="slow", Item=big)  # admitted with units left; overdraws the bucket
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="slow", Item={"pk": {"S": "small"}})
    error = excinfo.value.response["Error"]
    assert error["Code"] == "ProvisionedThroughputExceededException"
    assert error["Message"] == (
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
        "provisioning level with the UpdateTable API."
    )
    # Reads have a bucket of their own.
    ddb.get_item(TableName="slow", Key={"pk": {"S": "big"}})
    advance(server, "2m")  # 120 units back at 1 unit per second: -92 + 120 leaves 28
    ddb.put_item(TableName="slow", Item={"pk": {"S": "small"}})


def test_on_demand_tables_are_not_throttled(throttled: tuple[FogbankServer, Any]) -> None:
    _, ddb = throttled
    _create(ddb, "fast", BillingMode="PAY_PER_REQUEST")
    big = {"pk": {"S": "big"}, "v": {"S": "x" * 200_000}}
    for _ in range(5):
        ddb.put_item(TableName="fast", Item=big)


def test_a_global_index_has_its_own_capacity(throttled: tuple[FogbankServer, Any]) -> None:
    _, ddb = throttled
    _create(
        ddb,
        "indexed",
        AttributeDefinitions=definitions(pk="S", g="S"),
        ProvisionedThroughput={"ReadCapacityUnits": 1000, "WriteCapacityUnits": 1000},
        GlobalSecondaryIndexes=[
            index("by-g", "g", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        ],
    )
    big = {"g": {"S": "x"}, "v": {"S": "x" * 200_000}}  # 196 units on the index too
    ddb.put_item(TableName="indexed", Item={"pk": {"S": "1"}, **big})
    ddb.put_item(TableName="indexed", Item={"pk": {"S": "2"}, **big})
    # Items the index does not hold cost it nothing, but a write the index cannot take is refused.
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="indexed", Item={"pk": {"S": "3"}, "g": {"S": "y"}})
    assert excinfo.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert excinfo.value.response["Error"]["Message"].startswith(
        "Throughput exceeds the current capacity for one or more global secondary indexes."
    )
    # Reads of the index draw on the index's 300 units of burst: two 200 KB items are 49 units each time.
    for _ in range(7):
        ddb.query(
            TableName="indexed",
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
        )
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName="indexed",
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
        )
    assert excinfo.value.response["Error"]["Message"].startswith(
        "The level of configured provisioned throughput for one or more global secondary indexes"
    )
    # The table's own reads are not the index's.
    ddb.get_item(TableName="indexed", Key={"pk": {"S": "1"}})


def test_throttled_tables_come_back_as_unprocessed_items(throttled: tuple[FogbankServer, Any]) -> None:
    """A batch leaves the requests of a table whose write capacity is spent for the caller to retry."""
    _, ddb = throttled
    for name, units in (("batch-slow", 1), ("batch-fast", 1000)):
        _create(ddb, name, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": units})
    big = "x" * 10_000  # 10 write units each: two full batches spend the 300-unit burst
    for start in (0, 25):
        ddb.batch_write_item(
            RequestItems={"batch-slow": [put(f"{i}", v=big) for i in range(start, start + 25)]}
        )
    response = ddb.batch_write_item(RequestItems={"batch-slow": [put("late")], "batch-fast": [put("quick")]})
    assert response["UnprocessedItems"] == {"batch-slow": [put("late")]}
    assert "Item" in ddb.get_item(TableName="batch-fast", Key={"pk": {"S": "quick"}})
    assert error_of(ddb.batch_write_item, RequestItems={"batch-slow": [put("late")]})[0] == (
        "ProvisionedThroughputExceededException"
    )
