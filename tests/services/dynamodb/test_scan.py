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
