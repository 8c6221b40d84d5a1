"""Email and email-json delivery: the messages AWS sends, kept in the SES mailbox (ses/mailbox.py).

Notifications to an "email" subscription are the message text with AWS's unsubscribe footer, under the
topic's DisplayName; "email-json" subscriptions get the JSON notification as the body. Confirmation
emails carry the SubscribeURL. `send` keeps one email in the topic's account and region; the other
functions write the (subject, body) of each kind.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from fogbank.services.sns import urls
from fogbank.state import Transaction

__all__ = ["Mail", "send", "notification", "json_mail", "confirmation", "SENDER"]

SENDER = "no-reply@sns.amazonaws.com"
_SUBJECT = "AWS Notification Message"

Mail = tuple[str, str]  # (subject, body)

_FOOTER = (
    "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link "
    "below "
    "to unsubscribe:\n{url}\n\nPlease do not reply directly to this email. If you have any questions or "
    "comments regarding this email, please contact us at https://aws.amazon.com/support"
)


def send(tx: Transaction, now: datetime, topic: dict[str, Any], sub: dict[str, Any], mail: Mail) -> None:
    from fogbank.services.ses.mailbox import store

    subject, body = mail
    region, account = topic["TopicArn"].split(":")[3:5]
    display = topic["Attributes"].get("DisplayName") or "AWS Notifications"
    message = EmailMessage()
    message["From"] = f'"{display}" <{SENDER}>'
    message["To"] = sub["Endpoint"]
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="email.amazonses.com")
    message.set_content(body)
    store(tx, now, account, region, source=SENDER, destinations=[sub["Endpoint"]], raw=message.as_bytes())


def notification(sub: dict[str, Any], subject: str | None, text: str) -> Mail:
    """An "email" subscription's notification: the text and the unsubscribe footer."""
    return subject or _SUBJECT, text + _FOOTER.format(url=urls.unsubscribe_url(sub["SubscriptionArn"]))


def json_mail(body: str) -> Mail:
    """An "email-json" subscription's message: the JSON document as the body."""
    return _SUBJECT, body


def confirmation(topic: dict[str, Any], subscribe_url: str) -> Mail:
    body = (
        f"You have chosen to subscribe to the topic: \n{topic['TopicArn']}\n\n"
        "To confirm this subscription, click or visit the link below (If this was in error no action is "
        f"necessary): \nConfirm subscription\n{subscribe_url}\n\nPlease do not reply directly to this email."
    )
    return "AWS Notification - Subscription Confirmation", body
