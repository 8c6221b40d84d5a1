"""The curriculum's SES through the AWS CLI, unchanged, against fogbank: the classic getting-started
walkthrough (verify identities, send with v1 and v2, read the quota) and the "SQS, SNS and SES in a decoupled
and distributed environment" chapter (a topic fanning out to a queue and an email address). Every message
sent is read back from fogbank's mailbox route."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.server import FogbankServer
from tests.services.sqs.cli_helpers import Aws, aws_cli, needs_cli  # noqa: F401  (aws_cli: the `aws` fixture)

pytestmark = needs_cli

# The CLI signs as the test root; the addresses are the test's own, so its mail is told from others'.
ACCOUNT = "000000000000"


@pytest.fixture
def address() -> Callable[[str], str]:
    tag = uuid.uuid4().hex[:8]
    return lambda name: f"{name}-{tag}@example.com"


def _mailbox(server: FogbankServer, message_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.endpoint}/_fogbank/ses/{message_id}") as response:
        return json.loads(response.read())


def _mail_to(server: FogbankServer, address: str) -> list[dict[str, Any]]:
    """What the account's services mailed to `address`, oldest first."""
    with urllib.request.urlopen(f"{server.endpoint}/_fogbank/ses") as response:
        listed = json.loads(response.read())
    return [m for m in listed if m["account"] == ACCOUNT and address in m["destinations"]]


def _send_text(aws: Aws, source: str, to: str, subject: str, text: str) -> str:
    """`aws ses send-email` with the CLI's own shorthand: --from, --to, --subject and --text."""
    args = ("--from", source, "--to", to, "--subject", subject, "--text", text)
    return str(aws("ses", "send-email", *args)["MessageId"])


def test_getting_started_walkthrough(
    aws: Aws, server: FogbankServer, address: Callable[[str], str], tmp_path: Path
) -> None:
    sender, recipient = address("sender"), address("recipient")
    before = aws("ses", "get-send-quota")
    # Verify the sender and, while the account is in the sandbox, the recipient.
    aws("ses", "verify-email-identity", "--email-address", sender)
    aws("ses", "verify-email-identity", "--email-address", recipient)
    assert {sender, recipient} <= set(aws("ses", "list-identities")["Identities"])
    attributes = aws("ses", "get-identity-verification-attributes", "--identities", sender)
    assert attributes["VerificationAttributes"][sender]["VerificationStatus"] == "Success"
    (verification,) = _mail_to(server, sender)
    assert "Email Address Verification Request" in verification["subject"]

    # send-email with --destination and --message, as the developer guide's example writes them.
    (tmp_path / "destination.json").write_text(json.dumps({"ToAddresses": [recipient]}))
    (tmp_path / "message.json").write_text(
        json.dumps(
            {
                "Subject": {"Data": "Test email sent using the AWS CLI", "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": "This is the message body in text format.", "Charset": "UTF-8"},
                    "Html": {"Data": "<p>This is the message body in <b>HTML</b>.</p>", "Charset": "UTF-8"},
                },
            }
        )
    )
    files = (
        "--destination",
        f"file://{tmp_path / 'destination.json'}",
        "--message",
        f"file://{tmp_path / 'message.json'}",
    )
    first = aws("ses", "send-email", "--from", sender, *files)["MessageId"]
    shown = _mailbox(server, first)
    assert (shown["source"], shown["destinations"]) == (sender, [recipient])
    assert shown["subject"] == "Test email sent using the AWS CLI"
    assert shown["body"]["text"].strip() == "This is the message body in text format."
    assert shown["body"]["html"].strip() == "<p>This is the message body in <b>HTML</b>.</p>"

    second = _send_text(aws, sender, recipient, "Shorthand", "Sent with --to and --text.")
    assert _mailbox(server, second)["body"]["text"].strip() == "Sent with --to and --text."

    # SES v2's send-email.
    simple = {"Simple": {"Subject": {"Data": "From v2"}, "Body": {"Text": {"Data": "Sent with sesv2."}}}}
    third = aws(
        "sesv2",
        "send-email",
        "--from-email-address",
        sender,
        "--destination",
        f"ToAddresses={recipient}",
        "--content",
        json.dumps(simple),
    )["MessageId"]
    shown = _mailbox(server, third)
    assert (shown["subject"], shown["body"]["text"].strip()) == ("From v2", "Sent with sesv2.")

    # A raw message with an attachment.
    raw = (
        f"From: {sender}\nTo: {recipient}\nSubject: Raw with attachment\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nSee attached.\n"
        '--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename="report.csv"\n\n'
        "a,b\n1,2\n--b--\n"
    )
    fourth = aws("ses", "send-raw-email", "--raw-message", json.dumps({"Data": raw}))["MessageId"]
    shown = _mailbox(server, fourth)
    assert (shown["subject"], shown["body"]["text"].strip()) == ("Raw with attachment", "See attached.")
    assert [(a["filename"], a["content_type"]) for a in shown["attachments"]] == [("report.csv", "text/csv")]

    # The sandbox refuses an unverified recipient; the quota counts the four sends.
    with pytest.raises(AssertionError, match="MessageRejected"):
        _send_text(aws, sender, address("stranger"), "x", "x")
    quota = aws("ses", "get-send-quota")
    assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (200.0, 1.0)
    assert quota["SentLast24Hours"] == before["SentLast24Hours"] + 4
    points = aws("ses", "get-send-statistics")["SendDataPoints"]
    assert sum(point["DeliveryAttempts"] for point in points) >= 4


