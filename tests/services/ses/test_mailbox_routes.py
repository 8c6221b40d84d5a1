"""The mailbox routes and the quota by fogbank's clock, on a server of the test's own (it moves the clock
and empties the mailbox)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for
from tests.server import FogbankServer
from tests.services.ses.conftest import call


def test_quota_by_the_clock_and_emptying_the_mailbox(private: FogbankServer) -> None:
    ses = client_for(private, "ses", "test", "test")
    ses.verify_email_identity(EmailAddress="me@example.com")
    sent = ses.send_email(
        Source="me@example.com",
        Destination={"ToAddresses": ["me@example.com"]},
        Message={"Subject": {"Data": "note"}, "Body": {"Text": {"Data": "to self"}}},
    )["MessageId"]
    assert ses.get_send_quota()["SentLast24Hours"] == 1.0
    listed = call(private, "GET", "/_fogbank/ses?source=me@example.com")
    assert [(m["id"], m["subject"], m["body"]["text"].strip()) for m in listed] == [(sent, "note", "to self")]

    call(private, "POST", "/_fogbank/clock", {"advance": "25h"})
    assert ses.get_send_quota()["SentLast24Hours"] == 0.0

    assert call(private, "DELETE", "/_fogbank/ses") == {
        "deleted": 2
    }  # the message and the verification email
    assert call(private, "GET", "/_fogbank/ses") == []
    with pytest.raises(urllib.error.HTTPError) as caught:
        call(private, "GET", f"/_fogbank/ses/{sent}")
    assert caught.value.code == 404


def test_sandbox_route(private: FogbankServer) -> None:
    assert call(private, "GET", "/_fogbank/ses/sandbox") == {
        "account": "000000000000",
        "region": "us-east-1",
        "enabled": True,
    }
    ses = client_for(private, "ses", "test", "test")
    ses.verify_email_identity(EmailAddress="me@example.com")
    call(private, "POST", "/_fogbank/ses/sandbox", {"enabled": False})
    ses.send_email(
        Source="me@example.com",
        Destination={"ToAddresses": ["anyone@example.net"]},
        Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
    )
    call(private, "POST", "/_fogbank/ses/sandbox", {"enabled": True})
    with pytest.raises(ClientError):
        ses.send_email(
            Source="me@example.com",
            Destination={"ToAddresses": ["anyone@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
        )


def test_localstack_shaped_listing(private: FogbankServer) -> None:
    ses = client_for(private, "ses", "test", "test")
    ses.verify_domain_identity(Domain="example.com")
    sent = ses.send_email(
        Source="app@example.com",
        Destination={
            "ToAddresses": ["to@example.com"],
            "CcAddresses": ["cc@example.com"],
            "BccAddresses": ["bcc@example.com"],
        },
        Message={
            "Subject": {"Data": "shape"},
            "Body": {"Text": {"Data": "plain"}, "Html": {"Data": "<p>rich</p>"}},
        },
    )["MessageId"]
    listed = call(private, "GET", "/_fogbank/ses?format=localstack&email=app@example.com")
    # Tools written for LocalStack read the same listing at its own path.
    assert call(private, "GET", "/_aws/ses?email=app@example.com") == listed
    (message,) = listed["messages"]
    assert message["Id"] == sent and message["Region"] == "us-east-1"
    assert message["Destination"] == {
        "ToAddresses": ["to@example.com"],
        "CcAddresses": ["cc@example.com"],
        "BccAddresses": ["bcc@example.com"],
    }
    assert (message["Source"], message["Subject"]) == ("app@example.com", "shape")
    assert message["Body"]["text_part"].strip() == "plain"
    assert message["Body"]["html_part"].strip() == "<p>rich</p>"
    assert "Subject: shape" in message["RawData"]
