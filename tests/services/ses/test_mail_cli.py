"""`fogbank mail` prints what SES sent: headers, body and attachment list, or the raw bytes."""

from __future__ import annotations

import subprocess
import sys
from email.message import EmailMessage
from typing import Any

from tests.server import FogbankServer


def _mail(server: FogbankServer, *args: str) -> bytes:
    command = [sys.executable, "-m", "fogbank", "mail", "--endpoint", server.endpoint, *args]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def test_mail_prints_a_message_with_its_attachment(server: FogbankServer, ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="cli-sender@example.com")
    ses.verify_email_identity(EmailAddress="cli-reader@example.com")
    built = EmailMessage()
    built["From"] = "cli-sender@example.com"
    built["To"] = "cli-reader@example.com"
    built["Subject"] = "Invoice 42"
    built.set_content("Please find the invoice attached.")
    built.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="invoice.pdf")
    message_id = ses.send_raw_email(RawMessage={"Data": built.as_bytes()})["MessageId"]

    printed = _mail(server, "--id", message_id).decode()
    assert f"=== {message_id} ===" in printed
    assert "Subject: Invoice 42" in printed
    assert "From: cli-sender@example.com" in printed
    assert "Please find the invoice attached." in printed
    assert "invoice.pdf (application/pdf, 13 bytes)" in printed

    assert _mail(server, "--id", message_id, "--raw") == built.as_bytes()
    assert f"=== {message_id} ===" in _mail(server).decode()
