"""Fixtures shared by the SES tests: v1 and v2 clients of a fresh account, and the mailbox routes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.scenarios.iam_helpers import new_account
from tests.server import FogbankServer


@pytest.fixture
def account() -> str:
    """A fresh account (so its sandbox, identities and quota are the test's own)."""
    return new_account()


@pytest.fixture
def ses(client: Callable[..., Any], account: str) -> Any:
    return client("ses", aws_access_key_id=account, aws_secret_access_key="x")


@pytest.fixture
def sesv2(client: Callable[..., Any], account: str) -> Any:
    return client("sesv2", aws_access_key_id=account, aws_secret_access_key="x")


class Mailbox:
    """fogbank's own mailbox routes, as a user reads them with curl."""

    def __init__(self, server: FogbankServer, account: str) -> None:
        self.endpoint = server.endpoint
        self.account = account

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(request) as response:
            raw = response.read()
            return raw if response.headers["Content-Type"] == "message/rfc822" else json.loads(raw)

    def messages(self) -> list[dict[str, Any]]:
        """This account's messages, oldest first."""
        return [m for m in self.call("GET", "/_fogbank/ses") if m["account"] == self.account]

    def message(self, message_id: str, raw: bool = False) -> Any:
        return self.call("GET", f"/_fogbank/ses/{message_id}" + ("?raw=1" if raw else ""))

    def leave_sandbox(self) -> None:
        self.call("POST", "/_fogbank/ses/sandbox", {"enabled": False, "account": self.account})


@pytest.fixture
def mailbox(server: FogbankServer, account: str) -> Mailbox:
    return Mailbox(server, account)


@pytest.fixture
def topic_queue(client: Callable[..., Any], account: str) -> tuple[str, Any, str]:
    """(topic ARN, sqs client, queue URL): an SNS topic with a raw SQS subscription."""
    sns = client("sns", aws_access_key_id=account, aws_secret_access_key="x")
    sqs = client("sqs", aws_access_key_id=account, aws_secret_access_key="x")
    topic = sns.create_topic(Name="ses-events")["TopicArn"]
    url = sqs.create_queue(QueueName="ses-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return topic, sqs, url


def _events(sqs: Any, url: str) -> list[dict[str, Any]]:
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def events(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every SES event waiting in the queue, oldest first (and gone from the queue)."""
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
