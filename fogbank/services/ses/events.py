"""SES's events about a message, published to SNS: configuration-set event destinations and identity
notification topics.

Event destinations get AWS's event publishing JSON ({"eventType": "Delivery", "mail": {...}, "delivery":
{...}}); identity topics get the older notification JSON ({"notificationType": "Delivery", ...}), only for
Bounce, Complaint and Delivery. A topic that is gone loses the event, as AWS drops events it cannot publish;
the send itself still succeeds.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.ses.compose import address_of

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["Mail", "emit", "detail", "headers_of", "iso", "EVENT_TYPES"]

# MatchingEventTypes value -> the eventType an event carries (v1 spells them camelCase, v2 in capitals).
EVENT_TYPES = {
    "send": "Send",
    "reject": "Reject",
    "bounce": "Bounce",
    "complaint": "Complaint",
    "delivery": "Delivery",
    "open": "Open",
    "click": "Click",
    "renderingFailure": "Rendering Failure",
    "deliveryDelay": "DeliveryDelay",
    "subscription": "Subscription",
}
_DETAIL_KEY = {"Rendering Failure": "failure", "DeliveryDelay": "deliveryDelay"}
_MTA = "a8-70.smtp-out.amazonses.com"


@dataclass(frozen=True, slots=True)
class Mail:
    """What an event says about the message it is about."""

    message_id: str
    source: str
    identity: store.IdentityRef | None
    destination: list[str]
    headers: list[tuple[str, str]]
    subject: str
    operation: str
    config_set: dict[str, Any] | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)


def _caller(ctx: Context) -> str:
    """The caller's name as SES tags it: "root", a user's name, or a role session's name."""
    if ctx.principal is None or ctx.principal.kind == "root":
        return "root"
    return ctx.principal.arn.rsplit("/", 1)[-1]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _mail(ctx: Context, mail: Mail, now: datetime, *, with_headers: bool, with_tags: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "timestamp": iso(now),
        "source": mail.source,
        "sourceArn": mail.identity.arn if mail.identity else store.identity_arn(ctx, address_of(mail.source)),
        "sourceIp": "127.0.0.1",
        "sendingAccountId": ctx.account,
        "callerIdentity": _caller(ctx),
        "messageId": mail.message_id,
        "destination": mail.destination,
    }
    if with_headers:
        body |= headers_of(mail.headers, mail.message_id, mail.subject)
    if with_tags:
        tags: dict[str, list[str]] = {
            "ses:operation": [mail.operation],
            "ses:source-ip": ["127.0.0.1"],
            "ses:from-domain": [store.domain_of(address_of(mail.source))],
            "ses:caller-identity": [body["callerIdentity"]],
        }
        if mail.config_set is not None:
            tags["ses:configuration-set"] = [mail.config_set["name"]]
        body["tags"] = tags | mail.tags
    return body


def headers_of(headers: list[tuple[str, str]], message_id: str, subject: str) -> dict[str, Any]:
    """A mail object's headersTruncated, headers and commonHeaders members, from the message's headers."""

    def header(name: str) -> list[str]:
        return [value for key, value in headers if key.lower() == name]

    common: dict[str, Any] = {"messageId": message_id, "subject": subject}
    for name in ("from", "to", "cc", "reply-to"):
        values = header(name)
        if values:
            key = "replyTo" if name == "reply-to" else name
            common[key] = [f"{n} <{a}>" if n else a for n, a in getaddresses(values)]
    if header("date"):
        common["date"] = header("date")[0]
    return {
        "headersTruncated": False,
        "headers": [{"name": key, "value": value} for key, value in headers],
        "commonHeaders": common,
    }


def detail(event_type: str, now: datetime, recipients: list[str], **extra: Any) -> dict[str, Any]:
    """The event's own member (delivery, bounce, complaint, send, failure), in AWS's shape."""
    when = iso(now)
    if event_type == "Delivery":
        return {
            "timestamp": when,
            "processingTimeMillis": 0,
            "recipients": recipients,
            "smtpResponse": "250 2.6.0 Message received",
            "remoteMtaIp": "127.0.0.1",
            "reportingMTA": _MTA,
        }
    if event_type == "Bounce":
        return {
            "feedbackId": f"{uuid.uuid4()}-000000",
            "bounceType": "Permanent",
            "bounceSubType": extra.get("sub_type", "General"),
            "bouncedRecipients": [
                {
                    "emailAddress": r,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
                for r in recipients
            ],
            "timestamp": when,
            "reportingMTA": "dns; amazonses.com",
        }
    if event_type == "Complaint":
        return {
            "feedbackId": f"{uuid.uuid4()}-000000",
            "complainedRecipients": [{"emailAddress": r} for r in recipients],
            "timestamp": when,
            "userAgent": "Amazon SES Mailbox Simulator",
            "complaintFeedbackType": "abuse",
            "arrivalDate": when,
        }
    if event_type == "Rendering Failure":
        return {"errorMessage": extra["error"], "templateName": extra["template"]}
    return {}


def emit(ctx: Context, mail: Mail, event_type: str, event_detail: dict[str, Any]) -> None:
    """Publish one event to every destination that wants it: the configuration set's SNS destinations
    and, for Bounce/Complaint/Delivery, the sending identity's notification topic."""
    now = ctx.clock.now()
    key = _DETAIL_KEY.get(event_type, event_type.lower())
    if mail.config_set is not None:
        for destination in mail.config_set.get("destinations", []):
            wanted = {EVENT_TYPES.get(t, t) for t in destination["types"]}
            if destination["enabled"] and destination.get("sns") and event_type in wanted:
                body = {
                    "eventType": event_type,
                    "mail": _mail(ctx, mail, now, with_headers=True, with_tags=True),
                }
                _publish(ctx, now, destination["sns"], body | {key: event_detail})
    if event_type in ("Bounce", "Complaint", "Delivery") and mail.identity is not None:
        identity = store.identity_in(store.tx_of(ctx), mail.identity)
        topic = identity["topics"].get(event_type) if identity else None
        if topic and identity is not None:
            headers = bool(identity["headers"].get(event_type))
            body = {
                "notificationType": event_type,
                "mail": _mail(ctx, mail, now, with_headers=headers, with_tags=False),
            }
            _publish(ctx, now, topic, body | {key: event_detail})


def _publish(ctx: Context, now: datetime, topic_arn: str, body: dict[str, Any]) -> None:
    from fogbank.services.sns.publish import publish

    try:
        publish(store.tx_of(ctx), now, ctx.account, ctx.region, topic_arn, json.dumps(body))
    except ServiceError:
        pass  # the topic is gone or refuses the message: AWS loses the event, never the send
