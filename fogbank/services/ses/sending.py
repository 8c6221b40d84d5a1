"""Sending, for every send operation of v1 and v2: the checks AWS makes, then into the mailbox.

Checks, in AWS's order: account sending enabled; the configuration set exists (and sends); at most 50
recipients; the source is a verified identity (the address, or its domain, or the identity named by
ARN, perhaps another account's under sending authorization); in the sandbox every recipient is
verified too (the mailbox simulator's addresses always pass); the 24-hour quota; the sending rate
(RATE_WINDOW). A failed identity check is MessageRejected naming every identity that failed.

fogbank "delivers" every message: it is kept in the mailbox, a Send event and a Delivery event are
published, bounces and complaints are mailed back to the return path while the identity forwards
feedback (feedback.py), and with an SMTP relay configured it is also handed to that server after
commit. The mailbox simulator (success@, bounce@, ooto@, complaint@, suppressionlist@ of
simulator.amazonses.com, with optional +labels) bounces and complains as AWS documents; an address on
the account's suppression list bounces as suppressionlist@ does. (The simulator's bounces never add to
the suppression list, as AWS documents, and fogbank's only bounces are the simulator's, so the list
holds what PutSuppressedDestination put there.)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import errors, events, feedback, mailbox, store
from fogbank.services.ses.compose import address_of

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = [
    "Send",
    "send_of",
    "check_source",
    "Checked",
    "check",
    "deliver",
    "fail_rendering",
    "quota",
    "RELAY_TOPIC",
    "MAX_RECIPIENTS",
]

MAX_RECIPIENTS = 50
RELAY_TOPIC = "ses.smtp_relay"
SIMULATOR = "simulator.amazonses.com"
RATE_EXCEEDED = "Maximum sending rate exceeded."
SANDBOX_QUOTA = {"Max24HourSend": 200.0, "MaxSendRate": 1.0}
PRODUCTION_QUOTA = {"Max24HourSend": 50000.0, "MaxSendRate": 14.0}
# AWS lets a sender exceed MaxSendRate in short bursts but not for long: a send is throttled once the
# recipients of the last RATE_WINDOW seconds (by fogbank's clock) reach MaxSendRate times the window.
RATE_WINDOW = 10


@dataclass(frozen=True, slots=True)
class Send:
    """One send request, whichever API it came through."""

    v2: bool
    operation: str
    source: str
    recipients: list[str]
    config_set_name: str | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)
    return_path: str | None = None
    identity_arn: str | None = None  # SourceArn / FromEmailAddressIdentityArn: maybe another account's
    destination: dict[str, Any] = field(default_factory=dict)  # To/Cc for the headers of a built message
    reply_to: list[str] = field(default_factory=list)
    headers: tuple[tuple[str, str], ...] = ()  # headers SES adds to the message (v2's List-Unsubscribe)


@dataclass(frozen=True, slots=True)
class Checked:
    config_set: dict[str, Any] | None
    identity: store.IdentityRef


def send_of(
    request: dict[str, Any],
    operation: str,
    source: str,
    destination: dict[str, Any],
    tags: tuple[list[dict[str, str]] | None, ...],
    *,
    v2: bool,
    recipients: list[str] | None = None,
) -> Send:
    """A send request's Send, whichever API's member names it uses; `recipients` default to the
    destination's."""
    return Send(
        v2=v2,
        operation=operation,
        source=source,
        recipients=recipients_of(destination) if recipients is None else recipients,
        config_set_name=request.get("ConfigurationSetName"),
        tags=tags_of(*tags),
        return_path=request.get("FeedbackForwardingEmailAddress" if v2 else "ReturnPath"),
        identity_arn=request.get("FromEmailAddressIdentityArn" if v2 else "SourceArn"),
        destination=destination,
        reply_to=request.get("ReplyToAddresses", []),
    )


def tags_of(*lists: list[dict[str, str]] | None) -> dict[str, list[str]]:
    """Message tags ([{Name, Value}], later lists overriding earlier ones) as events carry them."""
    tags: dict[str, list[str]] = {}
    for entries in lists:
        for tag in entries or []:
            tags[tag["Name"]] = [tag["Value"]]
    return tags


def recipients_of(destination: dict[str, Any]) -> list[str]:
    """Every envelope recipient of a Destination: To, then Cc, then Bcc."""
    return [
        *destination.get("ToAddresses", []),
        *destination.get("CcAddresses", []),
        *destination.get("BccAddresses", []),
    ]


