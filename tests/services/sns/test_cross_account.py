"""SQS subscriptions across accounts: who must confirm them, and whose ListSubscriptions shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account
from tests.services.sns.test_fanout import _drain, _queue


@pytest.fixture
def other(client: Callable[..., Any]) -> tuple[Any, Any, str]:
    """SNS and SQS clients of a second account, and its id."""
    account = new_account()
    return client("sns", aws_access_key_id=account), client("sqs", aws_access_key_id=account), account


def _open_to(sqs: Any, url: str, arn: str, topic: str) -> None:
    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(allow)})


def test_queue_of_another_account_confirms_the_subscription_the_topic_owner_made(
    sns: Any, topic: str, other: tuple[Any, Any, str]
) -> None:
    other_sns, other_sqs, _ = other
    url, arn = _queue(other_sqs)
    _open_to(other_sqs, url, arn, topic)
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"] == (
        "pending confirmation"
    )
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    sns.publish(TopicArn=topic, Message="too early")
    [confirmation] = _drain(other_sqs, url)
    body = json.loads(confirmation["Body"])
    assert (body["Type"], body["TopicArn"]) == ("SubscriptionConfirmation", topic)
    assert body["SubscribeURL"] and body["Signature"]

    with pytest.raises(ClientError) as excinfo:
        other_sns.confirm_subscription(TopicArn=topic, Token="0" * 128)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameter"
    confirmed = other_sns.confirm_subscription(TopicArn=topic, Token=body["Token"])["SubscriptionArn"]
    assert confirmed.startswith(topic + ":")
    attributes = sns.get_subscription_attributes(SubscriptionArn=confirmed)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    sns.publish(TopicArn=topic, Message="on time")
    assert [json.loads(m["Body"])["Message"] for m in _drain(other_sqs, url)] == ["on time"]


def test_queue_whose_policy_refuses_the_topic_gets_no_confirmation(
    sns: Any, topic: str, other: tuple[Any, Any, str]
) -> None:
    _, other_sqs, _ = other
    url, arn = _queue(other_sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    assert _drain(other_sqs, url) == []
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"


def test_same_account_queue_is_confirmed_at_once(sns: Any, sqs: Any, topic: str) -> None:
    url, arn = _queue(sqs)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    assert _drain(sqs, url) == []  # no SubscriptionConfirmation


def test_list_subscriptions_shows_the_requesters_subscriptions(
    sns: Any, topic: str, account: str, other: tuple[Any, Any, str]
) -> None:
    other_sns, other_sqs, other_account = other
    sns.add_permission(TopicArn=topic, Label="subs", AWSAccountId=[other_account], ActionName=["Subscribe"])
    _, arn = _queue(other_sqs)
    sub = other_sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert sub.startswith(topic + ":")  # the queue's owner made it: confirmed at once
    own = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")["SubscriptionArn"]

    theirs = other_sns.list_subscriptions()["Subscriptions"]
    assert [(s["SubscriptionArn"], s["Owner"], s["TopicArn"]) for s in theirs] == [
        (sub, other_account, topic)
    ]
    assert [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]] == [own]
    by_topic = {
        s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    }
    assert by_topic == {sub, own}

    assert other_sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["Owner"] == other_account
    other_sns.unsubscribe(SubscriptionArn=sub)
    assert other_sns.list_subscriptions()["Subscriptions"] == []
    other_sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.delete_topic(TopicArn=topic)
    assert other_sns.list_subscriptions()["Subscriptions"] == []


def test_queue_of_another_account_needs_its_policy_to_allow_the_topic(
    sns: Any, topic: str, other: tuple[Any, Any, str]
) -> None:
    other_sns, other_sqs, account = other
    sns.add_permission(TopicArn=topic, Label="subscribers", AWSAccountId=[account], ActionName=["Subscribe"])
    open_url, open_arn = _queue(other_sqs)
    closed_url, closed_arn = _queue(other_sqs)
    _open_to(other_sqs, open_url, open_arn, topic)
    for arn in (open_arn, closed_arn):  # the queues' owner subscribes them: no confirmation needed
        other_sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
        )
    sns.publish(TopicArn=topic, Message="across accounts")
    assert [m["Body"] for m in _drain(other_sqs, open_url)] == ["across accounts"]
    assert _drain(other_sqs, closed_url) == []
