"""Throttle mode (`--dynamodb-throttle`): a provisioned table's rate plus 300 s of burst, by the clock."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import FogbankServer


@pytest.fixture(scope="module")
def throttled() -> Iterator[tuple[FogbankServer, Any]]:
    server = FogbankServer("--dynamodb-throttle", tls_port=False).start()
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=server.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )
    yield server, ddb
    server.stop()


def _advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": duration}).encode(), method="POST"
    )
    urllib.request.urlopen(request).close()


def _create(ddb: Any, name: str, **kwargs: Any) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        **kwargs,
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
    _advance(server, "2m")  # 120 units back at 1 unit per second: -92 + 120 leaves 28
    ddb.put_item(TableName="slow", Item={"pk": {"S": "small"}})


def test_on_demand_tables_are_not_throttled(throttled: tuple[FogbankServer, Any]) -> None:
    _, ddb = throttled
    _create(ddb, "fast", BillingMode="PAY_PER_REQUEST")
    big = {"pk": {"S": "big"}, "v": {"S": "x" * 200_000}}
    for _ in range(5):
        ddb.put_item(TableName="fast", Item=big)


def test_a_global_index_has_its_own_capacity(throttled: tuple[FogbankServer, Any]) -> None:
    _, ddb = throttled
    ddb.create_table(
        TableName="indexed",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 1000, "WriteCapacityUnits": 1000},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
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