def quota(ctx: Context) -> dict[str, float]:
    """Max24HourSend, MaxSendRate and SentLast24Hours (recipients, by fogbank's clock)."""
    account = store.account_state(store.tx_of(ctx), ctx.account, ctx.region)
    limits = SANDBOX_QUOTA if account["sandbox"] else PRODUCTION_QUOTA
    since = ctx.clock.now() - timedelta(hours=24)
    sent = mailbox.count_recipients_since(store.tx_of(ctx), ctx.account, ctx.region, since)
    return limits | {"SentLast24Hours": float(sent)}


def _simulated(address: str) -> str | None:
    """The simulator's verdict for `address` (success, bounce, ooto, complaint, suppressionlist), if any."""
    local, _, domain = address_of(address).rpartition("@")
    if domain.lower() != SIMULATOR:
        return None
    return local.split("+", 1)[0].lower()


def check(ctx: Context, send: Send) -> Checked:
    tx = store.tx_of(ctx)
    account = store.account_state(tx, ctx.account, ctx.region)
    if not account["sending_enabled"]:
        raise ServiceError(
            "SendingPausedException" if send.v2 else "AccountSendingPausedException",
            "Email sending is disabled for your entire Amazon SES account.",
            400,
        )
    config_set = None
    if send.config_set_name:
        config_set = store.existing_config_set(ctx, send.config_set_name, v2=send.v2)
        if not config_set.get("sending_enabled", True):
            raise ServiceError(
                "SendingPausedException" if send.v2 else "ConfigurationSetSendingPausedException",
                f"Email sending is disabled for configuration set {send.config_set_name}.",
                400,
                fields={} if send.v2 else {"ConfigurationSetName": send.config_set_name},
            )
    if not send.recipients:
        raise errors.invalid(send.v2, "InvalidParameterValue", "The message has no recipients.")
    for recipient in send.recipients:
        if "@" not in address_of(recipient):
            raise errors.invalid(send.v2, "InvalidParameterValue", "Missing final '@domain'")
    if len(send.recipients) > MAX_RECIPIENTS:
        raise errors.invalid(send.v2, "InvalidParameterValue", f"Recipient count exceeds {MAX_RECIPIENTS}.")
    source = address_of(send.source)
    identity = _sending_identity(ctx, send, source)
    failed = [] if identity is not None else [source]
    if account["sandbox"]:
        for recipient in send.recipients:
            address = address_of(recipient)
            if _simulated(address) is None and store.verified_identity_for(ctx, address) is None:
                failed.append(address)
    if failed:
        raise ServiceError("MessageRejected", _unverified(ctx, failed), 400)
    _check_quota(ctx, send)
    assert identity is not None
    ref, doc = identity
    if config_set is None and doc.get("config_set") and ref.account == ctx.account:
        # The identity's default configuration set applies to sends that name none (a deleted one is skipped).
        config_set = store.config_set(ctx, doc["config_set"])
    return Checked(config_set, ref)


def _check_quota(ctx: Context, send: Send) -> None:
    """The 24-hour quota, then the sending rate: v1's Throttling, v2's LimitExceeded / TooManyRequests."""
    limits = quota(ctx)
    if limits["SentLast24Hours"] + len(send.recipients) > limits["Max24HourSend"]:
        if send.v2:
            raise ServiceError("LimitExceededException", "Daily message quota exceeded.", 400)
        raise ServiceError("Throttling", "Daily message quota exceeded.", 400)
    since = ctx.clock.now() - timedelta(seconds=RATE_WINDOW)
    recent = mailbox.count_recipients_since(store.tx_of(ctx), ctx.account, ctx.region, since)
    if recent >= limits["MaxSendRate"] * RATE_WINDOW:
        if send.v2:
            raise ServiceError("TooManyRequestsException", RATE_EXCEEDED, 429)
        raise ServiceError("Throttling", RATE_EXCEEDED, 400)


