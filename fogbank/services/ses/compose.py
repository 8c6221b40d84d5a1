"""Building the RFC 5322 message SES sends, with the standard library's `email` package.

Text alone is text/plain, HTML alone text/html, both a multipart/alternative (text first, as mail
readers expect the richest part last). Bcc recipients get the message but never appear in a header.
Reading a raw message back: its envelope sender and recipients, when the caller gave none, come from
From and To/Cc/Bcc, as SendRawEmail takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from fogbank.services.ses import mailbox

__all__ = ["Content", "build", "envelope_of", "address_of", "rendered_preview"]


@dataclass(frozen=True, slots=True)
class Content:
    subject: str
    text: str | None = None
    html: str | None = None
    text_charset: str | None = None
    html_charset: str | None = None


def build(
    content: Content,
    *,
    source: str,
    to: list[str],
    cc: list[str],
    reply_to: list[str],
    message_id: str,
    date: datetime,
) -> bytes:
    message = EmailMessage()
    message["From"] = source
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = ", ".join(reply_to)
    message["Subject"] = content.subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_id}@email.amazonses.com>"
    _set_body(message, content)
    return message.as_bytes()


def rendered_preview(content: Content, date: datetime) -> str:
    """The message TestRenderTemplate shows: the rendered subject and parts, without addresses."""
    message = EmailMessage()
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{mailbox.message_id(date)}@email.amazonses.com>"
    message["Subject"] = content.subject
    _set_body(message, content)
    return message.as_string()


def _charset(text: str, charset: str | None) -> str:
    """The charset the caller named, unless it cannot encode the text (then UTF-8, which always can)."""
    try:
        text.encode(charset or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return "utf-8"
    return charset or "utf-8"


def _set_body(message: EmailMessage, content: Content) -> None:
    if content.text is not None:
        message.set_content(
            content.text, subtype="plain", charset=_charset(content.text, content.text_charset)
        )
    if content.html is not None:
        charset = _charset(content.html, content.html_charset)
        if content.text is None:
            message.set_content(content.html, subtype="html", charset=charset)
        else:
            message.add_alternative(content.html, subtype="html", charset=charset)
    if content.text is None and content.html is None:
        message.set_content("", subtype="plain", charset="utf-8")


def address_of(value: str) -> str:
    """The bare address in `value` ("Name <a@b>" -> "a@b")."""
    return parseaddr(value)[1] or value


def envelope_of(raw: bytes) -> tuple[str, list[str]]:
    """(source, destinations) from a raw message's From, To, Cc and Bcc headers."""
    message = mailbox.parse(raw)
    source = address_of(str(message.get("From", "") or ""))
    values = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    return source, [address for _, address in getaddresses(values) if address]
