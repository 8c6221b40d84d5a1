"""Filter policies: AWS's validation through Subscribe and SetSubscriptionAttributes, and matching."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.services.sns.filter_policy import compiled


def _attrs(**values: Any) -> dict[str, dict[str, str]]:
    made = {}
    for name, value in values.items():
        if isinstance(value, list):
            made[name] = {"DataType": "String.Array", "StringValue": json.dumps(value)}
        elif isinstance(value, int | float):
            made[name] = {"DataType": "Number", "StringValue": str(value)}
        elif isinstance(value, bytes):
            made[name] = {"DataType": "Binary", "BinaryValue": value}  # type: ignore[dict-item]
        else:
            made[name] = {"DataType": "String", "StringValue": value}
    return made


def matches(policy: dict[str, Any], **values: Any) -> bool:
    return compiled(json.dumps(policy)).matches_attributes(_attrs(**values))


def body_matches(policy: dict[str, Any], body: Any) -> bool:
    return compiled(json.dumps(policy), "MessageBody").matches_body(body)


def test_exact_prefix_suffix_and_equals_ignore_case() -> None:
    assert matches({"color": ["red", "blue"]}, color="blue")
    assert not matches({"color": ["red"]}, color="Red")
    assert not matches({"color": ["red"]})
    assert matches({"color": [{"prefix": "re"}]}, color="red")
    assert matches({"color": [{"suffix": "ed"}]}, color="red")
    assert matches({"color": [{"equals-ignore-case": "RED"}]}, color="rEd")
    assert matches({"n": [5]}, n=5.0)
    assert not matches({"n": [5]}, n="5")
    assert not matches({"color": ["red"]}, color=b"red")


def test_anything_but() -> None:
    assert matches({"c": [{"anything-but": ["red", "blue"]}]}, c="green")
    assert not matches({"c": [{"anything-but": "red"}]}, c="red")
    assert not matches({"c": [{"anything-but": "red"}]})
    assert matches({"n": [{"anything-but": [1, 2]}]}, n=3)
    assert not matches({"n": [{"anything-but": [1, 2]}]}, n=2)
    assert matches({"c": [{"anything-but": {"prefix": "re"}}]}, c="blue")
    assert not matches({"c": [{"anything-but": {"prefix": "re"}}]}, c="red")
    assert not matches({"c": [{"anything-but": {"suffix": "ed"}}]}, c="red")
    assert not matches({"c": [{"anything-but": {"equals-ignore-case": ["RED"]}}]}, c="red")


def test_numeric_ranges() -> None:
    between = {"p": [{"numeric": [">", 0, "<=", 100]}]}
    assert matches(between, p=100) and matches(between, p=0.5)
    assert not matches(between, p=0) and not matches(between, p=101)
    assert matches({"p": [{"numeric": ["=", 3.5]}]}, p=3.5)
    assert matches({"p": [{"numeric": [">=", 10]}]}, p=10)
    assert not matches({"p": [{"numeric": ["<", 10]}]}, p="5")


def test_exists_cidr_and_arrays() -> None:
    assert matches({"k": [{"exists": True}]}, k="anything")
    assert not matches({"k": [{"exists": True}]})
    assert matches({"k": [{"exists": False}]}, other="x")
    assert not matches({"k": [{"exists": False}]}, k="x")
    assert matches({"ip": [{"cidr": "10.0.0.0/24"}]}, ip="10.0.0.255")
    assert not matches({"ip": [{"cidr": "10.0.0.0/24"}]}, ip="10.0.1.1")
    assert matches({"tags": ["b"]}, tags=["a", "b"])
    assert not matches({"tags": ["c"]}, tags=["a", "b"])
    assert matches({"nums": [{"numeric": [">", 5]}]}, nums=[1, 9])


def test_every_key_must_match_and_or_offers_alternatives() -> None:
    policy = {"a": ["1"], "$or": [{"b": ["2"]}, {"c": ["3"]}]}
    assert matches(policy, a="1", b="2")
    assert matches(policy, a="1", c="3")
    assert not matches(policy, a="1")
    assert not matches(policy, b="2")


def test_body_scope_nested_keys_and_arrays() -> None:
    policy = {"order": {"kind": ["book"], "total": [{"numeric": [">", 10]}]}, "paid": [True]}
    assert body_matches(policy, {"order": {"kind": "book", "total": 12}, "paid": True})
    assert not body_matches(policy, {"order": {"kind": "book", "total": 12}, "paid": False})
    assert not body_matches(policy, {"order": {"kind": "book"}, "paid": True})
    assert body_matches({"items": {"sku": ["a"]}}, {"items": [{"sku": "b"}, {"sku": "a"}]})
    assert body_matches({"v": [None]}, {"v": None})
    assert body_matches({"v": [{"exists": False}]}, {"w": 1})
    assert not body_matches({"v": ["x"]}, None)
    assert body_matches({"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}, {"b": {"c": "2"}})


@pytest.mark.parametrize(
    ("policy", "scope", "message"),
    [
        ("{not json", "MessageAttributes", None),
        ({"a": []}, "MessageAttributes", "Invalid parameter: FilterPolicy: Empty arrays are not allowed"),
        (
            {"a": [{"foo": 1}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Unrecognized match type foo",
        ),
        (
            {"a": [{"prefix": 1}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: prefix match pattern must be a string",
        ),
        (
            {"a": [{"exists": "yes"}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: exists match pattern must be either true or false.",
        ),
        (
            {"a": [{"numeric": [">", "x"]}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Value of > must be numeric",
        ),
        (
            {"a": [{"numeric": ["<", 5, ">", 1]}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Bad numeric range operator: <",
        ),
        (
            {"a": [{"numeric": [">", 5, "<", 1]}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Bottom must be less than top",
        ),
        (
            {"a": [{"numeric": ["!", 5]}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Unrecognized numeric range operator: !",
        ),
        (
            {"a": [{"cidr": "10.0.0.1"}]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required",
        ),
        (
            {"a": [[1]]},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Match value must be String, number, true, false, or null",
        ),
        (
            {"a": {"b": ["c"]}},
            "MessageAttributes",
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
        ),
        (
            {k: ["v"] for k in "abcdef"},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys",
        ),
        (
            {k: [str(i) for i in range(6)] for k in "abc"},
            "MessageAttributes",
            "Invalid parameter: FilterPolicy: Filter policy is too complex",
        ),
    ],
)
def test_invalid_policies_are_refused_as_aws_refuses_them(
    sns: Any, topic: str, policy: Any, scope: str, message: str | None
) -> None:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=f"arn:aws:sqs:us-east-1:000000000000:{uuid.uuid4().hex}",
            Attributes={"FilterPolicy": text, "FilterPolicyScope": scope},
        )
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidParameter"
    if message is not None:
        assert error["Message"] == message
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_set_filter_policy_and_scope(sns: Any, topic: str, account: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{account}:q")[
        "SubscriptionArn"
    ]
    nested = json.dumps({"a": {"b": ["c"]}})
    with pytest.raises(ClientError):
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=nested
        )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageBody"
    )
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=nested)
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert (attributes["FilterPolicy"], attributes["FilterPolicyScope"]) == (nested, "MessageBody")
    with pytest.raises(ClientError):
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes"
        )
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue="")
    assert "FilterPolicy" not in sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]


def test_unknown_scope_is_refused(sns: Any, topic: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint="arn:aws:sqs:us-east-1:000000000000:q",
            Attributes={"FilterPolicy": "{}", "FilterPolicyScope": "Headers"},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Invalid parameter: FilterPolicyScope: Invalid value [Headers]. Please use either MessageBody or "
        "MessageAttributes"
    )
