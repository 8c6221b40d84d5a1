"""BatchGetItem and BatchWriteItem: limits, duplicates, projections, capacity, unprocessed keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.services.dynamodb.errors import error_of


def put(pk: str, **attributes: str) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": {"S": pk}, **{k: {"S": v} for k, v in attributes.items()}}}}


def test_batch_write_puts_and_deletes_across_tables(ddb: Any, make_table: Callable[..., str]) -> None:
    first, second = make_table(), make_table()
    ddb.put_item(TableName=second, Item={"pk": {"S": "old"}})
    response = ddb.batch_write_item(
        RequestItems={
            first: [put("a", v="x" * 1500), put("b")],
            second: [{"DeleteRequest": {"Key": {"pk": {"S": "old"}}}}, put("c")],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["UnprocessedItems"] == {}
    capacity = {c["TableName"]: c["CapacityUnits"] for c in response["ConsumedCapacity"]}
    assert capacity == {first: 3.0, second: 2.0}
    assert {i["pk"]["S"] for i in ddb.scan(TableName=first)["Items"]} == {"a", "b"}
    assert {i["pk"]["S"] for i in ddb.scan(TableName=second)["Items"]} == {"c"}


def test_batch_write_checks_the_whole_batch_first(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    assert error_of(ddb.batch_write_item, RequestItems={table: [put("a"), put("a")]}) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    too_many = {table: [put(str(i)) for i in range(20)], make_table(): [put(str(i)) for i in range(6)]}
    assert error_of(ddb.batch_write_item, RequestItems=too_many) == (
        "ValidationException",
        "Too many items requested for the BatchWriteItem call",
    )
    bad_key = {table: [put("ok"), {"DeleteRequest": {"Key": {"other": {"S": "x"}}}}]}
    assert error_of(ddb.batch_write_item, RequestItems=bad_key) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )
    assert error_of(ddb.batch_write_item, RequestItems={"no-such-table": [put("a")]}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
    assert ddb.scan(TableName=table)["Items"] == []  # nothing of a refused batch was written


def test_batch_get_with_projection_and_capacity(ddb: Any, make_table: Callable[..., str]) -> None:
    table, other = make_table(), make_table(range=("sk", "N"))
    ddb.batch_write_item(RequestItems={table: [put("a", v="1", w="2"), put("b", v="3")]})
    ddb.put_item(TableName=other, Item={"pk": {"S": "x"}, "sk": {"N": "1"}})
    response = ddb.batch_get_item(
        RequestItems={
            table: {
                "Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}, {"pk": {"S": "missing"}}],
                "ProjectionExpression": "#v",
                "ExpressionAttributeNames": {"#v": "v"},
                "ConsistentRead": True,
            },
            other: {"Keys": [{"pk": {"S": "x"}, "sk": {"N": "1"}}]},
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert sorted(response["Responses"][table], key=lambda i: i["v"]["S"]) == [
        {"v": {"S": "1"}},
        {"v": {"S": "3"}},
    ]
    assert response["Responses"][other] == [{"pk": {"S": "x"}, "sk": {"N": "1"}}]
    assert response["UnprocessedKeys"] == {}
    capacity = {c["TableName"]: c["CapacityUnits"] for c in response["ConsumedCapacity"]}
    assert capacity == {table: 3.0, other: 0.5}  # consistent reads of 3 keys; one eventually consistent


def test_batch_get_limits(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    keys = [{"pk": {"S": str(i)}} for i in range(101)]
    assert error_of(
        ddb.batch_get_item, RequestItems={table: {"Keys": keys[:60]}, make_table(): {"Keys": keys[60:]}}
    ) == (
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
    )
    assert error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [keys[0], keys[0]]}}) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    both = {table: {"Keys": [keys[0]], "ProjectionExpression": "pk", "AttributesToGet": ["pk"]}}
    code, message = error_of(ddb.batch_get_item, RequestItems=both)
    assert code == "ValidationException"
    assert message.startswith("Can not use both expression and non-expression parameters in the same request")


def test_batch_get_returns_unprocessed_keys_past_16_mb(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    big = "x" * 390_000
    for start in range(0, 50, 25):
        ddb.batch_write_item(RequestItems={table: [put(f"{i:02}", v=big) for i in range(start, start + 25)]})
    keys = [{"pk": {"S": f"{i:02}"}} for i in range(50)]
    response = ddb.batch_get_item(RequestItems={table: {"Keys": keys}})
    got = response["Responses"][table]
    left = response["UnprocessedKeys"][table]["Keys"]
    assert 0 < len(left) < 50 and len(got) + len(left) == 50
    assert sum(len(i["v"]["S"]) for i in got) <= 16 * 1024 * 1024 + 400_000
    again = ddb.batch_get_item(RequestItems=response["UnprocessedKeys"])
    assert len(again["Responses"][table]) == len(left)
