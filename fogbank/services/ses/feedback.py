"""Email feedback forwarding: bounces and complaints mailed back to the sender, as SES does by default.

While an identity's feedback forwarding is on (the default; SetIdentityFeedbackForwardingEnabled turns it
off), a bounce is reported by MAILER-DAEMON and a complaint by the complaints address, each to the
message's return path (ReturnPath / FeedbackForwardingEmailAddress, else the source). They land in the
mailbox, with the original's headers attached, and do not count against the sending quota.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fogbank.services.ses import mailbox

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["forward"]

BOUNCE_SENDER = "MAILER-DAEMON@email-bounces.amazonses.com"
COMPLAINT_SENDER = "complaints@email-abuse.amazonses.com"


def forward(
    ctx: Context, kind: str, *, to: str, recipients: list[str], original: bytes, message_id: str
) -> None:
    """Mail one bounce or complaint report to `to`, with the original message's headers attached."""
    now = ctx.clock.now()
    report_id = mailbox.message_id(now)
    sender = BOUNCE_SENDER if kind == "Bounce" else COMPLAINT_SENDER
    if kind == "Bounce":
        message = mailbox.new_message(sender, to, "Delivery Status Notification (Failure)", now, report_id)
        text = (
            "An error occurred while trying to deliver the mail to the following recipients:\n"
            + "\n".join(recipients)
            + "\n"
        )
    else:
        message = mailbox.new_message(sender, to, "Complaint about your message", now, report_id)
        text = f"A recipient complained about message {message_id}:\n" + "\n".join(recipients) + "\n"
    message.set_content(text)
    headers = original.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    message.add_attachment(
        headers.replace("\r\n", "\n") + "\n", subtype="rfc822-headers", filename="headers.txt"
    )
    mailbox.keep(ctx, mailbox.Sent(report_id, "feedback", sender, [to]), message.as_bytes())
