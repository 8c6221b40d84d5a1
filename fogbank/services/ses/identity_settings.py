"""SES v1 per-identity settings: notification topics, headers in notifications, feedback forwarding,
custom MAIL FROM domains."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import identity_ops, service, store

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
    doc = store.existing_identity(ctx, request["Identity"], v2=False)
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
    doc = store.existing_identity(ctx, request["Identity"], v2=False)
    doc["headers"][request["NotificationType"]] = request["Enabled"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("SetIdentityFeedbackForwardingEnabled")
def set_identity_feedback_forwarding_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity_ops.update(ctx, request["Identity"], {"forwarding": request["ForwardingEnabled"]}, v2=False)
    return {}


def _notification_attributes(doc: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"ForwardingEnabled": doc["forwarding"]}
    for kind in NOTIFICATION_TYPES:
        if kind in doc["topics"]:
            attributes[f"{kind}Topic"] = doc["topics"][kind]
        attributes[f"HeadersIn{kind}NotificationsEnabled"] = doc["headers"].get(kind, False)
    return attributes


@service.handler("GetIdentityNotificationAttributes")
def get_identity_notification_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    found = identity_ops.attributes_of(ctx, request["Identities"], _notification_attributes)
    return {"NotificationAttributes": found}


@service.handler("SetIdentityMailFromDomain")
def set_identity_mail_from_domain(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    behavior = request.get("BehaviorOnMXFailure", "UseDefaultValue")
    identity_ops.set_mail_from(ctx, request["Identity"], request.get("MailFromDomain"), behavior, v2=False)
    return {}


def _mail_from_attributes(doc: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"BehaviorOnMXFailure": doc["behavior"]}
    if "mail_from" in doc:
        attributes["MailFromDomain"] = doc["mail_from"]
        attributes["MailFromDomainStatus"] = "Success"
    return attributes


@service.handler("GetIdentityMailFromDomainAttributes")
def get_identity_mail_from_domain_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    found = identity_ops.attributes_of(ctx, request["Identities"], _mail_from_attributes)
    return {"MailFromDomainAttributes": found}
