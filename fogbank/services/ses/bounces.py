"""Bounce messages (RFC 3464 delivery status notifications): SendBounce's, and a receipt rule's BounceAction.

Either is kept in the mailbox, addressed to the original message's sender. inbound.py remembers each
received message's sender (remember) for 24 hours, as SendBounce only bounces mail received that recently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, service, store

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.state import Transaction

__all__ = ["Failed", "dsn", "remember", "RECEIVED"]

RECEIVED = "received"
_REMEMBERED = timedelta(hours=24)
_MTA = "dns; inbound-smtp.amazonaws.com"
# SendBounce's BounceType -> the RFC 3463 status code its DSN carries.
_STATUS = {
    "DoesNotExist": "5.1.1",
    "MessageTooLarge": "5.3.4",
    "ExceededQuota": "5.2.2",
    "ContentRejected": "5.3.0",
    "Undefined": "5.0.0",
    "TemporaryFailure": "4.0.0",
}


@dataclass(frozen=True, slots=True)
class Failed:
    """One bounced recipient's per-recipient DSN fields."""

    address: str
    status: str
    action: str = "failed"
    diagnostic: str | None = None


def dsn(
    *,
    sender: str,
    to: str,
    explanation: str,
    recipients: list[Failed],
    now: datetime,
    message_id: str,
    reporting_mta: str = _MTA,
    extra_fields: list[dict[str, str]] | None = None,
) -> bytes:
    """A multipart/report DSN: the explanation, then a message/delivery-status part."""
    message = mailbox.new_message(sender, to, "Delivery Status Notification (Failure)", now, message_id)
    message.set_content(explanation)
    message.make_mixed()
    per_message = {"Reporting-MTA": reporting_mta, "Arrival-Date": format_datetime(now)}
    per_message |= {field["Name"]: field["Value"] for field in extra_fields or []}
    blocks = [_block(per_message)]
    for failed in recipients:
        fields = {"Final-Recipient": f"rfc822; {failed.address}", "Action": failed.action}
        fields["Status"] = failed.status
        if failed.diagnostic:
            fields["Diagnostic-Code"] = f"smtp; {failed.diagnostic}"
        blocks.append(_block(fields))
    # The email package writes a message/delivery-status part from a list of header blocks.
    status = Message()
    status["Content-Type"] = "message/delivery-status"
    status.set_payload(blocks)
    message.attach(status)
    message.set_type("multipart/report")
    message.set_param("report-type", "delivery-status")
    return message.as_bytes()


def _block(fields: dict[str, str]) -> Message:
    block = Message()
    for name, value in fields.items():
        block[name] = value
    return block


def remember(tx: Transaction, now: datetime, where: tuple[str, str], message_id: str, source: str) -> None:
    """Keep a received message's sender, for SendBounce."""
    doc = {"source": source, "received": now.isoformat()}
    tx.put_doc(store.SERVICE, RECEIVED, *where, message_id, doc)


@service.handler("SendBounce")
def send_bounce(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    sender = request["BounceSender"]
    now = ctx.clock.now()
    if store.verified_identity_for(ctx, sender) is None:
        raise ServiceError("MessageRejected", f"Email address is not verified: {sender}", 400)
    original = store.tx_of(ctx).get_doc(
        store.SERVICE, RECEIVED, ctx.account, ctx.region, request["OriginalMessageId"]
    )
    if original is None or datetime.fromisoformat(original["received"]) < now - _REMEMBERED:
        raise ServiceError(
            "MessageRejected", f"Could not find original message: {request['OriginalMessageId']}", 400
        )
    failed = []
    for info in request["BouncedRecipientInfoList"]:
        fields = info.get("RecipientDsnFields", {})
        status = fields.get("Status") or _STATUS.get(info.get("BounceType", ""))
        if status is None:
            raise ServiceError(
                "InvalidParameterValue", "Each recipient needs a BounceType or RecipientDsnFields.", 400
            )
        failed.append(
            Failed(info["Recipient"], status, fields.get("Action", "failed"), fields.get("DiagnosticCode"))
        )
    dsn_fields = request.get("MessageDsn", {})
    mid = mailbox.message_id(now)
    raw = dsn(
        sender=sender,
        to=original["source"],
        explanation=request.get("Explanation", "Your message could not be delivered."),
        recipients=failed,
        now=now,
        message_id=mid,
        reporting_mta=dsn_fields.get("ReportingMta", _MTA),
        extra_fields=dsn_fields.get("ExtensionFields"),
    )
    mailbox.keep(ctx, mailbox.Sent(mid, "bounce", sender, [original["source"]]), raw)
    return {"MessageId": mid}
