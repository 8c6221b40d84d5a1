"""Time to Live: settings, and expired items deleted by fogbank's clock as service deletions in the stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.dynamodb.clock import advance, eventually, now


def test_update_and_describe_time_to_live(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()

    def described() -> dict[str, Any]:
        return ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]

    def update_error(enabled: bool, name: str) -> str:
        spec = {"Enabled": enabled, "AttributeName": name}
        with pytest.raises(ClientError) as error:
            ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
        assert error.value.response["Error"]["Code"] == "ValidationException"
        return error.value.response["Error"]["Message"]

    assert described() == {"TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "expires"}
    response = ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
    assert response["TimeToLiveSpecification"] == spec
    assert described() == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert update_error(True, "expires") == "TimeToLive is already enabled"
    assert update_error(False, "x") == (
        "TimeToLive is active on a different AttributeName: current AttributeName is expires"
    )
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={**spec, "Enabled": False})
    assert described() == {"TimeToLiveStatus": "DISABLED"}
    assert update_error(False, "x") == "TimeToLive is already disabled"
    with pytest.raises(ClientError) as error:
        ddb.describe_time_to_live(TableName="no-such-table")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_expired_items_are_deleted_and_streamed_as_service_deletions(
    ddb: Any, client: Callable[..., Any], make_table: Callable[..., str], server: FogbankServer
) -> None:
    streams = client("dynamodbstreams")
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    soon = int(now(server).timestamp()) + 3600
    ddb.put_item(TableName=table, Item={"pk": {"S": "soon"}, "ttl": {"N": str(soon)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "later"}, "ttl": {"N": str(soon + 86400)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "text"}, "ttl": {"S": str(soon)}})  # not a Number
    ddb.put_item(TableName=table, Item={"pk": {"S": "ancient"}, "ttl": {"N": "1"}})  # over five years ago
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "soon"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "changed"}},
    )
    advance(server, "2h")

    def remaining() -> set[str]:
        return {item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"]}

    eventually(lambda: "soon" not in remaining())
    assert remaining() == {"later", "text", "ancient"}
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "INSERT", "INSERT", "INSERT", "MODIFY", "REMOVE"]
    remove = records[-1]
    assert remove["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert remove["dynamodb"]["OldImage"] == {
        "pk": {"S": "soon"},
        "ttl": {"N": str(soon)},
        "v": {"S": "changed"},
    }
    assert "NewImage" not in remove["dynamodb"]
    assert all("userIdentity" not in r for r in records[:-1])
    advance(server, "1d")
    eventually(lambda: remaining() == {"text", "ancient"})


def test_each_item_expires_at_its_own_time(
    ddb: Any, make_table: Callable[..., str], server: FogbankServer
) -> None:
    table = make_table()
    start = int(now(server).timestamp())
    # Written before TTL is enabled: enabling it indexes the items already there.
    ddb.put_item(TableName=table, Item={"pk": {"S": "first"}, "ttl": {"N": str(start + 3600)}})
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "second"}, "ttl": {"N": str(start + 3 * 3600)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "moved"}, "ttl": {"N": str(start + 1800)}})
    ddb.update_item(  # its expiry moves later: the earlier one is forgotten
        TableName=table,
        Key={"pk": {"S": "moved"}},
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "ttl"},
        ExpressionAttributeValues={":t": {"N": str(start + 5 * 3600)}},
    )

    def remaining() -> set[str]:
        return {item["pk"]["S"] for item in ddb.scan(TableName=table, ConsistentRead=True)["Items"]}

    advance(server, "2h")
    eventually(lambda: "first" not in remaining())
    assert remaining() == {"second", "moved"}  # deleted in the same run, had they expired
    advance(server, "2h")
    eventually(lambda: "second" not in remaining())
    assert remaining() == {"moved"}
    advance(server, "2h")
    eventually(lambda: not remaining())
