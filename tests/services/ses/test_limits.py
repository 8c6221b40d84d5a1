"""The sending limits by fogbank's clock (the sending rate, the 24-hour quota) and large messages in the blob
store, each on a server of its own (`private`): they move its clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account
from tests.server import FogbankServer
from tests.services.ses.conftest import call

TEXT = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "s"}}}


def _advance(server: FogbankServer, duration: str) -> None:
    call(server, "POST", "/_fogbank/clock", {"advance": duration})


def _clients(server: FogbankServer) -> tuple[Any, Any]:
    account = new_account()
    ses = client_for(server, "ses", account, "x")
    ses.verify_email_identity(EmailAddress="sender@example.com")
    return ses, client_for(server, "sesv2", account, "x")


def _to(count: int, label: str) -> dict[str, list[str]]:
    return {"BccAddresses": [f"success+{label}-{n}@simulator.amazonses.com" for n in range(count)]}


def test_the_sending_rate_throttles_until_the_clock_moves(private: FogbankServer) -> None:
    ses, sesv2 = _clients(private)
    assert ses.get_send_quota()["MaxSendRate"] == 1.0  # the sandbox's rate
    # A burst may go over the rate; once the last 10 seconds hold 10 recipients, sends are throttled.
    ses.send_email(Source="sender@example.com", Destination=_to(10, "burst"), Message=TEXT)
    with pytest.raises(ClientError) as caught:
        ses.send_email(Source="sender@example.com", Destination=_to(1, "v1"), Message=TEXT)
    assert caught.value.response["Error"] == {
        "Type": "Sender",
        "Code": "Throttling",
        "Message": "Maximum sending rate exceeded.",
    }
    with pytest.raises(ClientError) as caught:
        sesv2.send_email(
            FromEmailAddress="sender@example.com", Destination=_to(1, "v2"), Content={"Simple": TEXT}
        )
    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    ses.create_template(Template={"TemplateName": "t", "SubjectPart": "s", "TextPart": "s"})
    bulk = ses.send_bulk_templated_email(
        Source="sender@example.com",
        Template="t",
        DefaultTemplateData="{}",
        Destinations=[{"Destination": _to(1, "bulk")}],
    )
    assert [s["Status"] for s in bulk["Status"]] == ["AccountThrottled"]
    assert ses.get_send_quota()["SentLast24Hours"] == 10.0

    _advance(private, "11s")
    ses.send_email(Source="sender@example.com", Destination=_to(1, "later"), Message=TEXT)
    assert ses.get_send_quota()["SentLast24Hours"] == 11.0


def test_the_daily_quota_is_enforced(private: FogbankServer) -> None:
    ses, sesv2 = _clients(private)
    for batch in range(4):
        ses.send_email(Source="sender@example.com", Destination=_to(50, str(batch)), Message=TEXT)
        _advance(private, "1m")  # past the sending rate's window
    assert ses.get_send_quota()["SentLast24Hours"] == 200.0
    with pytest.raises(ClientError) as caught:
        ses.send_email(Source="sender@example.com", Destination=_to(1, "over"), Message=TEXT)
    assert caught.value.response["Error"]["Code"] == "Throttling"
    assert caught.value.response["Error"]["Message"] == "Daily message quota exceeded."
    with pytest.raises(ClientError) as caught:
        sesv2.send_email(
            FromEmailAddress="sender@example.com", Destination=_to(1, "v2"), Content={"Simple": TEXT}
        )
    assert caught.value.response["Error"]["Code"] == "LimitExceededException"

    _advance(private, "24h")
    ses.send_email(Source="sender@example.com", Destination=_to(1, "tomorrow"), Message=TEXT)


def _blobs(server: FogbankServer) -> list[Path]:
    assert server.data_dir is not None
    return [p for p in (server.data_dir / "blobs").rglob("*") if p.is_file() and p.parent.name != "tmp"]


def test_a_large_message_is_kept_in_the_blob_store(private: FogbankServer) -> None:
    _, sesv2 = _clients(private)
    _advance(private, "1m")
    before = set(_blobs(private))
    attachment = bytes(range(256)) * 4096  # 1 MiB
    raw = (
        b"From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: big\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n" + attachment
    )
    sent = sesv2.send_email(Content={"Raw": {"Data": raw}})["MessageId"]
    (blob,) = set(_blobs(private)) - before
    assert blob.read_bytes() == raw
    assert call(private, "GET", f"/_fogbank/ses/{sent}?raw=1") == raw
    (listed,) = [
        m for m in call(private, "GET", "/_fogbank/ses?source=sender@example.com") if m["id"] == sent
    ]
    assert (listed["subject"], listed["size"]) == ("big", len(raw))

    assert call(private, "DELETE", f"/_fogbank/ses/{sent}") == {"deleted": 1}
    assert not blob.exists()
