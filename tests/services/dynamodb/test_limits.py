"""DynamoDB's limits: quotas DescribeLimits reports, key sizes, index counts, and DescribeEndpoints."""

from __future__ import annotations

from typing import Any

from tests.services.dynamodb.errors import error_of
from tests.services.dynamodb.shapes import definitions, index, key_schema


def test_describe_limits_and_endpoints(ddb: Any) -> None:
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert limits["TableMaxWriteCapacityUnits"] == 40000
    assert limits["AccountMaxReadCapacityUnits"] == 80000
    assert limits["AccountMaxWriteCapacityUnits"] == 80000
    (endpoint,) = ddb.describe_endpoints()["Endpoints"]
    assert endpoint["CachePeriodInMinutes"] == 1440
    assert endpoint["Address"].startswith("127.0.0.1:")


def test_key_size_limits(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "S"))
    ddb.put_item(TableName=name, Item={"pk": {"S": "h" * 2048}, "sk": {"S": "r" * 1024}})
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "h" * 2049}, "sk": {"S": "r"}})[1] == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of "
        "2048 bytes"
    )
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "h"}, "sk": {"S": "r" * 1025}})[1] == (
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size "
        "limit of 1024 bytes"
    )


def test_at_most_twenty_global_indexes(ddb: Any) -> None:
    indexes = [index(f"gsi{i}", "g", None, "KEYS_ONLY") for i in range(21)]
    assert error_of(
        ddb.create_table,
        TableName="too-many-gsis",
        KeySchema=key_schema("pk"),
        AttributeDefinitions=definitions(pk="S", g="S"),
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=indexes,
    )[1] == (
        "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit "
        "of 20"
    )


def test_at_most_fifty_tags(ddb: Any, make_table: Any) -> None:
    name = make_table(Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert (
        error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])[1]
        == "Number of Tags exceed the current limit for the provided ResourceArn"
    )
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "replaced"}])
    assert len(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 50


def test_a_write_transaction_carries_at_most_4_mb(ddb: Any, make_table: Any) -> None:
    name = make_table()

    def puts(count: int, size: int) -> list[dict[str, Any]]:
        # Each item: pk (2 + 2 bytes) and v (1 + the rest): `size` bytes in all.
        return [
            {"Put": {"TableName": name, "Item": {"pk": {"S": f"{i:02d}"}, "v": {"S": "x" * (size - 5)}}}}
            for i in range(count)
        ]

    def count() -> int:  # over every 1 MB page
        pages = ddb.get_paginator("scan").paginate(TableName=name, Select="COUNT")
        return sum(page["Count"] for page in pages)

    assert error_of(ddb.transact_write_items, TransactItems=puts(11, 390_000)) == (  # 4,290,000 bytes
        "ValidationException",
        "Transaction request cannot be larger than 4MB",
    )
    assert count() == 0
    ddb.transact_write_items(TransactItems=puts(10, 409_000))  # 4,090,000 bytes: under 4 MB
    assert count() == 10
