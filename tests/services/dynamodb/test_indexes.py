"""Secondary indexes: sparse entries, projections, key changes, GSI backfill and deletion, index counts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.shapes import index, key_schema


def _gsi(
    name: str, hash_name: str, projection: dict[str, Any], range_name: str | None = None
) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": key_schema(hash_name, range_name), "Projection": projection}


def _query_index(
    ddb: Any, name: str, index: str, hash_name: str, value: dict[str, Any], **kwargs: Any
) -> Any:
    return ddb.query(
        TableName=name,
        IndexName=index,
        KeyConditionExpression="#h = :v",
        ExpressionAttributeNames={"#h": hash_name},
        ExpressionAttributeValues={":v": value},
        **kwargs,
    )


def test_sparse_gsi_with_projections(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes={"status": "S"},
        GlobalSecondaryIndexes=[
            _gsi("keys", "status", {"ProjectionType": "KEYS_ONLY"}),
            _gsi("some", "status", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]}),
        ],
    )
    ddb.put_item(
        TableName=name, Item={"pk": {"S": "1"}, "status": {"S": "open"}, "a": {"N": "1"}, "b": {"N": "2"}}
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "2"}, "a": {"N": "3"}})  # no index key: not in the indexes
    keys_only = _query_index(ddb, name, "keys", "status", {"S": "open"})["Items"]
    assert keys_only == [{"pk": {"S": "1"}, "status": {"S": "open"}}]
    some = _query_index(ddb, name, "some", "status", {"S": "open"})["Items"]
    assert some == [{"pk": {"S": "1"}, "status": {"S": "open"}, "a": {"N": "1"}}]
    assert ddb.scan(TableName=name, IndexName="keys")["Count"] == 1
    table = ddb.describe_table(TableName=name)["Table"]
    counts = {i["IndexName"]: i["ItemCount"] for i in table["GlobalSecondaryIndexes"]}
    assert counts == {"keys": 1, "some": 1} and table["ItemCount"] == 2
    # An index entry's size plus 100 bytes of overhead: pk "1" (3 bytes) and status "open" (10 bytes).
    sizes = {i["IndexName"]: i["IndexSizeBytes"] for i in table["GlobalSecondaryIndexes"]}
    assert sizes == {"keys": 113, "some": 113 + 3}  # and "a" (1 byte) = 1 (2 bytes)


def test_index_follows_key_changes_and_deletes(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes={"g": "S"}, GlobalSecondaryIndexes=[_gsi("by-g", "g", {"ProjectionType": "ALL"})]
    )
    key = {"pk": {"S": "x"}}
    ddb.put_item(TableName=name, Item={**key, "g": {"S": "one"}})
    ddb.update_item(
        TableName=name, Key=key, UpdateExpression="SET g = :g", ExpressionAttributeValues={":g": {"S": "two"}}
    )
    assert _query_index(ddb, name, "by-g", "g", {"S": "one"})["Count"] == 0
    assert _query_index(ddb, name, "by-g", "g", {"S": "two"})["Items"] == [{**key, "g": {"S": "two"}}]
    ddb.update_item(TableName=name, Key=key, UpdateExpression="REMOVE g")
    assert _query_index(ddb, name, "by-g", "g", {"S": "two"})["Count"] == 0
    ddb.put_item(TableName=name, Item={**key, "g": {"S": "three"}})
    ddb.delete_item(TableName=name, Key=key)
    assert ddb.scan(TableName=name, IndexName="by-g")["Count"] == 0
    (gsi,) = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert gsi["ItemCount"] == 0 and gsi["IndexSizeBytes"] == 0


def test_index_key_of_wrong_type_is_refused(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes={"g": "N"}, GlobalSecondaryIndexes=[_gsi("by-g", "g", {"ProjectionType": "ALL"})]
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName=name,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: N Actual: S "
        "IndexName: by-g"
    )


def test_gsi_created_later_is_backfilled_and_deleted(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for i in range(30):
        item = {"pk": {"S": f"k{i}"}, "n": {"N": str(i)}}
        if i % 3 == 0:
            item["color"] = {"S": "red" if i % 2 else "blue"}
        ddb.put_item(TableName=name, Item=item)
    response = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "color", "AttributeType": "S"},
            {"AttributeName": "n", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexUpdates=[{"Create": _gsi("by-color", "color", {"ProjectionType": "ALL"}, "n")}],
    )
    (created,) = response["TableDescription"]["GlobalSecondaryIndexes"]
    assert created["IndexStatus"] == "CREATING"
    (gsi,) = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "ACTIVE" and gsi["ItemCount"] == 10
    red = _query_index(ddb, name, "by-color", "color", {"S": "red"}, ScanIndexForward=False)["Items"]
    assert [i["n"]["N"] for i in red] == ["27", "21", "15", "9", "3"]
    page = _query_index(ddb, name, "by-color", "color", {"S": "blue"}, Limit=2)
    assert page["LastEvaluatedKey"] == {"color": {"S": "blue"}, "n": {"N": "6"}, "pk": {"S": "k6"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": _gsi("by-color", "color", {"ProjectionType": "ALL"})}],
        )
    assert excinfo.value.response["Error"]["Message"] == "Attempting to create an index which already exists"
    deleting = ddb.update_table(
        TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-color"}}]
    )
    (shown,) = deleting["TableDescription"]["GlobalSecondaryIndexes"]
    assert shown["IndexStatus"] == "DELETING"
    table = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in table
    assert [a["AttributeName"] for a in table["AttributeDefinitions"]] == ["pk"]
    with pytest.raises(ClientError) as excinfo:
        _query_index(ddb, name, "by-color", "color", {"S": "red"})
    assert (
        excinfo.value.response["Error"]["Message"] == "The table does not have the specified index: by-color"
    )


def test_lsi_counts_and_scan(ddb: Any, make_table: Any) -> None:
    name = make_table(
        range=("sk", "N"),
        extra_attributes={"at": "S"},
        LocalSecondaryIndexes=[index("by-at", "pk", "at")],
    )
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": str(i)}, "at": {"S": f"t{4 - i}"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "9"}})
    scanned = ddb.scan(TableName=name, IndexName="by-at", ConsistentRead=True)["Items"]
    assert [i["sk"]["N"] for i in scanned] == ["4", "3", "2", "1", "0"]
    (lsi,) = ddb.describe_table(TableName=name)["Table"]["LocalSecondaryIndexes"]
    assert lsi["ItemCount"] == 5
