"""SES v1 sending into fogbank's mailbox: SendEmail, SendRawEmail with attachments, the sandbox's rules."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox, with_attachment


def test_send_email_lands_in_the_mailbox(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    ses.verify_email_identity(EmailAddress="reader@example.com")
    sent = ses.send_email(
        Source="Sender <sender@example.com>",
        Destination={"ToAddresses": ["reader@example.com"]},
        Message={
            "Subject": {"Data": "Quarterly report"},
            "Body": {"Text": {"Data": "Numbers are up."}, "Html": {"Data": "<p>Numbers are <b>up</b>.</p>"}},
        },
        ReplyToAddresses=["replies@example.com"],
    )
    found = [m for m in mailbox.messages() if m["id"] == sent["MessageId"]]
    assert len(found) == 1
    message = found[0]
    assert message["source"] == "sender@example.com"
    assert message["destinations"] == ["reader@example.com"]
    assert message["subject"] == "Quarterly report"
    assert message["body"]["text"].strip() == "Numbers are up."
    assert message["body"]["html"].strip() == "<p>Numbers are <b>up</b>.</p>"
    raw = message_from_bytes(mailbox.message(sent["MessageId"], raw=True), policy=policy.default)
    assert raw.get_content_type() == "multipart/alternative"
    assert raw["Reply-To"] == "replies@example.com"
    assert raw["From"] == "Sender <sender@example.com>"


def test_raw_email_keeps_its_attachment(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_domain_identity(Domain="example.org")
    ses.verify_email_identity(EmailAddress="boss@example.com")
    attachment = ("figures.csv", "text/csv", b"a,b\n1,2\n")
    built = with_attachment(
        "reports@example.org", "boss@example.com", "The figures", "See attached.", attachment
    )
    sent = ses.send_raw_email(RawMessage={"Data": built})
    message = mailbox.message(sent["MessageId"])
    assert message["source"] == "reports@example.org"
    assert message["destinations"] == ["boss@example.com"]
    assert message["subject"] == "The figures"
    assert message["body"]["text"].strip() == "See attached."
    assert message["attachments"] == [{"filename": "figures.csv", "content_type": "text/csv", "size": 8}]
    assert mailbox.message(sent["MessageId"], raw=True) == built


def test_sandbox_refuses_an_unverified_recipient(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    with pytest.raises(ClientError) as caught:
        ses.send_email(
            Source="sender@example.com",
            Destination={"ToAddresses": ["stranger@example.net"]},
            Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}},
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "MessageRejected"
    assert error["Message"] == (
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "stranger@example.net"
    )
    assert [m for m in mailbox.messages() if m["source"] == "sender@example.com"] == []
    mailbox.leave_sandbox()
    ses.send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["stranger@example.net"]},
        Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}},
    )
    assert ses.get_send_quota()["Max24HourSend"] == 50000.0


def test_unverified_source_is_rejected(ses: Any) -> None:
    with pytest.raises(ClientError) as caught:
        ses.send_email(
            Source="nobody@example.com",
            Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
            Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}},
        )
    assert caught.value.response["Error"]["Code"] == "MessageRejected"
    assert caught.value.response["Error"]["Message"].endswith("US-EAST-1: nobody@example.com")


def test_quota_counts_recipients(ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    assert ses.get_send_quota()["SentLast24Hours"] == 0
    ses.send_email(
        Source="sender@example.com",
        Destination={
            "ToAddresses": ["success@simulator.amazonses.com"],
            "CcAddresses": ["sender@example.com"],
        },
        Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hi"}}},
    )
    quota = ses.get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"], quota["SentLast24Hours"]) == (200.0, 1.0, 2.0)
    points = ses.get_send_statistics()["SendDataPoints"]
    assert sum(p["DeliveryAttempts"] for p in points) == 2


def test_raw_message_over_10_mb_is_refused(ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    raw = b"From: sender@example.com\r\nTo: sender@example.com\r\nSubject: big\r\n\r\n" + b"x" * (
        10 * 1024 * 1024
    )
    with pytest.raises(ClientError) as caught:
        ses.send_raw_email(RawMessage={"Data": raw})
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == f"Message length is more than 10485760 bytes long: '{len(raw)}'."


def test_mailbox_simulator_needs_no_verification(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    sent = ses.send_email(
        Source="sender@example.com",
        Destination={
            "ToAddresses": ["bounce+x@simulator.amazonses.com"],
            "BccAddresses": ["ooto@simulator.amazonses.com"],
        },
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "s"}}},
    )
    message = mailbox.message(sent["MessageId"])
    assert message["destinations"] == ["bounce+x@simulator.amazonses.com", "ooto@simulator.amazonses.com"]
    assert "Bcc" not in dict(message["headers"])
    points = ses.get_send_statistics()["SendDataPoints"]
    assert (sum(p["DeliveryAttempts"] for p in points), sum(p["Bounces"] for p in points)) == (2, 1)


def test_body_charset_is_kept(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    sent = ses.send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["sender@example.com"]},
        Message={
            "Subject": {"Data": "Caf\u00e9 au lait", "Charset": "UTF-8"},
            "Body": {"Text": {"Data": "Un caf\u00e9, s'il vous pla\u00eet.", "Charset": "ISO-8859-1"}},
        },
    )
    raw = message_from_bytes(mailbox.message(sent["MessageId"], raw=True), policy=policy.default)
    assert raw.get_content_charset() == "iso-8859-1"
    assert raw.get_content().strip() == "Un caf\u00e9, s'il vous pla\u00eet."
    assert raw["Subject"] == "Caf\u00e9 au lait"


def test_bounces_are_forwarded_to_the_return_path(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_domain_identity(Domain="example.com")
    ses.send_email(
        Source="app@example.com",
        Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
        Message={"Subject": {"Data": "will bounce"}, "Body": {"Text": {"Data": "s"}}},
        ReturnPath="bounces@example.com",
    )
    (report,) = [m for m in mailbox.messages() if m["source"].startswith("MAILER-DAEMON")]
    assert report["destinations"] == ["bounces@example.com"]
    assert report["subject"] == "Delivery Status Notification (Failure)"
    assert "bounce@simulator.amazonses.com" in report["body"]["text"]
    assert report["attachments"][0]["content_type"] == "text/rfc822-headers"

    ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
    ses.send_email(
        Source="app@example.com",
        Destination={"ToAddresses": ["complaint@simulator.amazonses.com"]},
        Message={"Subject": {"Data": "complained about"}, "Body": {"Text": {"Data": "s"}}},
    )
    assert len([m for m in mailbox.messages() if m["source"].endswith("amazonses.com")]) == 1
