"""HTTP delivery retries by the delivery policy in effect, and the dead-letter queue when they run out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.services.sns.delivery_policy import DEFAULT_RETRY_POLICY, delays
from tests.services.sns.test_http import Endpoint, _when_due, endpoint  # noqa: F401 - the fixture


def _confirmed(sns: Any, topic: str, endpoint: Endpoint, **attributes: str) -> str:  # noqa: F811
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
    private_sns: Any,
    endpoint: Endpoint,  # noqa: F811
) -> None:
    sns, _, advance = private_sns
    topic = sns.create_topic(Name="flaky")["TopicArn"]
    _confirmed(sns, topic, endpoint, DeliveryPolicy=_policy(numRetries=5, minDelayTarget=5, maxDelayTarget=5))
    endpoint.failures = 3
    message_id = sns.publish(TopicArn=topic, Message="third time lucky")["MessageId"]
    headers, notification = _when_due(advance, endpoint)
    assert (notification["Message"], headers["x-amz-sns-message-id"]) == ("third time lucky", message_id)
    assert endpoint.refused == 3


def test_undeliverable_message_goes_to_the_dead_letter_queue_after_the_retries(
    private_sns: Any,
    endpoint: Endpoint,  # noqa: F811
) -> None:
    sns, sqs, advance = private_sns
    topic = sns.create_topic(Name="down")["TopicArn"]
    dlq = sqs.create_queue(QueueName="sns-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    _confirmed(sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
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
    private_sns: Any,
    endpoint: Endpoint,  # noqa: F811
) -> None:
    sns, sqs, _ = private_sns
    topic = sns.create_topic(Name="refusing")["TopicArn"]
    dlq = sqs.create_queue(QueueName="refused")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    _confirmed(sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    endpoint.failures, endpoint.failure_status = 1000, 403
    sns.publish(TopicArn=topic, Message="forbidden")
    got = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=10)["Messages"]  # the scheduler's next tick
    assert json.loads(got[0]["Body"])["Message"] == "forbidden"
    assert endpoint.refused == 1


def test_without_a_dead_letter_queue_the_message_is_dropped_after_the_retries(
    private_sns: Any,
    endpoint: Endpoint,  # noqa: F811
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
    arn = sns.subscribe(
        TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    effective = json.loads(
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["EffectiveDeliveryPolicy"]
    )
    assert effective["healthyRetryPolicy"] == {**DEFAULT_RETRY_POLICY, "numRetries": 7, "minDelayTarget": 5}
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="DeliveryPolicy", AttributeValue=_policy(numRetries=2)
    )
    effective = json.loads(
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["EffectiveDeliveryPolicy"]
    )
    assert effective["healthyRetryPolicy"]["numRetries"] == 2
    topic_policy["http"]["disableSubscriptionOverrides"] = True
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(topic_policy)
    )
    effective = json.loads(
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["EffectiveDeliveryPolicy"]
    )
    assert effective["healthyRetryPolicy"]["numRetries"] == 7


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
    arn = sns.subscribe(
        TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
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
