"""Query on a table, its LSI and its GSI: every sort-key operator, both directions, paged by Limit and 1 MB.

The expected answers are computed here from the items put, with DynamoDB's orders (S by UTF-8 bytes,
N numerically, B by bytes), independently of the server.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.shapes import definitions, index, key_schema

PARTITIONS = [f"p{i}" for i in range(10)]
GROUPS = ["g0", "g1", "g2"]
WORDS = ["apple", "apricot", "Banana", "banana", "é-acute", "zeta", "ß", "日本", "a", "ab", "abc", "b", "~"]


def _order(value: dict[str, Any]) -> Any:
    ((kind, raw),) = value.items()
    if kind == "N":
        return Decimal(raw)
    if kind == "S":
        return raw.encode("utf-8")
    return raw


def _make_items() -> list[dict[str, Any]]:
    rng = random.Random(7)
    items = []
    for i in range(1000):
        item = {
            "pk": {"S": PARTITIONS[i % len(PARTITIONS)]},
            "sk": {
                "N": str(
                    Decimal(rng.randint(-50000, 50000)) / Decimal(rng.choice([1, 10, 1000]))
                    + Decimal(i) / 10**6
                )
            },
            "ls": {"S": f"{rng.choice(WORDS)}-{i:04d}"},
            "payload": {"S": "x" * rng.randint(0, 50)},
            "seq": {"N": str(i)},
        }
        if i % 4:  # the GSI is sparse: every fourth item lacks its key
            item["g"] = {"S": GROUPS[i % len(GROUPS)]}
            item["gs"] = {"N": str(rng.randint(-100, 100))}
        items.append(item)
    return items


ITEMS = _make_items()


@pytest.fixture(scope="module")
def loaded(client: Callable[..., Any]) -> Iterator[tuple[Any, str]]:
    ddb = client("dynamodb")
    name = f"q-{uuid.uuid4().hex[:10]}"
    ddb.create_table(
        TableName=name,
        KeySchema=key_schema("pk", "sk"),
        AttributeDefinitions=definitions(pk="S", sk="N", ls="S", g="S", gs="N"),
        BillingMode="PAY_PER_REQUEST",
        LocalSecondaryIndexes=[index("by-ls", "pk", "ls", "KEYS_ONLY")],
        GlobalSecondaryIndexes=[index("by-g", "g", "gs", "INCLUDE", non_key=["payload"])],
    )
    for item in ITEMS:
        ddb.put_item(TableName=name, Item=item)
    yield ddb, name
    ddb.delete_table(TableName=name)


def _project(item: dict[str, Any], index: str | None) -> dict[str, Any]:
    keys = {"pk", "sk"}
    if index == "by-ls":
        return {k: v for k, v in item.items() if k in keys | {"ls"}}
    if index == "by-g":
        return {k: v for k, v in item.items() if k in keys | {"g", "gs", "payload"}}
    return item


def _matches(value: dict[str, Any], op: str, operands: list[dict[str, Any]]) -> bool:
    v = _order(value)
    a = _order(operands[0])
    if op == "=":
        return v == a
    if op == "<":
        return v < a
    if op == "<=":
        return v <= a
    if op == ">":
        return v > a
    if op == ">=":
        return v >= a
    if op == "BETWEEN":
        return a <= v <= _order(operands[1])
    return v.startswith(a)


def _expected(
    index: str | None,
    hash_name: str,
    hash_value: str,
    range_name: str,
    op: str,
    operands: list,
    forward: bool,
) -> list:
    chosen = [
        i
        for i in ITEMS
        if i.get(hash_name) == {"S": hash_value} and range_name in i and _matches(i[range_name], op, operands)
    ]
    chosen.sort(key=lambda i: (_order(i[range_name]), _order(i["pk"]), _order(i["sk"])), reverse=not forward)
    return [_project(i, index) for i in chosen]


def _condition(range_name: str, op: str) -> str:
    if op == "BETWEEN":
        return f"#h = :h AND {range_name} BETWEEN :a AND :b"
    if op == "begins_with":
        return f"#h = :h AND begins_with({range_name}, :a)"
    return f"#h = :h AND {range_name} {op} :a"


def _query_all(ddb: Any, name: str, limit: int | None, **kwargs: Any) -> tuple[list, int]:
    items: list[dict[str, Any]] = []
    pages = 0
    start: dict[str, Any] = {}
    while True:
        page = ddb.query(TableName=name, **kwargs, **start, **({"Limit": limit} if limit else {}))
        pages += 1
        items += page["Items"]
        assert page["Count"] == len(page["Items"])
        if limit:
            assert page["ScannedCount"] <= limit
        if "LastEvaluatedKey" not in page:
            return items, pages
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


CASES = [
    (None, "pk", "p3", "sk", "N"),
    ("by-ls", "pk", "p7", "ls", "S"),
    ("by-g", "g", "g1", "gs", "N"),
]
NUMBER_OPERANDS = {
    "=": None,
    "<": [{"N": "0"}],
    "<=": [{"N": "-1.5"}],
    ">": [{"N": "10"}],
    ">=": [{"N": "-20"}],
    "BETWEEN": [{"N": "-30.5"}, {"N": "40"}],
}
STRING_OPERANDS = {
    "=": None,
    "<": [{"S": "b"}],
    "<=": [{"S": "ab"}],
    ">": [{"S": "apricot"}],
    ">=": [{"S": "Banana"}],
    "BETWEEN": [{"S": "a"}, {"S": "banana-0500"}],
    "begins_with": [{"S": "ap"}],
}


@pytest.mark.parametrize(("index", "hash_name", "hash_value", "range_name", "kind"), CASES)
@pytest.mark.parametrize("forward", [True, False])
def test_every_sort_key_operator(
    loaded: tuple[Any, str],
    index: str | None,
    hash_name: str,
    hash_value: str,
    range_name: str,
    kind: str,
    forward: bool,
) -> None:
    ddb, name = loaded
    operands_by_op = STRING_OPERANDS if kind == "S" else NUMBER_OPERANDS
    for op, operands in operands_by_op.items():
        if operands is None:  # equality on a value that exists
            existing = next(i for i in ITEMS if i.get(hash_name) == {"S": hash_value} and range_name in i)
            operands = [existing[range_name]]
        values = {":h": {"S": hash_value}, ":a": operands[0]}
        if op == "BETWEEN":
            values[":b"] = operands[1]
        kwargs = {
            "KeyConditionExpression": _condition(range_name, op),
            "ExpressionAttributeNames": {"#h": hash_name},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            **({"IndexName": index} if index else {}),
        }
        expected = _expected(index, hash_name, hash_value, range_name, op, operands, forward)
        assert expected, (index, op)
        got, _ = _query_all(ddb, name, 7, **kwargs)
        if index == "by-g":  # GSI ties (same gs) have no defined order in DynamoDB: compare as sorted runs
            key = lambda i: (_order(i["gs"]), i["pk"]["S"], _order(i["sk"]))  # noqa: E731
            assert [_order(i["gs"]) for i in got] == [_order(i["gs"]) for i in expected]
            assert sorted(got, key=key) == sorted(expected, key=key)
        else:
            assert got == expected, (index, op, forward)
        whole, pages = _query_all(ddb, name, None, **kwargs)
        assert pages == 1 and len(whole) == len(expected)


def test_limit_counts_before_filter(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    page = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :h",
        FilterExpression="seq < :zero",
        ExpressionAttributeValues={":h": {"S": "p1"}, ":zero": {"N": "0"}},
        Limit=10,
    )
    assert page["Count"] == 0 and page["ScannedCount"] == 10 and "LastEvaluatedKey" in page
    counted = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :h",
        ExpressionAttributeValues={":h": {"S": "p1"}},
        Select="COUNT",
    )
    assert counted["Count"] == 100 and "Items" not in counted


def test_lsi_all_attributes_fetches_from_the_table(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    page = ddb.query(
        TableName=name,
        IndexName="by-ls",
        KeyConditionExpression="pk = :h AND begins_with(ls, :p)",
        ExpressionAttributeValues={":h": {"S": "p2"}, ":p": {"S": "zeta"}},
        Select="ALL_ATTRIBUTES",
    )
    expected = _expected(None, "pk", "p2", "ls", "begins_with", [{"S": "zeta"}], True)
    expected.sort(key=lambda i: _order(i["ls"]))
    assert page["Items"] == expected


def test_query_errors(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    cases = [
        (
            {
                "IndexName": "by-g",
                "ConsistentRead": True,
                "KeyConditionExpression": "g = :h",
                "ExpressionAttributeValues": {":h": {"S": "g1"}},
            },
            "Consistent reads are not supported on global secondary indexes",
        ),
        (
            {
                "IndexName": "by-g",
                "Select": "ALL_ATTRIBUTES",
                "KeyConditionExpression": "g = :h",
                "ExpressionAttributeValues": {":h": {"S": "g1"}},
            },
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
            "global secondary index by-g because its projection type is not ALL",
        ),
        (
            {
                "IndexName": "nope",
                "KeyConditionExpression": "g = :h",
                "ExpressionAttributeValues": {":h": {"S": "g1"}},
            },
            "The table does not have the specified index: nope",
        ),
        (
            {"KeyConditionExpression": "pk = :h", "ExpressionAttributeValues": {":h": {"N": "1"}}},
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            {
                "KeyConditionExpression": "pk = :h",
                "ExpressionAttributeValues": {":h": {"S": "p1"}},
                "ExclusiveStartKey": {"pk": {"S": "p1"}},
            },
            "The provided starting key is invalid",
        ),
        (
            {
                "KeyConditionExpression": "pk = :h",
                "ExpressionAttributeValues": {":h": {"S": "p1"}},
                "ExclusiveStartKey": {"pk": {"S": "p2"}, "sk": {"N": "1"}},
            },
            "The provided starting key is outside query boundaries based on provided conditions",
        ),
        (
            {
                "KeyConditionExpression": "pk = :h AND sk > :a",
                "ExpressionAttributeValues": {":h": {"S": "p1"}, ":a": {"N": "5"}},
                "ExclusiveStartKey": {"pk": {"S": "p1"}, "sk": {"N": "1"}},
            },
            "The provided starting key does not match the range key predicate",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ClientError) as excinfo:
            ddb.query(TableName=name, **kwargs)
        error = excinfo.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("ValidationException", message)


def test_legacy_key_conditions(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    page = ddb.query(
        TableName=name,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p4"}]},
            "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]},
        },
        QueryFilter={"seq": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "500"}]}},
    )
    expected = [
        i for i in _expected(None, "pk", "p4", "sk", ">", [{"N": "0"}], True) if int(i["seq"]["N"]) >= 500
    ]
    assert page["Items"] == expected


def test_one_megabyte_pages(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "S"))
    sizes = []
    for i in range(40):
        body = "y" * (60_000 + i * 997)
        ddb.put_item(TableName=name, Item={"pk": {"S": "big"}, "sk": {"S": f"{i:03d}"}, "body": {"S": body}})
        sizes.append(len("pk") + 3 + len("sk") + 3 + len("body") + len(body))
    expected_pages: list[int] = []
    count = total = 0
    for size in sizes:
        count += 1
        total += size
        if total >= 1 << 20:
            expected_pages.append(count)
            count = total = 0
    expected_pages.append(
        count
    )  # a page that stopped at 1 MB has a LastEvaluatedKey, even after the last item
    pages: list[int] = []
    seen: list[str] = []
    start: dict[str, Any] = {}
    while True:
        page = ddb.query(
            TableName=name,
            KeyConditionExpression="pk = :h",
            ExpressionAttributeValues={":h": {"S": "big"}},
            ProjectionExpression="sk",
            **start,
        )
        pages.append(page["Count"])
        seen += [i["sk"]["S"] for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        assert page["LastEvaluatedKey"] == {"pk": {"S": "big"}, "sk": {"S": seen[-1]}}
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert pages == expected_pages
    assert seen == [f"{i:03d}" for i in range(40)]


def test_filter_may_not_name_the_key(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=name,
            KeyConditionExpression="pk = :h",
            FilterExpression="sk > :z",
            ExpressionAttributeValues={":h": {"S": "p1"}, ":z": {"N": "0"}},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=name,
            KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p1"}]}},
            QueryFilter={"sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"
    )


def test_lsi_projection_of_unprojected_attributes_fetches(loaded: tuple[Any, str]) -> None:
    ddb, name = loaded
    page = ddb.query(
        TableName=name,
        IndexName="by-ls",
        KeyConditionExpression="pk = :h AND begins_with(ls, :p)",
        FilterExpression="seq >= :zero",
        ProjectionExpression="ls, payload",
        ExpressionAttributeValues={":h": {"S": "p5"}, ":p": {"S": "b"}, ":zero": {"N": "0"}},
    )
    expected = _expected(None, "pk", "p5", "ls", "begins_with", [{"S": "b"}], True)
    assert page["Items"] == [{"ls": i["ls"], "payload": i["payload"]} for i in expected]


def test_binary_sort_keys_order_by_bytes(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "B"))
    keys = [b"\x00", b"\x00\x01", b"\x01", b"\x7f", b"\x80", b"\xff", b"\xff\x00", b"\xff\xff", b"ab", b"abc"]
    for key in keys:
        ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "sk": {"B": key}})
    items = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "b"}}
    )["Items"]
    assert [i["sk"]["B"] for i in items] == sorted(keys)
    prefixed = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
        ExpressionAttributeValues={":p": {"S": "b"}, ":b": {"B": b"\xff"}},
        ScanIndexForward=False,
    )["Items"]
    assert [i["sk"]["B"] for i in prefixed] == [b"\xff\xff", b"\xff\x00", b"\xff"]
