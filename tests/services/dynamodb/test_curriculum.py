"""The curriculum's DynamoDB walkthroughs, done as a learner does them: creating a first table, a table with
a composite primary key, a table with provisioned throughput (with the AWS CLI, `wait table-exists`
included), reading and writing items, and queries and scans with boto3's resource API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key

from tests.conftest import CREDENTIALS
from tests.server import FogbankServer
from tests.services.sqs.cli_helpers import Aws, aws_cli, needs_cli  # noqa: F401  (aws_cli: the `aws` fixture)


@pytest.fixture
def cli(aws: Aws) -> Aws:
    """`aws dynamodb ...` against the shared server; returns the parsed JSON output (None when empty)."""
    return lambda *args: aws("dynamodb", *args)


@pytest.fixture
def resource(server: FogbankServer) -> Any:
    return boto3.resource("dynamodb", endpoint_url=server.endpoint, **CREDENTIALS)


@pytest.fixture
def names(resource: Any) -> Iterator[Callable[[str], str]]:
    """Unique table names, the tables deleted after the test."""
    made: list[str] = []

    def name(prefix: str) -> str:
        made.append(f"{prefix}-{uuid.uuid4().hex[:8]}")
        return made[-1]

    yield name
    for table in made:
        resource.meta.client.delete_table(TableName=table)


@needs_cli
def test_creating_a_first_table_with_the_cli(cli: Aws, names: Callable[[str], str]) -> None:
    table = names("Customers")
    created = cli(
        "create-table",
        "--table-name", table,
        "--attribute-definitions", "AttributeName=CustomerId,AttributeType=S",
        "--key-schema", "AttributeName=CustomerId,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
    )  # fmt: skip
    assert created["TableDescription"]["TableName"] == table
    assert created["TableDescription"]["TableStatus"] in ("CREATING", "ACTIVE")
    assert cli("wait", "table-exists", "--table-name", table) is None
    described = cli("describe-table", "--table-name", table)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["KeySchema"] == [{"AttributeName": "CustomerId", "KeyType": "HASH"}]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["ItemCount"] == 0
    assert table in cli("list-tables")["TableNames"]
    item = '{"CustomerId": {"S": "c-1"}, "Name": {"S": "Ada"}, "Claims": {"N": "2"}}'
    cli("put-item", "--table-name", table, "--item", item)
    got = cli("get-item", "--table-name", table, "--key", '{"CustomerId": {"S": "c-1"}}')
    assert got["Item"] == {"CustomerId": {"S": "c-1"}, "Name": {"S": "Ada"}, "Claims": {"N": "2"}}


@needs_cli
def test_a_composite_primary_key_with_the_cli(cli: Aws, names: Callable[[str], str]) -> None:
    table = names("Music")
    cli(
        "create-table",
        "--table-name", table,
        "--attribute-definitions",
        "AttributeName=Artist,AttributeType=S",
        "AttributeName=SongTitle,AttributeType=S",
        "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
        "--billing-mode", "PAY_PER_REQUEST",
    )  # fmt: skip
    cli("wait", "table-exists", "--table-name", table)
    songs = [("No One You Know", "Call Me Today", "2015"), ("Acme Band", "Happy Day", "2020")]
    songs.append(("Acme Band", "PartiQL Rocks", "2021"))
    requests = [
        {"PutRequest": {"Item": {"Artist": {"S": a}, "SongTitle": {"S": s}, "Year": {"N": y}}}}
        for a, s, y in songs
    ]
    batch = cli("batch-write-item", "--request-items", json.dumps({table: requests}))
    assert batch["UnprocessedItems"] == {}
    # The same partition key twice: the sort key tells the items apart.
    queried = cli(
        "query",
        "--table-name", table,
        "--key-condition-expression", "Artist = :name",
        "--expression-attribute-values", '{":name": {"S": "Acme Band"}}',
    )  # fmt: skip
    assert [i["SongTitle"]["S"] for i in queried["Items"]] == ["Happy Day", "PartiQL Rocks"]
    key = '{"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}}'
    updated = cli(
        "update-item",
        "--table-name", table,
        "--key", key,
        "--update-expression", "SET AlbumTitle = :album",
        "--expression-attribute-values", '{":album": {"S": "Updated Album Title"}}',
        "--return-values", "ALL_NEW",
    )  # fmt: skip
    assert updated["Attributes"]["AlbumTitle"] == {"S": "Updated Album Title"}
    assert cli("scan", "--table-name", table)["Count"] == 3


@needs_cli
def test_provisioned_throughput_with_the_cli(cli: Aws, names: Callable[[str], str]) -> None:
    table = names("Claims")
    cli(
        "create-table",
        "--table-name", table,
        "--attribute-definitions", "AttributeName=ClaimId,AttributeType=S",
        "--key-schema", "AttributeName=ClaimId,KeyType=HASH",
        "--provisioned-throughput", "ReadCapacityUnits=5,WriteCapacityUnits=5",
    )  # fmt: skip
    cli("wait", "table-exists", "--table-name", table)
    described = cli("describe-table", "--table-name", table)["Table"]
    assert described["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 5,
    }
    assert described.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})["BillingMode"] == "PROVISIONED"
    raised = cli(
        "update-table",
        "--table-name",
        table,
        "--provisioned-throughput",
        "ReadCapacityUnits=10,WriteCapacityUnits=8",
    )["TableDescription"]["ProvisionedThroughput"]
    assert (raised["ReadCapacityUnits"], raised["WriteCapacityUnits"]) == (10, 8)
    assert "LastIncreaseDateTime" in raised
    # A read of a 4 KB item is one unit when strongly consistent, half a unit when eventually consistent.
    cli(
        "put-item",
        "--table-name",
        table,
        "--item",
        json.dumps({"ClaimId": {"S": "c"}, "v": {"S": "x" * 4000}}),
    )
    for consistency, units in (("--consistent-read", 1.0), ("--no-consistent-read", 0.5)):
        got = cli(
            "get-item",
            "--table-name", table,
            "--key", '{"ClaimId": {"S": "c"}}',
            consistency,
            "--return-consumed-capacity", "TOTAL",
        )  # fmt: skip
        assert (got["ConsumedCapacity"]["TableName"], got["ConsumedCapacity"]["CapacityUnits"]) == (
            table,
            units,
        )


def _music(resource: Any, name: str, **kwargs: Any) -> Any:
    """The Music table of the walkthroughs, created through the resource API and waited for."""
    table = resource.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "Artist", "KeyType": "HASH"},
            {"AttributeName": "SongTitle", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "SongTitle", "AttributeType": "S"},
        ],
        **kwargs,
    )
    table.wait_until_exists()  # the table_exists waiter
    table.reload()
    assert table.table_status == "ACTIVE"
    return table


def test_reading_and_writing_with_the_api(resource: Any, names: Callable[[str], str]) -> None:
    table = _music(
        resource, names("Music"), ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )
    assert table.provisioned_throughput["ReadCapacityUnits"] == 5
    key = {"Artist": "No One You Know", "SongTitle": "Call Me Today"}
    table.put_item(Item={**key, "AlbumTitle": "Somewhat Famous", "Awards": 1, "Tags": {"pop", "indie"}})
    item = table.get_item(Key=key)["Item"]
    assert item == {**key, "AlbumTitle": "Somewhat Famous", "Awards": Decimal(1), "Tags": {"pop", "indie"}}
    updated = table.update_item(
        Key=key,
        UpdateExpression="SET Awards = Awards + :inc, AlbumTitle = :title",
        ExpressionAttributeValues={":inc": 1, ":title": "Louder Than Ever"},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert updated == {"Awards": Decimal(2), "AlbumTitle": "Louder Than Ever"}
    with pytest.raises(resource.meta.client.exceptions.ConditionalCheckFailedException):
        table.put_item(Item=key, ConditionExpression=Attr("Artist").not_exists())
    with table.batch_writer() as batch:
        for i in range(30):
            batch.put_item(Item={"Artist": "Acme Band", "SongTitle": f"Song {i:02d}", "Plays": i})
    assert table.get_item(Key={"Artist": "Acme Band", "SongTitle": "Song 29"}, ConsistentRead=True)["Item"][
        "Plays"
    ] == Decimal(29)
    deleted = table.delete_item(Key=key, ReturnValues="ALL_OLD")["Attributes"]
    assert deleted["Awards"] == Decimal(2)
    assert "Item" not in table.get_item(Key=key)
    table.reload()
    assert table.item_count == 30


def test_queries_and_scans_with_the_api(resource: Any, names: Callable[[str], str]) -> None:
    table = _music(resource, names("Music"), BillingMode="PAY_PER_REQUEST")
    with table.batch_writer() as batch:
        for artist in ("Acme Band", "No One You Know"):
            for i in range(12):
                batch.put_item(
                    Item={
                        "Artist": artist,
                        "SongTitle": f"{'Happy' if i % 2 else 'Sad'} {i:02d}",
                        "Year": 2010 + i,
                    }
                )
    happy = table.query(
        KeyConditionExpression=Key("Artist").eq("Acme Band") & Key("SongTitle").begins_with("Happy")
    )
    assert [i["SongTitle"] for i in happy["Items"]] == [f"Happy {i:02d}" for i in range(1, 12, 2)]
    latest = table.query(
        KeyConditionExpression=Key("Artist").eq("No One You Know"),
        FilterExpression=Attr("Year").gte(2020),
        ScanIndexForward=False,
        ProjectionExpression="SongTitle, #y",
        ExpressionAttributeNames={"#y": "Year"},
    )
    # Sort keys descending: "Sad 10" sorts after "Happy 11".
    assert latest["Items"] == [{"SongTitle": "Sad 10", "Year": 2020}, {"SongTitle": "Happy 11", "Year": 2021}]
    assert (latest["Count"], latest["ScannedCount"]) == (2, 12)
    between = table.query(
        KeyConditionExpression=Key("Artist").eq("Acme Band")
        & Key("SongTitle").between("Happy 03", "Happy 07")
    )
    assert between["Count"] == 3
    recent = table.scan(FilterExpression=Attr("Year").gt(2019) & Attr("SongTitle").begins_with("Happy"))
    assert sorted((i["Artist"], i["SongTitle"]) for i in recent["Items"]) == [
        ("Acme Band", "Happy 11"),
        ("No One You Know", "Happy 11"),
    ]
    assert recent["ScannedCount"] == 24
    # A scan in pages of five, as an application walks a large table.
    seen, start = 0, {}
    while True:
        page = table.scan(Limit=5, **start)
        seen += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert seen == 24
    assert table.scan(Select="COUNT")["Count"] == 24
