"""ConsumedCapacity figures as AWS documents them, and the partition view that shows where traffic went."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.server import FogbankServer
from tests.services.dynamodb.shapes import index


def _item(key: str, size: int) -> dict[str, Any]:
    """An item of exactly `size` bytes: pk (2 + len(key)) and v (1 + the rest)."""
    return {"pk": {"S": key}, "v": {"S": "x" * (size - 3 - len(key))}}


def test_write_and_read_units(ddb: Any, make_table: Any) -> None:
    name = make_table()
    put = ddb.put_item(TableName=name, Item=_item("a", 1024), ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
    put = ddb.put_item(TableName=name, Item=_item("a", 1025), ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"]["CapacityUnits"] == 2.0
    # Overwriting a 1,025-byte item with a small one costs the larger of the two.
    put = ddb.put_item(TableName=name, Item=_item("a", 100), ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"]["CapacityUnits"] == 2.0
    ddb.put_item(TableName=name, Item=_item("b", 8500))
    eventual = ddb.get_item(TableName=name, Key={"pk": {"S": "b"}}, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 1.5, "ReadCapacityUnits": 1.5}
    strong = ddb.get_item(
        TableName=name, Key={"pk": {"S": "b"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 3.0
    missing = ddb.get_item(TableName=name, Key={"pk": {"S": "zz"}}, ReturnConsumedCapacity="TOTAL")
    assert missing["ConsumedCapacity"]["CapacityUnits"] == 0.5
    deleted = ddb.delete_item(TableName=name, Key={"pk": {"S": "zz"}}, ReturnConsumedCapacity="TOTAL")
    assert deleted["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert "ConsumedCapacity" not in ddb.get_item(TableName=name, Key={"pk": {"S": "b"}})
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    by_arn = ddb.get_item(TableName=arn, Key={"pk": {"S": "b"}}, ReturnConsumedCapacity="TOTAL")
    assert by_arn["ConsumedCapacity"]["TableName"] == arn


def test_query_and_scan_round_once(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "S"))
    for i in range(10):
        ddb.put_item(
            TableName=name, Item={"pk": {"S": "q"}, "sk": {"S": f"{i}"}, "v": {"S": "x" * (1000 - 6)}}
        )
    # 10 items of 1,000 bytes: 10,000 bytes is 3 units of 4 KB, halved for an eventually consistent read.
    query = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        FilterExpression="v = :none",
        ExpressionAttributeValues={":p": {"S": "q"}, ":none": {"S": "none"}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert query["Count"] == 0 and query["ConsumedCapacity"]["CapacityUnits"] == 1.5
    scan = ddb.scan(TableName=name, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert scan["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_index_writes_with_indexes_mode(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes={"g": "S"},
        GlobalSecondaryIndexes=[index("by-g", "g", None, "KEYS_ONLY")],
    )
    key = {"pk": {"S": "a"}}
    put = ddb.put_item(TableName=name, Item={**key, "g": {"S": "1"}}, ReturnConsumedCapacity="INDEXES")
    assert put["ConsumedCapacity"] == {
        "TableName": name,
        "CapacityUnits": 2.0,
        "WriteCapacityUnits": 2.0,
        "Table": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by-g": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
    }
    # Moving the index key deletes the old entry and puts a new one: two index writes.
    moved = ddb.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET g = :g",
        ExpressionAttributeValues={":g": {"S": "2"}},
        ReturnConsumedCapacity="INDEXES",
    )
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by-g"]["CapacityUnits"] == 2.0
    assert moved["ConsumedCapacity"]["CapacityUnits"] == 3.0
    # A change that leaves the item out of the index costs the index nothing.
    other = ddb.put_item(TableName=name, Item={"pk": {"S": "b"}}, ReturnConsumedCapacity="INDEXES")
    assert "GlobalSecondaryIndexes" not in other["ConsumedCapacity"]
    query = ddb.query(
        TableName=name,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "2"}},
        ReturnConsumedCapacity="INDEXES",
    )
    assert query["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {
        "by-g": {"CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}
    }
    assert query["ConsumedCapacity"]["Table"]["CapacityUnits"] == 0.0


def test_partition_view_shows_a_hot_key(ddb: Any, make_table: Any, server: FogbankServer) -> None:
    name = make_table(
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 6000, "WriteCapacityUnits": 1000},
    )
    for i in range(40):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    for _ in range(25):
        ddb.get_item(TableName=name, Key={"pk": {"S": "k7"}}, ConsistentRead=True)
    url = f"{server.endpoint}/_fogbank/dynamodb/partitions/000000000000/us-east-1/{name}"
    with urllib.request.urlopen(url) as response:
        view = json.load(response)
    # 6,000 RCU / 3,000 + 1,000 WCU / 1,000 = 3 partitions.
    assert view["PartitionCount"] == 3
    assert sum(p["ItemCount"] for p in view["Partitions"]) == 40
    assert sum(p["WriteCapacityUnits"] for p in view["Partitions"]) == 40.0
    hottest = max(view["Partitions"], key=lambda p: p["ReadCapacityUnits"])
    assert hottest["ReadCapacityUnits"] == 25.0
    assert hottest["HotKeys"][0] == {
        "PartitionKey": "k7",
        "ReadCapacityUnits": 25.0,
        "WriteCapacityUnits": 1.0,
    }
    try:
        urllib.request.urlopen(
            f"{server.endpoint}/_fogbank/dynamodb/partitions/000000000000/us-east-1/missing-table"
        )
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("a missing table has no partition view")
