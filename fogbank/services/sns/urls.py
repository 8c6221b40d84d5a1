"""The URLs fogbank puts in SNS messages: signing certificate, SubscribeURL and UnsubscribeURL.

AWS points them at sns.REGION.amazonaws.com; fogbank points them at routes of its own (routes.py),
at the address the caller last reached SNS on (a publish made by another service, SES, uses the last
one seen, or the configured port before any).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from fogbank.context import Context

__all__ = [
    "CERT_ROUTE",
    "CONFIRM_ROUTE",
    "UNSUBSCRIBE_ROUTE",
    "base_url",
    "cert_url",
    "remember",
    "subscribe_url",
    "unsubscribe_url",
]

CERT_ROUTE = "/_fogbank/sns/cert/"
CONFIRM_ROUTE = "/_fogbank/sns/confirm"
UNSUBSCRIBE_ROUTE = "/_fogbank/sns/unsubscribe"

_base = {"url": ""}


def remember(ctx: Context) -> None:
    """Keep the address this request reached fogbank on, for URLs in messages made later."""
    host = ctx.request.headers.get("host")
    url = f"{ctx.request.scheme}://{host}" if host else f"http://localhost:{ctx.settings.port}"
    if _base["url"] != url:
        _base["url"] = url


def base_url() -> str:
    return _base["url"] or "http://localhost:4566"


def cert_url(cert_id: str) -> str:
    return f"{base_url()}{CERT_ROUTE}SimpleNotificationService-{cert_id}.pem"


def subscribe_url(topic_arn: str, token: str) -> str:
    topic = quote(topic_arn, safe="")
    return f"{base_url()}{CONFIRM_ROUTE}?Action=ConfirmSubscription&TopicArn={topic}&Token={token}"


def unsubscribe_url(subscription_arn: str) -> str:
    return f"{base_url()}{UNSUBSCRIBE_ROUTE}?Action=Unsubscribe&SubscriptionArn={_quoted(subscription_arn)}"


@lru_cache(maxsize=4096)
def _quoted(arn: str) -> str:
    """Kept: every notification names its subscription's ARN."""
    return quote(arn, safe="")
