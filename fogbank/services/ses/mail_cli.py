"""`fogbank mail`: print the mailbox of a running server, each message as sent: its headers, its body (the
text part, else the HTML part) and its attachments; `--raw` prints the RFC 5322 bytes unchanged."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import BinaryIO

from fogbank.services.ses.mailbox import parse

__all__ = ["print_mail"]


def _get(endpoint: str, path: str) -> bytes:
    context = ssl._create_unverified_context()  # fogbank's own self-signed certificate
    try:
        with urllib.request.urlopen(endpoint.rstrip("/") + path, timeout=10, context=context) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("error", {})
        raise SystemExit(
            f"fogbank: {detail.get('code', exc.code)}: {detail.get('message', exc.reason)}"
        ) from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"fogbank: no server at {endpoint}: {exc.reason}") from None


def render(raw: bytes) -> str:
    """One message as a person reads it: headers, a blank line, the body, then the attachment list."""
    message = parse(raw)
    lines = [f"{name}: {value}" for name, value in message.items()]
    body = message.get_body(preferencelist=("plain", "html"))
    lines.append("")
    if body is not None and not body.is_attachment():
        lines.append(str(body.get_content()).rstrip("\n"))
    attachments = list(message.iter_attachments()) if message.is_multipart() else []
    if attachments:
        lines += ["", "Attachments:"]
        for part in attachments:
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            lines.append(f"  {part.get_filename() or '(unnamed)'} ({part.get_content_type()}, {size} bytes)")
    return "\n".join(lines) + "\n"


def print_mail(endpoint: str, out: BinaryIO, *, message_id: str | None = None, raw: bool = False) -> int:
    """Print one message (`message_id`) or every message, oldest first; 0 when there was any."""
    if message_id is not None:
        ids = [message_id]
    else:
        ids = [entry["id"] for entry in json.loads(_get(endpoint, "/_fogbank/ses"))]
    for index, mid in enumerate(ids):
        data = _get(endpoint, f"/_fogbank/ses/{mid}?raw=1")
        if raw:
            out.write(data)
            continue
        if index:
            out.write(b"\n")
        out.write(f"=== {mid} ===\n".encode())
        out.write(render(data).encode())
    if not ids:
        out.write(b"The mailbox is empty.\n")
    out.flush()
    return 0
