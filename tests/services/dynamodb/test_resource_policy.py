"""Resource-based policies of DynamoDB tables and streams: the three operations, their revision IDs and
checks, and their enforcement for other accounts' users, explicit denies, indexes and streams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer

REGION = "us-east-1"


def _statement(effect: str, principal: Any, actions: list[str], resource: Any) -> dict[str, Any]:
    return {"Effect": effect, "Principal": principal, "Action": actions, "Resource": resource}


class Owner:
    """A fresh account and its table "Music" (Artist), with one item."""

    def __init__(self, server: FogbankServer, **create: Any) -> None:
        self.server = server
        self.id = new_account()
        self.ddb = client_for(server, "dynamodb", self.id, "x")
        self.ddb.create_table(
            TableName="Music",
            KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "Genre", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "ByGenre",
                    "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
            **create,
        )
        self.arn = f"arn:aws:dynamodb:{REGION}:{self.id}:table/Music"
        self.ddb.put_item(TableName="Music", Item={"Artist": {"S": "Acme"}, "Genre": {"S": "Rock"}})

    def user(self, name: str, *statements: dict[str, Any], account: str | None = None) -> Any:
        inline = {"p": policy(*statements)} if statements else None
        make, _ = user_with_policies(self.server, account or self.id, name, inline)
        return make("dynamodb", region_name=REGION)


@pytest.fixture
def owner(server: FogbankServer) -> Owner:
    return Owner(server)


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_put_get_delete_with_revisions(owner: Owner) -> None:
    ddb = owner.ddb
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=owner.arn)
    assert _code(excinfo) == "PolicyNotFoundException"
    assert owner.arn in excinfo.value.response["Error"]["Message"]

    text = policy(
        _statement("Allow", {"AWS": f"arn:aws:iam::{owner.id}:root"}, ["dynamodb:GetItem"], owner.arn)
    )
    revision = ddb.put_resource_policy(ResourceArn=owner.arn, Policy=text, ExpectedRevisionId="NO_POLICY")[
        "RevisionId"
    ]
    got = ddb.get_resource_policy(ResourceArn=owner.arn)
    assert got["Policy"] == text and got["RevisionId"] == revision
    # The same document again keeps its revision.
    assert ddb.put_resource_policy(ResourceArn=owner.arn, Policy=text)["RevisionId"] == revision

    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=owner.arn, Policy=text, ExpectedRevisionId="NO_POLICY")
    assert _code(excinfo) == "PolicyNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=owner.arn, Policy=text, ExpectedRevisionId="1")
    assert _code(excinfo) == "PolicyNotFoundException"

    changed = text.replace("GetItem", "Query")
    newer = ddb.put_resource_policy(ResourceArn=owner.arn, Policy=changed, ExpectedRevisionId=revision)
    assert newer["RevisionId"] != revision
    assert ddb.get_resource_policy(ResourceArn=owner.arn)["Policy"] == changed

    with pytest.raises(ClientError) as excinfo:
        ddb.delete_resource_policy(ResourceArn=owner.arn, ExpectedRevisionId=revision)
    assert _code(excinfo) == "PolicyNotFoundException"
    deleted = ddb.delete_resource_policy(ResourceArn=owner.arn, ExpectedRevisionId=newer["RevisionId"])
    assert deleted["RevisionId"] == newer["RevisionId"]
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=owner.arn)
    assert _code(excinfo) == "PolicyNotFoundException"
    # Deleting again is no error, unless a revision is expected.
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=owner.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_resource_policy(ResourceArn=owner.arn, ExpectedRevisionId=revision)
    assert _code(excinfo) == "PolicyNotFoundException"


def test_policy_checks(owner: Owner) -> None:
    ddb = owner.ddb
    missing = f"arn:aws:dynamodb:{REGION}:{owner.id}:table/Nope"
    allow = policy(_statement("Allow", {"AWS": owner.id}, ["dynamodb:GetItem"], owner.arn))
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=missing, Policy=allow)
    assert _code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=missing)
    assert _code(excinfo) == "ResourceNotFoundException"
    for bad in (
        "{not json",
        policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": owner.arn}),  # no principal
    ):
        with pytest.raises(ClientError) as excinfo:
            ddb.put_resource_policy(ResourceArn=owner.arn, Policy=bad)
        assert _code(excinfo) == "ValidationException"
    padded = json.dumps(json.loads(allow), indent=20000)  # whitespace counts toward the 20 KB
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=owner.arn, Policy=padded)
    assert _code(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=owner.arn)
    assert _code(excinfo) == "PolicyNotFoundException"


def test_another_accounts_user_needs_both_policies(server: FogbankServer, owner: Owner) -> None:
    other = new_account()
    identity = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": owner.arn}
    bob = owner.user("bob", identity, account=other)
    no_identity = owner.user("eve", account=other)
    key = {"Artist": {"S": "Acme"}}
    with pytest.raises(ClientError) as excinfo:
        bob.get_item(TableName=owner.arn, Key=key)
    assert _code(excinfo) == "AccessDeniedException"

    bob_arn = f"arn:aws:iam::{other}:user/bob"
    eve_arn = f"arn:aws:iam::{other}:user/eve"
    owner.ddb.put_resource_policy(
        ResourceArn=owner.arn,
        Policy=policy(_statement("Allow", {"AWS": [bob_arn, eve_arn]}, ["dynamodb:GetItem"], owner.arn)),
    )
    assert bob.get_item(TableName=owner.arn, Key=key)["Item"]["Genre"] == {"S": "Rock"}
    with pytest.raises(ClientError) as excinfo:
        no_identity.get_item(TableName=owner.arn, Key=key)
    assert _code(excinfo) == "AccessDeniedException"
    with pytest.raises(ClientError) as excinfo:  # the table policy allows reads only
        bob.put_item(TableName=owner.arn, Item={"Artist": {"S": "Bob"}})
    assert _code(excinfo) == "AccessDeniedException"


def test_explicit_deny_binds_the_owners_users_and_root(owner: Owner) -> None:
    carol = owner.user("carol", {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    key = {"Artist": {"S": "Acme"}}
    assert "Item" in carol.get_item(TableName="Music", Key=key)
    carol_arn = f"arn:aws:iam::{owner.id}:user/carol"
    owner.ddb.put_resource_policy(
        ResourceArn=owner.arn,
        Policy=policy(
            _statement(
                "Deny",
                {"AWS": carol_arn},
                ["dynamodb:GetItem", "dynamodb:Query"],
                [
                    owner.arn,
                    f"{owner.arn}/index/*",
                ],
            ),
            _statement("Deny", "*", ["dynamodb:DeleteItem"], owner.arn),
        ),
    )
    with pytest.raises(ClientError) as excinfo:
        carol.get_item(TableName="Music", Key=key)
    assert _code(excinfo) == "AccessDeniedException"
    assert "with an explicit deny in a resource-based policy" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:  # the table's policy governs its indexes
        carol.query(
            TableName="Music",
            IndexName="ByGenre",
            KeyConditionExpression="Genre = :g",
            ExpressionAttributeValues={":g": {"S": "Rock"}},
        )
    assert _code(excinfo) == "AccessDeniedException"
    assert f"{owner.arn}/index/ByGenre" in excinfo.value.response["Error"]["Message"]
    assert carol.scan(TableName="Music")["Count"] == 1
    with pytest.raises(ClientError) as excinfo:
        owner.ddb.delete_item(TableName="Music", Key=key)
    assert _code(excinfo) == "AccessDeniedException"
    # The account's root may always remove the policy, and then delete.
    owner.ddb.delete_resource_policy(ResourceArn=owner.arn)
    owner.ddb.delete_item(TableName="Music", Key=key)


def test_a_policy_binds_root_by_the_condition_keys_of_its_requests(owner: Owner) -> None:
    key = {"Artist": {"S": "Acme"}}
    assert "Item" in owner.ddb.get_item(TableName="Music", Key=key)
    deny = _statement("Deny", "*", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], owner.arn)
    deny["Condition"] = {"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": ["Acme"]}}
    owner.ddb.put_resource_policy(ResourceArn=owner.arn, Policy=policy(deny))
    for call in (
        lambda: owner.ddb.get_item(TableName="Music", Key=key),
        lambda: owner.ddb.put_item(TableName="Music", Item={**key, "Genre": {"S": "Jazz"}}),
        lambda: owner.ddb.query(
            TableName="Music",
            KeyConditionExpression="Artist = :a",
            ExpressionAttributeValues={":a": {"S": "Acme"}},
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _code(excinfo) == "AccessDeniedException"
    owner.ddb.put_item(TableName="Music", Item={"Artist": {"S": "Other"}})
    assert "Item" in owner.ddb.get_item(TableName="Music", Key={"Artist": {"S": "Other"}})
    owner.ddb.delete_resource_policy(ResourceArn=owner.arn)
    assert "Item" in owner.ddb.get_item(TableName="Music", Key=key)


def test_confirm_remove_self_resource_access(owner: Owner) -> None:
    admin = owner.user("admin", {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    admin_arn = f"arn:aws:iam::{owner.id}:user/admin"
    text = policy(_statement("Deny", {"AWS": admin_arn}, ["dynamodb:PutResourcePolicy"], owner.arn))
    with pytest.raises(ClientError) as excinfo:
        admin.put_resource_policy(ResourceArn=owner.arn, Policy=text)
    assert _code(excinfo) == "ValidationException"
    admin.put_resource_policy(ResourceArn=owner.arn, Policy=text, ConfirmRemoveSelfResourceAccess=True)
    with pytest.raises(ClientError) as excinfo:
        admin.put_resource_policy(ResourceArn=owner.arn, Policy=text.replace("Deny", "Allow"))
    assert _code(excinfo) == "AccessDeniedException"


def test_stream_policies(server: FogbankServer) -> None:
    owner = Owner(server, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    stream_arn = owner.ddb.describe_table(TableName="Music")["Table"]["LatestStreamArn"]
    other = new_account()
    reader_arn = f"arn:aws:iam::{other}:user/reader"
    actions = ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"]
    make, _ = user_with_policies(
        server, other, "reader", {"p": policy({"Effect": "Allow", "Action": actions, "Resource": stream_arn})}
    )
    streams = make("dynamodbstreams", region_name=REGION)
    with pytest.raises(ClientError) as excinfo:
        streams.describe_stream(StreamArn=stream_arn)
    assert _code(excinfo) == "AccessDeniedException"

    text = policy(_statement("Allow", {"AWS": reader_arn}, actions, stream_arn))
    revision = owner.ddb.put_resource_policy(ResourceArn=stream_arn, Policy=text)["RevisionId"]
    got = owner.ddb.get_resource_policy(ResourceArn=stream_arn)
    assert (got["Policy"], got["RevisionId"]) == (text, revision)
    with pytest.raises(ClientError) as excinfo:  # the table has a policy of its own, or none
        owner.ddb.get_resource_policy(ResourceArn=owner.arn)
    assert _code(excinfo) == "PolicyNotFoundException"
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert records[0]["dynamodb"]["NewImage"]["Artist"] == {"S": "Acme"}


def test_create_table_with_a_policy_needs_put_resource_policy(server: FogbankServer) -> None:
    account = new_account()
    arn = f"arn:aws:dynamodb:{REGION}:{account}:table/Made"
    make, _ = user_with_policies(
        server,
        account,
        "maker",
        {"p": policy({"Effect": "Allow", "Action": ["dynamodb:CreateTable"], "Resource": arn})},
    )
    ddb = make("dynamodb", region_name=REGION)
    create = {
        "TableName": "Made",
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    text = policy(_statement("Allow", {"AWS": account}, ["dynamodb:GetItem"], arn))
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(**create, ResourcePolicy=text)
    assert _code(excinfo) == "AccessDeniedException"
    assert "dynamodb:PutResourcePolicy" in excinfo.value.response["Error"]["Message"]
    ddb.create_table(**create)


def test_a_recreated_table_starts_without_the_old_policy(owner: Owner) -> None:
    text = policy(_statement("Allow", {"AWS": owner.id}, ["dynamodb:GetItem"], owner.arn))
    owner.ddb.put_resource_policy(ResourceArn=owner.arn, Policy=text)
    owner.ddb.delete_table(TableName="Music")
    owner.ddb.create_table(
        TableName="Music",
        KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Artist", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(ClientError) as excinfo:
        owner.ddb.get_resource_policy(ResourceArn=owner.arn)
    assert _code(excinfo) == "PolicyNotFoundException"


def test_create_table_stores_its_policy_and_a_bad_one_leaves_no_table(server: FogbankServer) -> None:
    account = new_account()
    ddb = client_for(server, "dynamodb", account, "root", region_name=REGION)
    arn = f"arn:aws:dynamodb:{REGION}:{account}:table/Born"
    create = {
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    text = policy(_statement("Allow", {"AWS": account}, ["dynamodb:GetItem"], arn))
    ddb.create_table(TableName="Born", ResourcePolicy=text, **create)
    assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"]) == json.loads(text)
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(TableName="Stillborn", ResourcePolicy="{not json", **create)
    assert _code(excinfo) == "ValidationException"
    assert "Stillborn" not in ddb.list_tables()["TableNames"]
