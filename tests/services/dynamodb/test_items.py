"""PutItem, GetItem, UpdateItem and DeleteItem: every attribute type, checks, conditions, ReturnValues."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.errors import error_of
from tests.services.dynamodb.shapes import definitions, index, key_schema

EVERY_TYPE = {
    "pk": {"S": "k"},
    "s": {"S": "héllo"},
    "n": {"N": "123.4500"},
    "big": {"N": "12345678901234567890123456789012345678"},
    "b": {"B": b"\x00\xffbytes"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "l": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"x": {"B": b"\x01"}}}]},
    "m": {"M": {"nested": {"L": [{"BOOL": False}]}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
}


def test_every_attribute_type_round_trips(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item=EVERY_TYPE)
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "k"}}, ConsistentRead=True)["Item"]
    expected = dict(EVERY_TYPE, n={"N": "123.45"})
    assert {k: v for k, v in item.items() if k not in ("ss", "ns", "bs")} == {
        k: v for k, v in expected.items() if k not in ("ss", "ns", "bs")
    }
    assert sorted(item["ss"]["SS"]) == ["a", "b"] and sorted(item["ns"]["NS"]) == ["1", "2.5"]
    assert sorted(item["bs"]["BS"]) == [b"\x01", b"\x02"]
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 1 and table["TableSizeBytes"] > 0


def test_missing_item_and_projection(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "none"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "x": {"N": "1"}, "y": {"M": {"z": {"S": "deep"}}}})
    got = ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}, ProjectionExpression="y.z")["Item"]
    assert got == {"y": {"M": {"z": {"S": "deep"}}}}
    legacy = ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}, AttributesToGet=["x"])["Item"]
    assert legacy == {"x": {"N": "1"}}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"pk": {"N": "1"}}, "The provided key element does not match the schema"),
        ({"pk": {"S": "a"}, "extra": {"S": "b"}}, "The provided key element does not match the schema"),
        ({"other": {"S": "a"}}, "The provided key element does not match the schema"),
        (
            {"pk": {"S": ""}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            "contain an empty string value. Key: pk",
        ),
    ],
)
def test_bad_keys(ddb: Any, make_table: Any, key: dict, message: str) -> None:
    name = make_table()
    assert error_of(ddb.get_item, TableName=name, Key=key) == ("ValidationException", message)


def test_put_item_checks(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes={"gk": "S"},
        GlobalSecondaryIndexes=[index("by-gk", "gk")],
    )
    cases = [
        ({"x": {"S": "a"}}, "One or more parameter values were invalid: Missing the key pk in the item"),
        (
            {"pk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        (
            {"pk": {"S": "a"}, "gk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for Index Key gk Expected: S Actual: N "
            "IndexName: by-gk",
        ),
        (
            {"pk": {"S": "a"}, "big": {"S": "x" * 400 * 1024}},
            "Item size has exceeded the maximum allowed size",
        ),
    ]
    for item, message in cases:
        assert error_of(ddb.put_item, TableName=name, Item=item) == ("ValidationException", message)
    assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 0


def test_item_just_under_the_limit_fits(ddb: Any, make_table: Any) -> None:
    name = make_table()
    # pk (2 + 1 bytes) and "v" (1 byte) plus the value: exactly 400 KB.
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "x" * (400 * 1024 - 4)}})
    with pytest.raises(ClientError):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "x" * (400 * 1024 - 3)}})


def test_conditions_and_return_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    key = {"pk": {"S": "a"}}
    ddb.put_item(
        TableName=name, Item={**key, "v": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=name,
            Item={**key, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert excinfo.value.response["Item"] == {**key, "v": {"N": "1"}}
    old = ddb.put_item(TableName=name, Item={**key, "v": {"N": "2"}}, ReturnValues="ALL_OLD")["Attributes"]
    assert old == {**key, "v": {"N": "1"}}
    assert error_of(ddb.put_item, TableName=name, Item=key, ReturnValues="ALL_NEW") == (
        "ValidationException",
        "Return values set to invalid value",
    )
    deleted = ddb.delete_item(
        TableName=name,
        Key=key,
        ConditionExpression="v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
        ReturnValues="ALL_OLD",
    )
    assert deleted["Attributes"] == {**key, "v": {"N": "2"}}
    assert "Item" not in ddb.get_item(TableName=name, Key=key)


def test_update_item_return_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    key = {"pk": {"S": "u"}}
    one = {":one": {"N": "1"}}

    def update(expression: str, values: dict[str, Any], return_values: str) -> dict[str, Any]:
        return ddb.update_item(
            TableName=name,
            Key=key,
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
            ReturnValues=return_values,
        )["Attributes"]

    new = update("SET a = :one, b = :two", {**one, ":two": {"S": "x"}}, "ALL_NEW")
    assert new == {**key, "a": {"N": "1"}, "b": {"S": "x"}}
    assert update("SET a = a + :one", one, "UPDATED_OLD") == {"a": {"N": "1"}}
    assert update("REMOVE b SET a = a + :one", one, "UPDATED_NEW") == {"a": {"N": "3"}}
    assert error_of(
        ddb.update_item,
        TableName=name,
        Key=key,
        UpdateExpression="SET pk = :v",
        ExpressionAttributeValues={":v": {"S": "z"}},
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of "
        "the key",
    )


def test_legacy_parameters_and_mixing(ddb: Any, make_table: Any) -> None:
    name = make_table()
    key = {"pk": {"S": "l"}}
    ddb.update_item(TableName=name, Key=key, AttributeUpdates={"c": {"Value": {"N": "5"}, "Action": "PUT"}})
    ddb.put_item(TableName=name, Item={**key, "c": {"N": "6"}}, Expected={"c": {"Value": {"N": "5"}}})
    assert (
        error_of(ddb.put_item, TableName=name, Item=key, Expected={"c": {"Value": {"N": "5"}}})[0]
        == "ConditionalCheckFailedException"
    )
    assert error_of(
        ddb.put_item,
        TableName=name,
        Item=key,
        Expected={"c": {"Exists": False}},
        ConditionExpression="attribute_not_exists(c)",
    ) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: Non-expression "
        "parameters: {Expected} Expression parameters: {ConditionExpression}",
    )
    assert error_of(ddb.get_item, TableName=name, Key=key, ExpressionAttributeNames={"#c": "c"}) == (
        "ValidationException",
        "ExpressionAttributeNames can only be specified when using expressions",
    )
    assert error_of(
        ddb.put_item,
        TableName=name,
        Item=key,
        ConditionExpression="attribute_exists(c)",
        ExpressionAttributeValues={":unused": {"S": "x"}},
    ) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
    )


def test_missing_table(ddb: Any) -> None:
    assert error_of(ddb.get_item, TableName="no-such-table", Key={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_iam_policies_scope_item_access_to_a_table(server: Any) -> None:
    from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies

    account = new_account()
    root = client_for(server, "dynamodb", account, "x")
    for name in ("allowed", "other"):
        root.create_table(
            TableName=name,
            KeySchema=key_schema("pk"),
            AttributeDefinitions=definitions(pk="S"),
            BillingMode="PAY_PER_REQUEST",
        )
    arn = f"arn:aws:dynamodb:us-east-1:{account}:table/allowed"
    make, _ = user_with_policies(
        server,
        account,
        "reader",
        inline={
            "items": policy(
                {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": arn}
            )
        },
    )
    ddb = make("dynamodb")
    ddb.put_item(TableName="allowed", Item={"pk": {"S": "a"}})
    assert ddb.get_item(TableName="allowed", Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    assert error_of(ddb.put_item, TableName="other", Item={"pk": {"S": "a"}})[0] == "AccessDeniedException"


def test_conditional_operator_needs_expected(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "a"}}, ConditionalOperator="AND") == (
        "ValidationException",
        "ConditionalOperator cannot be used without Filter or Expected",
    )
