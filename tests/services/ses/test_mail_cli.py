"""`fogbank mail` prints what SES sent: headers, body and attachment list, or the raw bytes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tests.server import FogbankServer
from tests.services.ses.conftest import with_attachment


def _mail(server: FogbankServer, *args: str) -> bytes:
    command = [sys.executable, "-m", "fogbank", "mail", "--endpoint", server.endpoint, *args]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def test_mail_prints_a_message_with_its_attachment(server: FogbankServer, ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="cli-sender@example.com")
    ses.verify_email_identity(EmailAddress="cli-reader@example.com")
    built = with_attachment(
        "cli-sender@example.com",
        "cli-reader@example.com",
        "Invoice 42",
        "Please find the invoice attached.",
        ("invoice.pdf", "application/pdf", b"%PDF-1.4 fake"),
    )
    message_id = ses.send_raw_email(RawMessage={"Data": built})["MessageId"]

    printed = _mail(server, "--id", message_id).decode()
    assert f"=== {message_id} ===" in printed
    assert "Subject: Invoice 42" in printed
    assert "From: cli-sender@example.com" in printed
    assert "Please find the invoice attached." in printed
    assert "invoice.pdf (application/pdf, 13 bytes)" in printed

    assert _mail(server, "--id", message_id, "--raw") == built
    assert f"=== {message_id} ===" in _mail(server).decode()
