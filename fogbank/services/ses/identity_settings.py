"""SES v1 per-identity settings: notification topics, headers in notifications, feedback forwarding,
custom MAIL FROM domains."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import service, store
from fogbank.services.ses.identities import existing

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

NOTIFICATION_TYPES = ("Bounce", "Complaint", "Delivery")


def _check_topic_arn(arn: str) -> None:
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns":
        raise ServiceError("InvalidParameterValue", f"Invalid SNS topic ARN <{arn}>.", 400)


@service.handler("SetIdentityNotificationTopic")
def set_identity_notification_topic(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["Identity"])
    kind = request["NotificationType"]
    if "SnsTopic" in request and request["SnsTopic"]:
        _check_topic_arn(request["SnsTopic"])
        doc["topics"][kind] = request["SnsTopic"]
    else:
        doc["topics"].pop(kind, None)
    store.put_identity(ctx, doc)
    return {}


@service.handler("SetIdentityHeadersInNotificationsEnabled")
def set_identity_headers_in_notifications_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["Identity"])
    doc["headers"][request["NotificationType"]] = request["Enabled"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("SetIdentityFeedbackForwardingEnabled")
def set_identity_feedback_forwarding_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["Identity"])
    doc["forwarding"] = request["ForwardingEnabled"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("GetIdentityNotificationAttributes")
def get_identity_notification_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in request["Identities"]:
        doc = store.identity(ctx, name)
        if doc is None:
            continue
        attributes: dict[str, Any] = {"ForwardingEnabled": doc["forwarding"]}
        for kind in NOTIFICATION_TYPES:
            if kind in doc["topics"]:
                attributes[f"{kind}Topic"] = doc["topics"][kind]
            attributes[f"HeadersIn{kind}NotificationsEnabled"] = doc["headers"].get(kind, False)
        found[name] = attributes
    return {"NotificationAttributes": found}


@service.handler("SetIdentityMailFromDomain")
def set_identity_mail_from_domain(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["Identity"])
    mail_from = request.get("MailFromDomain")
    if mail_from:
        domain = doc["name"] if store.is_domain(doc["name"]) else store.domain_of(doc["name"])
        if not mail_from.lower().endswith("." + domain.lower()):
            raise ServiceError(
                "InvalidParameterValue",
                f"Provided MAIL-FROM domain <{mail_from}> is not subdomain of the domain of the identity "
                f"<{doc['name']}>.",
                400,
            )
        doc["mail_from"] = mail_from
    else:
        doc.pop("mail_from", None)
    doc["behavior"] = request.get("BehaviorOnMXFailure", "UseDefaultValue")
    store.put_identity(ctx, doc)
    return {}


@service.handler("GetIdentityMailFromDomainAttributes")
def get_identity_mail_from_domain_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in request["Identities"]:
        doc = store.identity(ctx, name)
        if doc is None:
            continue
        attributes: dict[str, Any] = {"BehaviorOnMXFailure": doc["behavior"]}
        if "mail_from" in doc:
            attributes["MailFromDomain"] = doc["mail_from"]
            attributes["MailFromDomainStatus"] = "Success"
        found[name] = attributes
    return {"MailFromDomainAttributes": found}
