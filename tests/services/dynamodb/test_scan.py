"""Scan: every item once across pages and across parallel segments, filters, Select, and the checks."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _fill(ddb: Any, name: str, count: int) -> None:
    for i in range(count):
        ddb.put_item(
            TableName=name, Item={"pk": {"S": f"k{i:03d}"}, "n": {"N": str(i)}, "odd": {"BOOL": i % 2 == 1}}
        )


def _scan_all(ddb: Any, name: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    start: dict[str, Any] = {}
    while True:
        page = ddb.scan(TableName=name, **kwargs, **start)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def test_scan_pages_cover_every_item_once(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _fill(ddb, name, 60)
    items = _scan_all(ddb, name, Limit=7)
    assert sorted(i["pk"]["S"] for i in items) == [f"k{i:03d}" for i in range(60)]
    assert len(items) == 60


def test_parallel_scan_segments_partition_the_table(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _fill(ddb, name, 60)
    seen: list[str] = []
    for segment in range(4):
        seen += [i["pk"]["S"] for i in _scan_all(ddb, name, Segment=segment, TotalSegments=4, Limit=5)]
    assert sorted(seen) == [f"k{i:03d}" for i in range(60)]
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=name, Segment=4, TotalSegments=4)
    assert excinfo.value.response["Error"]["Message"] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is "
        "not less than TotalSegments: 4"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=name, Segment=1)
    assert excinfo.value.response["Error"]["Message"] == (
        "The TotalSegments parameter is required but was not present in the request when Segment parameter "
        "is present"
    )


def test_filter_count_and_projection(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _fill(ddb, name, 20)
    page = ddb.scan(
        TableName=name, FilterExpression="odd = :t", ExpressionAttributeValues={":t": {"BOOL": True}}
    )
    assert page["Count"] == 10 and page["ScannedCount"] == 20
    counted = ddb.scan(
        TableName=name,
        Select="COUNT",
        ScanFilter={"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "5"}]}},
    )
    assert counted["Count"] == 5 and "Items" not in counted
    projected = ddb.scan(TableName=name, ProjectionExpression="n", Limit=3)
    assert all(set(i) == {"n"} for i in projected["Items"])


def test_scan_errors(ddb: Any, make_table: Any) -> None:
    name = make_table()
    cases = [
        (
            {"ExclusiveStartKey": {"nope": {"S": "a"}}},
            "The provided starting key is invalid: The provided key element does not match the schema",
        ),
        (
            {"Select": "ALL_PROJECTED_ATTRIBUTES"},
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
        ),
        (
            {"Select": "COUNT", "ProjectionExpression": "n"},
            "Cannot specify the ProjectionExpression when choosing to get only the Count",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ClientError) as excinfo:
            ddb.scan(TableName=name, **kwargs)
        assert excinfo.value.response["Error"]["Message"] == message


def test_items_come_back_as_written_with_numbers_normalized(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    written = {
        "pk": {"S": "p"},
        "sk": {"N": "01.50"},
        "text": {"S": 'ünïcode "quoted" \\ and \u2028'},
        "blob": {"B": b"\x00\xffbytes"},
        "blobs": {"BS": [b"a", b"\x01"]},
        "numbers": {"NS": ["1.0", "-0.50"]},
        "$b": {"S": "an attribute named like the stored form's marker"},
        "nested": {"M": {"$b": {"S": "x"}, "l": {"L": [{"N": "100"}, {"NULL": True}, {"BOOL": False}]}}},
    }
    ddb.put_item(TableName=name, Item=written)
    plain = {"pk": {"S": "p"}, "sk": {"N": "2"}, "s": {"S": "no bytes"}, "n": {"N": "3.140"}}
    ddb.put_item(TableName=name, Item=plain)
    expected = [
        {
            **written,
            "sk": {"N": "1.5"},
            "numbers": {"NS": ["1", "-0.5"]},
            "nested": {"M": {"$b": {"S": "x"}, "l": {"L": [{"N": "100"}, {"NULL": True}, {"BOOL": False}]}}},
        },
        {**plain, "n": {"N": "3.14"}},
    ]

    def normalized(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # boto3 answers sets as lists in the wire's order; compare them as sets.
        return [
            {
                k: {t: sorted(v) if t in ("BS", "NS") else v for t, v in value.items()}
                for k, value in item.items()
            }
            for item in items
        ]

    query = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p"}}}
    assert normalized(ddb.query(TableName=name, **query)["Items"]) == normalized(expected)
    assert normalized(sorted(_scan_all(ddb, name), key=lambda i: i["sk"]["N"])) == normalized(expected)
    assert normalized(_scan_all(ddb, name, Limit=1)) == normalized(expected)
    filtered = ddb.scan(TableName=name, FilterExpression="attribute_exists(pk)")["Items"]
    assert normalized(filtered) == normalized(expected)
    for item in expected:
        key = {"pk": item["pk"], "sk": item["sk"]}
        assert normalized([ddb.get_item(TableName=name, Key=key)["Item"]]) == normalized([item])
