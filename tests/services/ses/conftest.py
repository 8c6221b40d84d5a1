"""Fixtures shared by the SES tests: v1 and v2 clients of a fresh account, and the mailbox routes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account
from tests.server import FogbankServer


def with_attachment(
    source: str, to: str, subject: str, text: str, attachment: tuple[str, str, bytes]
) -> bytes:
    """A raw RFC 5322 message: a text body and one attachment (filename, content type, bytes)."""
    built = EmailMessage()
    built["From"] = source
    built["To"] = to
    built["Subject"] = subject
    built.set_content(text)
    filename, content_type, data = attachment
    maintype, subtype = content_type.split("/")
    built.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return built.as_bytes()


def refused(call: Callable[..., Any], **kwargs: Any) -> str:
    """The error code an SDK call is refused with."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


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


def call(server: FogbankServer, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One of fogbank's own routes, as a user calls it with curl: parsed JSON, or a raw message's bytes."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.endpoint + path, data=data, method=method)
    with urllib.request.urlopen(request) as response:
        raw = response.read()
        return raw if response.headers["Content-Type"] == "message/rfc822" else json.loads(raw)


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FogbankServer]:
    """A server of the test's own, for tests that move its clock or empty its mailbox."""
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    yield server
    server.stop()


class Mailbox:
    """fogbank's own mailbox routes, as a user reads them with curl."""

    def __init__(self, server: FogbankServer, account: str) -> None:
        self.server = server
        self.account = account

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return call(self.server, method, path, body)

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
