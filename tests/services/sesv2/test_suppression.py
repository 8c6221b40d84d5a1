"""SES v2's account-level suppression list: entries, listing, and sends to a suppressed address bouncing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox, events


def test_suppression_list_entries(sesv2: Any) -> None:
    assert sesv2.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    sesv2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    assert sesv2.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["BOUNCE"]
    sesv2.put_suppressed_destination(EmailAddress="gone@example.com", Reason="BOUNCE")
    sesv2.put_suppressed_destination(EmailAddress="angry@example.com", Reason="COMPLAINT")
    got = sesv2.get_suppressed_destination(EmailAddress="gone@example.com")["SuppressedDestination"]
    assert (got["EmailAddress"], got["Reason"]) == ("gone@example.com", "BOUNCE")
    listed = sesv2.list_suppressed_destinations(Reasons=["COMPLAINT"])["SuppressedDestinationSummaries"]
    assert [s["EmailAddress"] for s in listed] == ["angry@example.com"]
    assert len(sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"]) == 2
    sesv2.delete_suppressed_destination(EmailAddress="gone@example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.get_suppressed_destination(EmailAddress="gone@example.com")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_send_to_a_suppressed_address_bounces(
    sesv2: Any, ses: Any, mailbox: Mailbox, topic_queue: tuple[str, Any, str]
) -> None:
    topic, sqs, url = topic_queue
    sesv2.create_email_identity(EmailIdentity="example.com")
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic=topic)
    mailbox.leave_sandbox()
    sesv2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    sesv2.send_email(
        FromEmailAddress="app@example.com",
        Destination={"ToAddresses": ["gone@example.net"]},
        Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
    )
    (notification,) = events(sqs, url)
    assert notification["notificationType"] == "Bounce"
    assert notification["bounce"]["bounceSubType"] == "OnAccountSuppressionList"
    assert notification["bounce"]["bouncedRecipients"][0]["emailAddress"] == "gone@example.net"
