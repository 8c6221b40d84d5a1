"""HTTP delivery retries by the delivery policy in effect, and the dead-letter queue when they run out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.services.sns.delivery_policy import DEFAULT_RETRY_POLICY, delays
from tests.services.sns.http_endpoint import Endpoint, when_due


def _confirmed(sns: Any, topic: str, endpoint: Endpoint, **attributes: str) -> str:
    arn = sns.subscribe(
        TopicArn=topic,
        Protocol="http",
        Endpoint=endpoint.url,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    _, confirmation = endpoint.next()
    sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])
    return arn


def _policy(**retry: Any) -> str:
    return json.dumps({"healthyRetryPolicy": {**DEFAULT_RETRY_POLICY, **retry}})


def _with_dead_letter_queue(sns: Any, sqs: Any, endpoint: Endpoint, name: str) -> tuple[str, str]:
    """A topic with a confirmed HTTP subscription dead-lettering to a new queue: (topic, queue URL)."""
    topic = sns.create_topic(Name=name)["TopicArn"]
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    _confirmed(sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    return topic, dlq


def _unreachable(sns: Any, topic: str) -> str:
    """A pending HTTP subscription to a port nothing listens on."""
    return sns.subscribe(
        TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x", ReturnSubscriptionArn=True
    )["SubscriptionArn"]


def _effective(sns: Any, arn: str) -> dict[str, Any]:
    return json.loads(
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["EffectiveDeliveryPolicy"]
    )


def test_delays_follow_the_four_phases() -> None:
    assert delays(DEFAULT_RETRY_POLICY) == [20.0, 20.0, 20.0]
    policy = {
        **DEFAULT_RETRY_POLICY,
        "numRetries": 9,
        "numNoDelayRetries": 2,
        "numMinDelayRetries": 1,
        "numMaxDelayRetries": 2,
        "minDelayTarget": 10,
        "maxDelayTarget": 40,
    }
    assert delays(policy) == [0.0, 0.0, 10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 40.0]
    for function in ("arithmetic", "geometric", "exponential"):
        rising = delays({**policy, "backoffFunction": function})[3:7]
        assert rising[0] == 10.0 and rising[-1] == 40.0
        assert rising == sorted(rising) and rising[1] < 20.0  # slower than linear at first


def test_http_endpoint_gets_the_message_after_its_failures_are_retried(
    private_sns: Any, endpoint: Endpoint
) -> None:
    sns, _, advance = private_sns
    topic = sns.create_topic(Name="flaky")["TopicArn"]
    _confirmed(sns, topic, endpoint, DeliveryPolicy=_policy(numRetries=5, minDelayTarget=5, maxDelayTarget=5))
    endpoint.failures = 3
    message_id = sns.publish(TopicArn=topic, Message="third time lucky")["MessageId"]
    headers, notification = when_due(advance, endpoint)
    assert (notification["Message"], headers["x-amz-sns-message-id"]) == ("third time lucky", message_id)
    assert endpoint.refused == 3


def test_undeliverable_message_goes_to_the_dead_letter_queue_after_the_retries(
    private_sns: Any, endpoint: Endpoint
) -> None:
    sns, sqs, advance = private_sns
    topic, dlq = _with_dead_letter_queue(sns, sqs, endpoint, "down")
    endpoint.failures = 1000
    message_id = sns.publish(TopicArn=topic, Message="nobody home", Subject="s")["MessageId"]
    for _ in range(40):
        advance("30s")
        got = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages", [])
        if got:
            break
    else:
        raise AssertionError("nothing reached the dead-letter queue")
    body = json.loads(got[0]["Body"])
    assert (body["Type"], body["MessageId"], body["Message"]) == ("Notification", message_id, "nobody home")
    assert endpoint.refused == 1 + DEFAULT_RETRY_POLICY["numRetries"]  # the first attempt and 3 retries


def test_a_client_error_is_not_retried_and_goes_to_the_dead_letter_queue(
    private_sns: Any, endpoint: Endpoint
) -> None:
    sns, sqs, _ = private_sns
    topic, dlq = _with_dead_letter_queue(sns, sqs, endpoint, "refusing")
    endpoint.failures, endpoint.failure_status = 1000, 403
    sns.publish(TopicArn=topic, Message="forbidden")
    got = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=10)["Messages"]  # the scheduler's next tick
    assert json.loads(got[0]["Body"])["Message"] == "forbidden"
    assert endpoint.refused == 1


def test_without_a_dead_letter_queue_the_message_is_dropped_after_the_retries(
    private_sns: Any, endpoint: Endpoint
) -> None:
    sns, _, _ = private_sns
    topic = sns.create_topic(Name="gone")["TopicArn"]
    _confirmed(sns, topic, endpoint, DeliveryPolicy=_policy(numRetries=1, numNoDelayRetries=1))
    endpoint.failures = 2
    sns.publish(TopicArn=topic, Message="lost")
    for _ in range(2):  # the first attempt and its one retry, at once
        assert json.loads(endpoint.refusals.get(timeout=10))["Message"] == "lost"
    sns.publish(TopicArn=topic, Message="later")
    _, notification = endpoint.next()
    assert notification["Message"] == "later" and endpoint.received.empty()


def test_topic_policy_applies_unless_the_subscription_overrides_it(sns: Any, topic: str) -> None:
    topic_policy = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 7, "minDelayTarget": 5}}}
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(topic_policy)
    )
    arn = _unreachable(sns, topic)
    expected = {**DEFAULT_RETRY_POLICY, "numRetries": 7, "minDelayTarget": 5}
    assert _effective(sns, arn)["healthyRetryPolicy"] == expected
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="DeliveryPolicy", AttributeValue=_policy(numRetries=2)
    )
    assert _effective(sns, arn)["healthyRetryPolicy"]["numRetries"] == 2
    topic_policy["http"]["disableSubscriptionOverrides"] = True
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(topic_policy)
    )
    assert _effective(sns, arn)["healthyRetryPolicy"]["numRetries"] == 7


@pytest.mark.parametrize(
    "retry",
    [
        {"numRetries": 101},
        {"minDelayTarget": 30, "maxDelayTarget": 10},
        {"numRetries": 2, "numNoDelayRetries": 2, "numMaxDelayRetries": 1},
        {"backoffFunction": "cubic"},
        {"numRetries": "three"},
        {"numRetries": 100, "minDelayTarget": 60, "maxDelayTarget": 60},  # over AWS's hour of retrying
    ],
)
def test_bad_delivery_policies_are_refused(sns: Any, topic: str, retry: dict[str, Any]) -> None:
    arn = _unreachable(sns, topic)
    with pytest.raises(ClientError) as excinfo:
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="DeliveryPolicy", AttributeValue=_policy(**retry)
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameter"
    assert excinfo.value.response["Error"]["Message"].startswith("Invalid parameter: DeliveryPolicy: ")
    with pytest.raises(ClientError) as excinfo:
        sns.set_topic_attributes(
            TopicArn=topic,
            AttributeName="DeliveryPolicy",
            AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": retry}}),
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameter"
    assert "DeliveryPolicy" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]
