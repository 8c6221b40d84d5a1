"""The optional SMTP relay: with --smtp-relay HOST[:PORT], each message SES sent is also handed to that
server, after commit, through the outbox (a relay that is down is retried with the outbox's backoff)."""

from __future__ import annotations

import base64
from typing import Any

from fogbank.services.ses import service
from fogbank.services.ses.sending import RELAY_TOPIC

__all__ = ["relay"]


@service.consumer(RELAY_TOPIC)
def relay(payload: dict[str, Any]) -> None:
    import smtplib

    if not payload["recipients"]:
        return
    host, _, port = payload["relay"].partition(":")
    with smtplib.SMTP(host, int(port or 25), timeout=30) as smtp:
        smtp.sendmail(payload["source"], payload["recipients"], base64.b64decode(payload["raw"]))
