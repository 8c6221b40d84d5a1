"""The curriculum's SNS, as a learner meets it through the AWS CLI: one topic fanned out to two SQS
queues (the decoupled and distributed chapter), and a text message (Snowball "can be tracked with SNS
text messages")."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

from tests.services.sqs.cli_helpers import Aws, aws_cli, needs_cli  # noqa: F401  (aws_cli: the `aws` fixture)

pytestmark = needs_cli


def _queue(aws: Aws, label: str) -> tuple[str, str]:
    url = aws("sqs", "create-queue", "--queue-name", f"{label}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")
    return url, arn["Attributes"]["QueueArn"]


def _drain(aws: Aws, url: str) -> list[dict[str, Any]]:
    got = aws("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")
    return got["Messages"] if got else []


def _subscribe(aws: Aws, topic: str, queue_arn: str, *options: str) -> Any:
    return aws(
        "sns",
        "subscribe",
        "--topic-arn",
        topic,
        "--protocol",
        "sqs",
        "--notification-endpoint",
        queue_arn,
        *options,
    )


def test_fan_out_from_one_topic_to_two_queues(aws: Aws) -> None:
    topic = aws("sns", "create-topic", "--name", f"orders-{uuid.uuid4().hex[:8]}")["TopicArn"]
    billing, billing_arn = _queue(aws, "billing")
    shipping, shipping_arn = _queue(aws, "shipping")
    _subscribe(aws, topic, billing_arn)
    raw_options = ("--attributes", '{"RawMessageDelivery": "true"}', "--return-subscription-arn")
    raw = _subscribe(aws, topic, shipping_arn, *raw_options)["SubscriptionArn"]
    listed = aws("sns", "list-subscriptions-by-topic", "--topic-arn", topic)["Subscriptions"]
    assert sorted(s["Endpoint"] for s in listed) == sorted([billing_arn, shipping_arn])
    assert raw in {s["SubscriptionArn"] for s in listed}

    published = aws(
        "sns", "publish", "--topic-arn", topic, "--subject", "New order", "--message", '{"order": 42}'
    )
    (wrapped,) = _drain(aws, billing)
    envelope = json.loads(wrapped["Body"])
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == published["MessageId"]
    assert (envelope["TopicArn"], envelope["Subject"], envelope["Message"]) == (
        topic,
        "New order",
        '{"order": 42}',
    )
    assert envelope["Signature"] and envelope["SigningCertURL"]
    (plain,) = _drain(aws, shipping)
    assert plain["Body"] == '{"order": 42}'

    aws("sns", "unsubscribe", "--subscription-arn", raw)
    aws("sns", "publish", "--topic-arn", topic, "--message", "after")
    assert [json.loads(m["Body"])["Message"] for m in _drain(aws, billing)] == ["after"]
    assert _drain(aws, shipping) == []
    aws("sns", "delete-topic", "--topic-arn", topic)
    assert topic not in {t["TopicArn"] for t in aws("sns", "list-topics")["Topics"]}


def test_tracking_by_text_message(aws: Aws, server: Any) -> None:
    sent = aws("sns", "publish", "--phone-number", "+15555550123", "--message", "Your Snowball has shipped")
    with urllib.request.urlopen(server.endpoint + "/_fogbank/sns/sms?account=000000000000") as response:
        messages = json.loads(response.read())["messages"]
    (text,) = [m for m in messages if m["MessageId"] == sent["MessageId"]]
    assert (text["PhoneNumber"], text["Message"]) == ("+15555550123", "Your Snowball has shipped")