def test_sqs_sns_and_ses_decoupled(aws: Aws, server: FogbankServer, address: Callable[[str], str]) -> None:
    # An order topic fans out to a fulfilment queue and to an email address (confirmed through the mailbox).
    tag = uuid.uuid4().hex[:8]
    ops, customer = address("ops"), address("customer")
    topic = aws("sns", "create-topic", "--name", f"orders-{tag}")["TopicArn"]
    queue = aws("sqs", "create-queue", "--queue-name", f"fulfilment-{tag}")["QueueUrl"]
    attributes = aws("sqs", "get-queue-attributes", "--queue-url", queue, "--attribute-names", "QueueArn")
    subscribe = ("sns", "subscribe", "--topic-arn", topic, "--protocol")
    aws(*subscribe, "sqs", "--notification-endpoint", attributes["Attributes"]["QueueArn"])
    assert (
        aws(*subscribe, "email", "--notification-endpoint", ops)["SubscriptionArn"] == "pending confirmation"
    )
    (confirmation,) = _mail_to(server, ops)
    assert confirmation["subject"] == "AWS Notification - Subscription Confirmation"
    url = re.search(r"http://\S+/_fogbank/sns/confirm\S+", confirmation["body"]["text"])
    assert url is not None
    urllib.request.urlopen(url.group(0)).read()

    aws("sns", "publish", "--topic-arn", topic, "--subject", "New order", "--message", "order 42")
    (received,) = aws("sqs", "receive-message", "--queue-url", queue)["Messages"]
    assert json.loads(received["Body"])["Message"] == "order 42"
    (notification,) = [m for m in _mail_to(server, ops) if m["subject"] == "New order"]
    assert notification["body"]["text"].startswith("order 42")

    # The worker that took the order mails the customer through SES, from the shop's verified domain.
    aws("ses", "verify-domain-identity", "--domain", f"shop-{tag}.example.com")
    aws("ses", "verify-email-identity", "--email-address", customer)
    sent = _send_text(aws, f"orders@shop-{tag}.example.com", customer, "Your order 42", "It ships today.")
    aws("sqs", "delete-message", "--queue-url", queue, "--receipt-handle", received["ReceiptHandle"])
    shown = _mailbox(server, sent)
    assert (shown["source"], shown["subject"]) == (f"orders@shop-{tag}.example.com", "Your order 42")
    assert shown["body"]["text"].strip() == "It ships today."
