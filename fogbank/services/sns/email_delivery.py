"""Email and email-json delivery: the messages AWS sends, kept in the SES mailbox (ses/mailbox.py).

Notifications to an "email" subscription are the message text with AWS's unsubscribe footer, under the
topic's DisplayName; "email-json" subscriptions get the JSON notification as the body. Confirmation
emails carry the SubscribeURL.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from fogbank.services.sns import urls
from fogbank.state import Transaction

__all__ = ["confirmation_email", "json_email", "notification_email", "SENDER"]

SENDER = "no-reply@sns.amazonaws.com"

_FOOTER = (
    "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link "
    "below "
    "to unsubscribe:\n{url}\n\nPlease do not reply directly to this email. If you have any questions or "
    "comments regarding this email, please contact us at https://aws.amazon.com/support"
)


def _send(
    tx: Transaction,
    now: datetime,
    region: str,
    topic: dict[str, Any],
    sub: dict[str, Any],
    subject: str,
    body: str,
) -> None:
    from fogbank.services.ses.mailbox import store

    display = topic["Attributes"].get("DisplayName") or "AWS Notifications"
    message = EmailMessage()
    message["From"] = f'"{display}" <{SENDER}>'
    message["To"] = sub["Endpoint"]
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="email.amazonses.com")
    message.set_content(body)
    account = topic["TopicArn"].split(":")[4]
    store(tx, now, account, region, source=SENDER, destinations=[sub["Endpoint"]], raw=message.as_bytes())


def notification_email(
    tx: Transaction,
    now: datetime,
    region: str,
    topic: dict[str, Any],
    sub: dict[str, Any],
    subject: str | None,
    text: str,
) -> None:
    body = text + _FOOTER.format(url=urls.unsubscribe_url(sub["SubscriptionArn"]))
    _send(tx, now, region, topic, sub, subject or "AWS Notification Message", body)


def json_email(
    tx: Transaction, now: datetime, region: str, topic: dict[str, Any], sub: dict[str, Any], body: str
) -> None:
    _send(tx, now, region, topic, sub, "AWS Notification Message", body)


def confirmation_email(
    tx: Transaction,
    now: datetime,
    region: str,
    topic: dict[str, Any],
    sub: dict[str, Any],
    subscribe_url: str,
) -> None:
    body = (
        f"You have chosen to subscribe to the topic: \n{topic['TopicArn']}\n\n"
        "To confirm this subscription, click or visit the link below (If this was in error no action is "
        f"necessary): \nConfirm subscription\n{subscribe_url}\n\nPlease do not reply directly to this email."
    )
    _send(tx, now, region, topic, sub, "AWS Notification - Subscription Confirmation", body)
