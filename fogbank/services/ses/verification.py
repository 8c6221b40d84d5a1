"""The verification email AWS sends when an address identity is created, kept in fogbank's mailbox.

fogbank verifies identities at once (status Success), so the link in this message needs no click; it is
kept so that code which reads the verification email from a mailbox finds one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fogbank.services.ses import mailbox

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["send_verification_email", "REGION_NAMES"]

SENDER = "no-reply-aws@amazon.com"
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}


def send_verification_email(ctx: Context, address: str) -> None:
    region = REGION_NAMES.get(ctx.region, ctx.region)
    now = ctx.clock.now()
    message_id = mailbox.message_id(now)
    subject = f"Amazon Web Services \u2013 Email Address Verification Request in region {region}"
    message = mailbox.new_message(f"Amazon Web Services <{SENDER}>", address, subject, now, message_id)
    link = (
        f"https://email-verification.{ctx.region}.amazonaws.com/?Context={ctx.account}"
        f"&Identity.IdentityName={address}&Operation=ConfirmVerification"
    )
    message.set_content(
        "Dear Amazon Web Services Customer,\n\n"
        "We have received a request to authorize this email address for use with Amazon SES and Amazon "
        f"Pinpoint in region {region}. If you requested this verification, please go to the following URL "
        f"to confirm that you are authorized to use this email address:\n\n{link}\n\n"
        "Your request will not be processed unless you confirm the address using this URL.\n\n"
        "Sincerely,\n\nThe Amazon Web Services Team.\n"
    )
    mailbox.keep(ctx, mailbox.Sent(message_id, "verification", SENDER, [address]), message.as_bytes())
