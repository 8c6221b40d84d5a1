"""DynamoDB Streams: records of every change with the view type's images, read by shard iterators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.dynamodb.clock import advance


@pytest.fixture
def streams(client: Callable[..., Any]) -> Any:
    return client("dynamodbstreams")


def stream_of(ddb: Any, table: str) -> str:
    return ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]


def read_all(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **kwargs: Any) -> tuple[list[dict], str]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **kwargs)
    response = streams.get_records(ShardIterator=iterator["ShardIterator"])
    return response["Records"], response.get("NextShardIterator", "")


def test_insert_modify_remove_with_both_images(
    ddb: Any, streams: Any, make_table: Callable[..., str]
) -> None:
    table = make_table(
        range=("sk", "N"), StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    )
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"S": "one"}})
    ddb.put_item(TableName=table, Item={**key, "v": {"S": "one"}})  # no change: no record
    ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"B": b"\x00"}},
    )
    ddb.delete_item(TableName=table, Key=key)
    arn = stream_of(ddb, table)
    records, following = read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert (
        insert["Keys"] == key
        and insert["NewImage"] == {**key, "v": {"S": "one"}}
        and "OldImage" not in insert
    )
    assert modify["OldImage"] == {**key, "v": {"S": "one"}}
    assert modify["NewImage"] == {**key, "v": {"B": b"\x00"}}
    assert remove["OldImage"] == {**key, "v": {"B": b"\x00"}} and "NewImage" not in remove
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and all(len(r["dynamodb"]["SequenceNumber"]) >= 21 for r in records)
    first = records[0]
    assert (first["eventVersion"], first["eventSource"], first["awsRegion"]) == (
        "1.1",
        "aws:dynamodb",
        "us-east-1",
    )
    assert insert["StreamViewType"] == "NEW_AND_OLD_IMAGES" and insert["SizeBytes"] > 0
    assert "userIdentity" not in first
    # The next iterator continues after the last record; AFTER_SEQUENCE_NUMBER skips the first.
    assert streams.get_records(ShardIterator=following)["Records"] == []
    later, _ = read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=insert["SequenceNumber"])
    assert [r["eventName"] for r in later] == ["MODIFY", "REMOVE"]
    at, _ = read_all(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=remove["SequenceNumber"])
    assert [r["eventName"] for r in at] == ["REMOVE"]
    latest, _ = read_all(streams, arn, "LATEST")
    assert latest == []


@pytest.mark.parametrize(
    ("view", "images"),
    [("KEYS_ONLY", set()), ("NEW_IMAGE", {"NewImage"}), ("OLD_IMAGE", {"OldImage"})],
)
def test_view_types_choose_the_images(
    ddb: Any, streams: Any, make_table: Callable[..., str], view: str, images: set[str]
) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "2"}})
    records, _ = read_all(streams, stream_of(ddb, table))
    modify = records[1]["dynamodb"]
    assert {k for k in modify if k.endswith("Image")} == images
    assert modify["Keys"] == {"pk": {"S": "a"}} and modify["StreamViewType"] == view


def test_list_and_describe_streams(ddb: Any, streams: Any, make_table: Callable[..., str]) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = stream_of(ddb, table)
    listed = streams.list_streams(TableName=table)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": table, "StreamLabel": arn.rsplit("/", 1)[1]}]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert description["TableName"] == table and description["StreamViewType"] == "KEYS_ONLY"
    (shard,) = description["Shards"]
    assert shard["ShardId"].startswith("shardId-")
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    page = streams.list_streams(Limit=1)
    assert len(page["Streams"]) == 1
    if "LastEvaluatedStreamArn" in page:
        rest = streams.list_streams(ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])["Streams"]
        assert page["Streams"][0] not in rest
    with pytest.raises(ClientError) as error:
        streams.describe_stream(StreamArn=arn.rsplit("/", 1)[0] + "/2001-01-01T00:00:00.000")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_disabling_closes_the_stream_and_reenabling_opens_a_new_one(
    ddb: Any, streams: Any, make_table: Callable[..., str]
) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    first = stream_of(ddb, table)
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}})
    closed = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert closed["StreamStatus"] == "DISABLED"
    sequence_range = closed["Shards"][0]["SequenceNumberRange"]
    assert sequence_range["EndingSequenceNumber"] == sequence_range["StartingSequenceNumber"]
    records, following = read_all(streams, first)
    assert len(records) == 1 and following == ""  # a closed shard read to its end has no next iterator
    ddb.update_table(
        TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    second = stream_of(ddb, table)
    assert second != first
    assert {s["StreamArn"] for s in streams.list_streams(TableName=table)["Streams"]} == {first, second}


def test_iterators_expire_and_records_are_trimmed_after_a_day(
    ddb: Any, streams: Any, make_table: Callable[..., str], server: FogbankServer
) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    ddb.put_item(TableName=table, Item={"pk": {"S": "old"}})
    arn = stream_of(ddb, table)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    (old,) = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    advance(server, "16m")
    with pytest.raises(ClientError) as error:
        streams.get_records(ShardIterator=iterator["ShardIterator"])
    assert error.value.response["Error"]["Code"] == "ExpiredIteratorException"
    advance(server, "24h")
    ddb.put_item(TableName=table, Item={"pk": {"S": "new"}})
    records, _ = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["new"]
    with pytest.raises(ClientError) as error:
        streams.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=old["dynamodb"]["SequenceNumber"],
        )
    assert error.value.response["Error"]["Code"] == "TrimmedDataAccessException"


def test_get_records_limit(ddb: Any, streams: Any, make_table: Callable[..., str]) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": str(i)}})
    arn = stream_of(ddb, table)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    page = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=3)
    assert len(page["Records"]) == 3
    rest = streams.get_records(ShardIterator=page["NextShardIterator"], Limit=3)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rest["Records"]] == ["3", "4"]
    with pytest.raises(ClientError) as error:
        streams.get_records(ShardIterator=page["NextShardIterator"], Limit=1001)
    assert error.value.response["Error"]["Code"] == "ValidationException"
