"""HTTP subscriptions through boto3: the confirmation handshake, signed notifications, retries."""

from __future__ import annotations

import base64
import json
import queue
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError

SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}


class Endpoint:
    """A subscriber on loopback: every POST lands in `received`; the first `failures` POSTs get a
    `failure_status` (500) and land in `refusals`."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        self.failures = 0
        self.failure_status = 500
        self.refused = 0
        self.refusals: queue.Queue[bytes] = queue.Queue()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if endpoint.failures > 0:
                    endpoint.failures -= 1
                    endpoint.refused += 1
                    endpoint.refusals.put(body)
                    self.send_response(endpoint.failure_status)
                    self.end_headers()
                    return
                endpoint.received.put(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self) -> tuple[dict[str, str], dict[str, Any]]:
        headers, body = self.received.get(timeout=10)
        return headers, json.loads(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    made = Endpoint()
    yield made
    made.close()


def verify(message: dict[str, Any]) -> None:
    """Check the signature as the SDKs' message validators do: certificate from SigningCertURL."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    pem = urllib.request.urlopen(message["SigningCertURL"], timeout=5).read()
    key = x509.load_pem_x509_certificate(pem).public_key()
    text = "".join(f"{name}\n{message[name]}\n" for name in SIGNED[message["Type"]] if name in message)
    algorithm = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    key.verify(base64.b64decode(message["Signature"]), text.encode(), padding.PKCS1v15(), algorithm)  # type: ignore[union-attr]


def _when_due(advance: Any, endpoint: Endpoint) -> tuple[dict[str, str], dict[str, Any]]:
    """The next message, moving fogbank's clock half a minute at a time until a retry delivers it."""
    for _ in range(40):
        advance("30s")
        try:
            headers, body = endpoint.received.get(timeout=0.5)
        except queue.Empty:
            continue
        return headers, json.loads(body)
    raise AssertionError("the retry never came")


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
    _, notification = _when_due(advance, endpoint)
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
