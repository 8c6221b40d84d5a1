"""DynamoDB's limits: quotas DescribeLimits reports, key sizes, index counts, and DescribeEndpoints."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _message(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Message"]


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
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item={"pk": {"S": "h" * 2049}, "sk": {"S": "r"}})
    assert _message(excinfo) == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of "
        "2048 bytes"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item={"pk": {"S": "h"}, "sk": {"S": "r" * 1025}})
    assert _message(excinfo) == (
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size "
        "limit of 1024 bytes"
    )


def test_at_most_twenty_global_indexes(ddb: Any) -> None:
    indexes = [
        {
            "IndexName": f"gsi{i}",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
        for i in range(21)
    ]
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName="too-many-gsis",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=indexes,
        )
    assert _message(excinfo) == (
        "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit "
        "of 20"
    )


def test_at_most_fifty_tags(ddb: Any, make_table: Any) -> None:
    name = make_table(Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    with pytest.raises(ClientError) as excinfo:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert _message(excinfo) == "Number of Tags exceed the current limit for the provided ResourceArn"
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "replaced"}])
    assert len(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 50
