"""DynamoDB fine-grained access control: IAM users limited by dynamodb:LeadingKeys, dynamodb:Attributes,
dynamodb:Select, dynamodb:EnclosingOperation and index ARNs, as AWS's guide's examples do."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer

REGION = "us-east-1"


class Account:
    """A fresh account with a GameScores table (UserId, GameTitle) and a GSI by GameTitle and TopScore."""

    def __init__(self, server: FogbankServer) -> None:
        self.server = server
        self.id = new_account()
        self.root = client_for(server, "dynamodb", self.id, "x")
        self.root.create_table(
            TableName="GameScores",
            KeySchema=[
                {"AttributeName": "UserId", "KeyType": "HASH"},
                {"AttributeName": "GameTitle", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "UserId", "AttributeType": "S"},
                {"AttributeName": "GameTitle", "AttributeType": "S"},
                {"AttributeName": "TopScore", "AttributeType": "N"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "TopScores",
                    "KeySchema": [
                        {"AttributeName": "GameTitle", "KeyType": "HASH"},
                        {"AttributeName": "TopScore", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        self.arn = f"arn:aws:dynamodb:{REGION}:{self.id}:table/GameScores"
        for user in ("alice", "bob"):
            self.root.put_item(TableName="GameScores", Item=_score(user, "Meteor", 10, "s3cret"))

    def user(self, name: str, *statements: dict[str, Any]) -> Any:
        make, _ = user_with_policies(self.server, self.id, name, {"p": policy(*statements)})
        return make("dynamodb", region_name=REGION)


def _score(user: str, game: str, score: int, secret: str = "x") -> dict[str, Any]:
    return {
        "UserId": {"S": user},
        "GameTitle": {"S": game},
        "TopScore": {"N": str(score)},
        "Secret": {"S": secret},
    }


def _key(user: str, game: str = "Meteor") -> dict[str, Any]:
    return {"UserId": {"S": user}, "GameTitle": {"S": game}}


def _denied(excinfo: pytest.ExceptionInfo[ClientError], action: str, resource: str) -> str:
    error = excinfo.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"is not authorized to perform: dynamodb:{action} on resource: {resource}" in error["Message"]
    return str(error["Message"])


@pytest.fixture
def account(server: FogbankServer) -> Account:
    return Account(server)


def _own_partition(arn: str, actions: list[str]) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": [f"dynamodb:{a}" for a in actions],
        "Resource": arn,
        "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}},
    }


def test_leading_keys_limit_a_user_to_its_own_partition(account: Account) -> None:
    ddb = account.user("alice", _own_partition(account.arn, ["GetItem", "PutItem", "Query", "UpdateItem"]))
    ddb.put_item(TableName="GameScores", Item=_score("alice", "Galaxy", 30))
    assert ddb.get_item(TableName="GameScores", Key=_key("alice", "Galaxy"))["Item"]["TopScore"] == {
        "N": "30"
    }
    ddb.update_item(
        TableName="GameScores",
        Key=_key("alice"),
        UpdateExpression="SET TopScore = :s",
        ExpressionAttributeValues={":s": {"N": "11"}},
    )
    found = ddb.query(
        TableName="GameScores",
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": "alice"}},
    )
    assert found["Count"] == 2

    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="GameScores", Key=_key("bob"))
    message = _denied(excinfo, "GetItem", account.arn)
    assert message == (
        f"User: arn:aws:iam::{account.id}:user/alice is not authorized to perform: dynamodb:GetItem on "
        f"resource: {account.arn} because no identity-based policy allows the dynamodb:GetItem action"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="GameScores", Item=_score("bob", "Galaxy", 1))
    _denied(excinfo, "PutItem", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName="GameScores",
            KeyConditionExpression="UserId = :u",
            ExpressionAttributeValues={":u": {"S": "bob"}},
        )
    _denied(excinfo, "Query", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName="GameScores",
            Key=_key("bob"),
            UpdateExpression="SET TopScore = :s",
            ExpressionAttributeValues={":s": {"N": "0"}},
        )
    _denied(excinfo, "UpdateItem", account.arn)
    # Nothing of bob's changed.
    item = account.root.get_item(TableName="GameScores", Key=_key("bob"))["Item"]
    assert item["TopScore"] == {"N": "10"}
    assert "Item" not in account.root.get_item(TableName="GameScores", Key=_key("bob", "Galaxy"))


def test_batches_are_judged_item_by_item(account: Account) -> None:
    ddb = account.user("alice", _own_partition(account.arn, ["BatchGetItem", "BatchWriteItem"]))
    ddb.batch_write_item(
        RequestItems={"GameScores": [{"PutRequest": {"Item": _score("alice", "Galaxy", 5)}}]}
    )
    got = ddb.batch_get_item(RequestItems={"GameScores": {"Keys": [_key("alice"), _key("alice", "Galaxy")]}})
    assert len(got["Responses"]["GameScores"]) == 2

    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={"GameScores": {"Keys": [_key("alice"), _key("bob")]}})
    _denied(excinfo, "BatchGetItem", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(
            RequestItems={
                "GameScores": [
                    {"PutRequest": {"Item": _score("alice", "Comet", 1)}},
                    {"DeleteRequest": {"Key": _key("bob")}},
                ]
            }
        )
    _denied(excinfo, "BatchWriteItem", account.arn)
    # The refused batch wrote nothing.
    assert "Item" not in account.root.get_item(TableName="GameScores", Key=_key("alice", "Comet"))
    assert "Item" in account.root.get_item(TableName="GameScores", Key=_key("bob"))


def test_attribute_limited_reads_need_a_projection_of_allowed_attributes(account: Account) -> None:
    ddb = account.user(
        "alice",
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query"],
            "Resource": account.arn,
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"]},
                "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
            },
        },
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="GameScores", Key=_key("bob"))
    _denied(excinfo, "GetItem", account.arn)
    item = ddb.get_item(TableName="GameScores", Key=_key("bob"), ProjectionExpression="TopScore, UserId")
    assert item["Item"] == {"TopScore": {"N": "10"}, "UserId": {"S": "bob"}}
    assert ddb.get_item(TableName="GameScores", Key=_key("bob"), AttributesToGet=["TopScore"])["Item"] == {
        "TopScore": {"N": "10"}
    }
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(
            TableName="GameScores",
            Key=_key("bob"),
            ProjectionExpression="TopScore, #s",
            ExpressionAttributeNames={"#s": "Secret"},
        )
    _denied(excinfo, "GetItem", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName="GameScores",
            KeyConditionExpression="UserId = :u",
            ExpressionAttributeValues={":u": {"S": "bob"}},
            Select="ALL_ATTRIBUTES",
        )
    _denied(excinfo, "Query", account.arn)
    found = ddb.query(
        TableName="GameScores",
        KeyConditionExpression="UserId = :u",
        ExpressionAttributeValues={":u": {"S": "bob"}},
        ProjectionExpression="GameTitle",
    )
    assert found["Items"] == [{"GameTitle": {"S": "Meteor"}}]


def test_attribute_limited_writes(account: Account) -> None:
    ddb = account.user(
        "alice",
        {
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Resource": account.arn,
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"]},
                "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "UPDATED_NEW"]},
            },
        },
    )
    ddb.update_item(
        TableName="GameScores",
        Key=_key("bob"),
        UpdateExpression="SET TopScore = TopScore + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName="GameScores",
            Key=_key("bob"),
            UpdateExpression="SET TopScore = :s",
            ExpressionAttributeValues={":s": {"N": "1"}},
            ReturnValues="ALL_OLD",
        )
    _denied(excinfo, "UpdateItem", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName="GameScores", Key=_key("bob"), UpdateExpression="REMOVE Secret")
    _denied(excinfo, "UpdateItem", account.arn)
    ddb.put_item(
        TableName="GameScores",
        Item={"UserId": {"S": "carol"}, "GameTitle": {"S": "Meteor"}, "TopScore": {"N": "3"}},
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="GameScores", Item=_score("carol", "Comet", 1))
    _denied(excinfo, "PutItem", account.arn)
    item = account.root.get_item(TableName="GameScores", Key=_key("bob"))["Item"]
    assert item["TopScore"] == {"N": "11"} and item["Secret"] == {"S": "s3cret"}


def test_index_queries_are_authorized_on_the_index(account: Account) -> None:
    index_arn = f"{account.arn}/index/TopScores"
    ddb = account.user(
        "alice", {"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:Scan"], "Resource": index_arn}
    )
    found = ddb.query(
        TableName="GameScores",
        IndexName="TopScores",
        KeyConditionExpression="GameTitle = :g",
        ExpressionAttributeValues={":g": {"S": "Meteor"}},
    )
    assert found["Count"] == 2
    assert ddb.scan(TableName="GameScores", IndexName="TopScores")["Count"] == 2
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName="GameScores")
    _denied(excinfo, "Scan", account.arn)


def test_transactions_need_each_items_action_within_the_transaction(account: Account) -> None:
    ddb = account.user(
        "alice",
        {
            "Effect": "Allow",
            "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"],
            "Resource": account.arn,
            "Condition": {
                "StringEquals": {"dynamodb:EnclosingOperation": ["TransactWriteItems", "TransactGetItems"]}
            },
        },
    )
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "GameScores", "Item": _score("alice", "Comet", 7)}},
            {
                "Update": {
                    "TableName": "GameScores",
                    "Key": _key("bob"),
                    "UpdateExpression": "SET TopScore = :s",
                    "ExpressionAttributeValues": {":s": {"N": "12"}},
                }
            },
        ]
    )
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "GameScores", "Key": _key("bob")}}])
    assert got["Responses"][0]["Item"]["TopScore"] == {"N": "12"}
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName="GameScores", Item=_score("alice", "Galaxy", 1))
    _denied(excinfo, "PutItem", account.arn)
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "GameScores", "Item": _score("alice", "Nova", 7)}},
                {
                    "ConditionCheck": {
                        "TableName": "GameScores",
                        "Key": _key("bob"),
                        "ConditionExpression": "attribute_exists(UserId)",
                    }
                },
            ]
        )
    _denied(excinfo, "ConditionCheckItem", account.arn)
    assert "Item" not in account.root.get_item(TableName="GameScores", Key=_key("alice", "Nova"))


def test_return_consumed_capacity_and_select_conditions(account: Account) -> None:
    ddb = account.user(
        "alice",
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Scan"],
            "Resource": [account.arn, f"{account.arn}/index/*"],
            "Condition": {
                "StringEqualsIfExists": {
                    "dynamodb:ReturnConsumedCapacity": "NONE",
                    "dynamodb:Select": ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_PROJECTED_ATTRIBUTES"],
                }
            },
        },
    )
    key = _key("bob")
    got = ddb.get_item(
        TableName="GameScores", Key=key, ProjectionExpression="Secret", ReturnConsumedCapacity="NONE"
    )
    assert got["Item"] == {"Secret": {"S": "s3cret"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(
            TableName="GameScores", Key=key, ProjectionExpression="Secret", ReturnConsumedCapacity="TOTAL"
        )
    _denied(excinfo, "GetItem", account.arn)
    assert ddb.scan(TableName="GameScores", Select="COUNT")["Count"] == 2
    # An index scan without Select reads its projected attributes, which the policy allows.
    assert ddb.scan(TableName="GameScores", IndexName="TopScores")["Count"] == 2
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName="GameScores")
    _denied(excinfo, "Scan", account.arn)
