"""--smtp-relay: each message SES sent is also handed, after commit, to a real SMTP server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.iam_helpers import client_for
from tests.server import FogbankServer


class SmtpSink:
    """Just enough of an SMTP server to take mail: one connection at a time, every command accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[tuple[str, list[str], bytes]] = []
        self.arrived = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as reader:
                self._session(connection, reader)

    def _session(self, connection: socket.socket, reader: Any) -> None:
        connection.sendall(b"220 sink ESMTP\r\n")
        sender, recipients = "", []
        for line in reader:
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                connection.sendall(b"250 sink\r\n")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip().strip("<>")
                connection.sendall(b"250 OK\r\n")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                connection.sendall(b"250 OK\r\n")
            elif verb == "DATA":
                connection.sendall(b"354 go on\r\n")
                data = b""
                for chunk in reader:
                    if chunk == b".\r\n":
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.received.append((sender, recipients, data))
                self.arrived.set()
                connection.sendall(b"250 queued\r\n")
            elif verb == "QUIT":
                connection.sendall(b"221 bye\r\n")
                return
            else:
                connection.sendall(b"250 OK\r\n")

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    running = SmtpSink()
    yield running
    running.close()


def test_relay_hands_sent_mail_to_the_smtp_server(tmp_path: Path, sink: SmtpSink) -> None:
    server = FogbankServer(
        "--smtp-relay", f"127.0.0.1:{sink.port}", data_dir=tmp_path, tls_port=False
    ).start()
    try:
        ses = client_for(server, "ses", "test", "test")
        ses.verify_email_identity(EmailAddress="relay-sender@example.com")
        ses.verify_email_identity(EmailAddress="relay-reader@example.com")
        built = EmailMessage()
        built["From"] = "relay-sender@example.com"
        built["To"] = "relay-reader@example.com"
        built["Subject"] = "Through the relay"
        built.set_content("Delivered for real.")
        ses.send_raw_email(RawMessage={"Data": built.as_bytes()})
        assert sink.arrived.wait(30)
    finally:
        server.stop()
    ((sender, recipients, data),) = sink.received
    assert (sender, recipients) == ("relay-sender@example.com", ["relay-reader@example.com"])
    assert b"Subject: Through the relay" in data and b"Delivered for real." in data
