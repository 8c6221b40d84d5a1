"""HTTP subscriptions through boto3: the confirmation handshake, signed notifications, retries."""

from __future__ import annotations

import base64
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.sns.http_endpoint import Endpoint, when_due


def string_to_sign(message: dict[str, Any]) -> bytes:
    """The string to sign, built independently of fogbank's code from AWS's documented procedure
    ("Verifying the signatures of Amazon SNS messages"): for a Notification the pairs Message,
    MessageId, Subject (only if included), Timestamp, TopicArn, Type; for a SubscriptionConfirmation or
    UnsubscribeConfirmation the pairs Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn,
    Type; each pair written as the name, a newline, the value, a newline, in that (byte-sorted) order."""
    if message["Type"] == "Notification":
        names = ["Message", "MessageId"] + (["Subject"] if "Subject" in message else [])
        names += ["Timestamp", "TopicArn", "Type"]
    else:
        names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    assert names == sorted(names)
    return b"".join(f"{name}\n{message[name]}\n".encode() for name in names)


def verify(message: dict[str, Any]) -> None:
    """Check the signature as the SDKs' message validators do: certificate from SigningCertURL."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    pem = urllib.request.urlopen(message["SigningCertURL"], timeout=5).read()
    key = x509.load_pem_x509_certificate(pem).public_key()
    algorithm = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    signature = base64.b64decode(message["Signature"])
    key.verify(signature, string_to_sign(message), padding.PKCS1v15(), algorithm)  # type: ignore[union-attr]


def _subscribe(sns: Any, topic: str, endpoint: Endpoint, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, **kwargs)[
        "SubscriptionArn"
    ]
    headers, confirmation = endpoint.next()
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert confirmation["Type"] == "SubscriptionConfirmation"
    verify(confirmation)
    return pending, confirmation


@pytest.mark.parametrize("version", ["1", "2"])
def test_http_subscriber_confirms_by_url_and_receives_signed_notifications(
    sns: Any, topic: str, endpoint: Endpoint, version: str
) -> None:
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue=version)
    pending, confirmation = _subscribe(sns, topic, endpoint)
    assert pending == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"

    sns.publish(TopicArn=topic, Message="before confirmation")  # not delivered: pending
    answer = urllib.request.urlopen(confirmation["SubscribeURL"], timeout=5).read().decode()
    arn = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]
    assert arn.startswith(topic + ":") and f"<SubscriptionArn>{arn}</SubscriptionArn>" in answer

    sns.publish(TopicArn=topic, Message="hello", Subject="greeting")
    headers, notification = endpoint.next()
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == arn
    assert headers["x-amz-sns-message-id"] == notification["MessageId"]
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert (notification["Message"], notification["Subject"]) == ("hello", "greeting")
    assert notification["SignatureVersion"] == version
    verify(notification)
    assert endpoint.received.empty()


def test_confirm_subscription_with_the_token(sns: Any, topic: str, endpoint: Endpoint) -> None:
    _, confirmation = _subscribe(sns, topic, endpoint, ReturnSubscriptionArn=True)
    with pytest.raises(ClientError) as excinfo:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 128)
    assert excinfo.value.response["Error"]["Message"] == "Invalid parameter: Token"
    arn = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["Endpoint"] == endpoint.url
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.publish(TopicArn=topic, Message="raw body")
    headers, body = endpoint.received.get(timeout=10)
    assert body == b"raw body" and headers["x-amz-sns-rawdelivery"] == "true"
    sns.unsubscribe(SubscriptionArn=arn)
    headers, goodbye = endpoint.next()
    assert goodbye["Type"] == "UnsubscribeConfirmation"
    verify(goodbye)
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"


def test_failed_http_delivery_is_retried_when_the_clock_moves(private_sns: Any, endpoint: Endpoint) -> None:
    sns, _, advance = private_sns
    topic = sns.create_topic(Name="retry")["TopicArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    _, confirmation = endpoint.next()
    sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])
    endpoint.failures = 1
    sns.publish(TopicArn=topic, Message="eventually")
    _, notification = when_due(advance, endpoint)
    assert notification["Message"] == "eventually"
    assert (
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"
    )


def test_confirmation_token_expires_after_three_days(private_sns: Any, endpoint: Endpoint) -> None:
    sns, _, advance = private_sns
    topic = sns.create_topic(Name="late")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    _, confirmation = endpoint.next()
    advance("3d1h")
    with pytest.raises(ClientError) as excinfo:
        sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])
    assert excinfo.value.response["Error"]["Message"] == "Invalid parameter: Token"