def _sending_identity(
    ctx: Context, send: Send, source: str
) -> tuple[store.IdentityRef, dict[str, Any]] | None:
    """The identity the send goes out under: the one its ARN names (sending authorization lets another
    account's identity be used; the authorize stage has checked its policies), else the caller's identity
    that verifies the source."""
    if send.identity_arn:
        ref = store.parse_identity_arn(send.identity_arn)
        if ref is None:
            raise errors.invalid(
                send.v2, "InvalidParameterValue", f"Invalid identity ARN <{send.identity_arn}>."
            )
        doc = store.identity_in(store.tx_of(ctx), ref)
        if doc is None or doc["name"].lower() not in (source.lower(), store.domain_of(source)):
            return None
        return store.IdentityRef(ref.account, ref.region, doc["name"]), doc
    doc = store.verified_identity_for(ctx, source)
    return (store.IdentityRef(ctx.account, ctx.region, doc["name"]), doc) if doc is not None else None


def check_source(ctx: Context, send: Send) -> None:
    """MessageRejected unless the send's source is a verified identity (bulk sends check it once)."""
    address = address_of(send.source)
    if _sending_identity(ctx, send, address) is None:
        raise ServiceError("MessageRejected", _unverified(ctx, [address]), 400)


def _unverified(ctx: Context, failed: list[str]) -> str:
    return (
        "Email address is not verified. The following identities failed the check in region "
        f"{ctx.region.upper()}: {', '.join(dict.fromkeys(failed))}"
    )


def _mail(send: Send, checked: Checked, message_id: str, raw: bytes | None) -> events.Mail:
    message = mailbox.parse(raw) if raw is not None else None
    headers = [(key, str(value)) for key, value in message.items()] if message is not None else []
    return events.Mail(
        message_id=message_id,
        source=send.source,
        identity=checked.identity,
        destination=[address_of(r) for r in send.recipients],
        headers=headers,
        subject=str(message.get("Subject", "")) if message is not None else "",
        operation=send.operation,
        config_set=checked.config_set,
        tags=send.tags,
    )


def deliver(ctx: Context, send: Send, checked: Checked, message_id: str, raw: bytes) -> None:
    """Keep the message in the mailbox and publish what happened to it."""
    now = ctx.clock.now()
    raw = b"".join(f"{name}: {value}\r\n".encode() for name, value in send.headers) + raw
    verdicts = {
        address: _simulated(address) or ("suppressionlist" if store.suppressed(ctx, address) else None)
        for address in map(address_of, send.recipients)
    }
    bounced = [a for a, v in verdicts.items() if v in ("bounce", "suppressionlist")]
    delivered = [a for a, v in verdicts.items() if v not in ("bounce", "suppressionlist")]
    complained = [a for a, v in verdicts.items() if v == "complaint"]
    sent = mailbox.Sent(
        message_id, "ses", address_of(send.source), list(verdicts), len(bounced), len(complained)
    )
    mailbox.keep(ctx, sent, raw)
    mail = _mail(send, checked, message_id, raw)
    events.emit(ctx, mail, "Send", {})
    if delivered:
        events.emit(ctx, mail, "Delivery", events.detail("Delivery", now, delivered))
    suppressed = [a for a in bounced if verdicts[a] == "suppressionlist"]
    if suppressed:
        events.emit(
            ctx, mail, "Bounce", events.detail("Bounce", now, suppressed, sub_type="OnAccountSuppressionList")
        )
    if len(suppressed) < len(bounced):
        plain = [r for r in bounced if r not in suppressed]
        events.emit(ctx, mail, "Bounce", events.detail("Bounce", now, plain))
    if complained:
        events.emit(ctx, mail, "Complaint", events.detail("Complaint", now, complained))
    identity = store.identity_in(store.tx_of(ctx), checked.identity)
    if identity is not None and identity["forwarding"]:
        to = address_of(send.return_path or send.source)
        for kind, recipients in (("Bounce", bounced), ("Complaint", complained)):
            if recipients:
                feedback.forward(ctx, kind, to=to, recipients=recipients, original=raw, message_id=message_id)
    if ctx.settings.smtp_relay:
        store.tx_of(ctx).enqueue(
            RELAY_TOPIC,
            {
                "relay": ctx.settings.smtp_relay,
                "source": address_of(send.source),
                "recipients": delivered,
                "raw": base64.b64encode(raw).decode("ascii"),
            },
        )


def fail_rendering(
    ctx: Context, send: Send, checked: Checked, message_id: str, template: str, error: str
) -> None:
    """A templated send whose data lacks a variable: accepted, never delivered, a Rendering Failure event."""
    mail = _mail(send, checked, message_id, None)
    events.emit(
        ctx,
        mail,
        "Rendering Failure",
        events.detail("Rendering Failure", ctx.clock.now(), [], error=error, template=template),
    )
