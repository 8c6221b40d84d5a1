"""What every send operation of v1 and v2 does once its request is read: one implementation of each.

The handlers (ses/sends.py, sesv2/sends.py) translate their API's shapes into a `sending.Send`, a
destination and a Content, raw bytes or a template; these functions build the message, render templates
and hand the result to `sending.deliver`. Errors come in the calling API's codes (`v2`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import errors, mailbox, sending, template_store
from fogbank.services.ses.compose import Content, build, envelope_of
from fogbank.services.ses.templating import MissingAttribute

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["content_of", "raw_envelope", "send_content", "send_raw", "send_template", "send_bulk"]


def content_of(message: dict[str, Any]) -> Content:
    """A Message (v1) or Simple content (v2): {Subject: {Data}, Body: {Text?, Html?}}."""
    body = message["Body"]
    return Content(
        subject=message["Subject"]["Data"],
        text=body["Text"]["Data"] if "Text" in body else None,
        html=body["Html"]["Data"] if "Html" in body else None,
        text_charset=body.get("Text", {}).get("Charset"),
        html_charset=body.get("Html", {}).get("Charset"),
    )


def raw_envelope(raw: bytes, source: str | None, most: int, *, v2: bool) -> tuple[str, list[str]]:
    """The sender (given, else From) and the header recipients of a raw message at most `most` bytes."""
    if len(raw) > most:
        raise errors.invalid(
            v2, "InvalidParameterValue", f"Message length is more than {most} bytes long: '{len(raw)}'."
        )
    header_source, header_destinations = envelope_of(raw)
    source = source or header_source
    if not source:
        raise errors.invalid(v2, "InvalidParameterValue", "Missing required header 'From'.")
    return source, header_destinations


def send_raw(ctx: Context, send: sending.Send, checked: sending.Checked, raw: bytes) -> str:
    mid = mailbox.message_id(ctx.clock.now())
    sending.deliver(ctx, send, checked, mid, raw)
    return mid


def send_content(ctx: Context, send: sending.Send, checked: sending.Checked, content: Content) -> str:
    """Build the message SES would send for `content` and deliver it."""
    mid = mailbox.message_id(ctx.clock.now())
    raw = build(
        content,
        source=send.source,
        to=send.destination.get("ToAddresses", []),
        cc=send.destination.get("CcAddresses", []),
        reply_to=send.reply_to,
        message_id=mid,
        date=ctx.clock.now(),
    )
    sending.deliver(ctx, send, checked, mid, raw)
    return mid


def send_template(
    ctx: Context, send: sending.Send, checked: sending.Checked, template: dict[str, Any], data: dict[str, Any]
) -> str:
    """Render and send; data lacking a variable is accepted, never delivered, and a Rendering Failure."""
    try:
        content = template_store.render_content(template, data)
    except MissingAttribute as exc:
        mid = mailbox.message_id(ctx.clock.now())
        error = f"Attribute '{exc.name}' is not present in the rendering data."
        sending.fail_rendering(ctx, send, checked, mid, template["name"], error)
        return mid
    return send_content(ctx, send, checked, content)


# A per-entry failure of a bulk send, as each API's BulkEmailStatus names it.
_BULK_STATUS_V1 = {
    "MessageRejected": "MessageRejected",
    "ConfigurationSetDoesNotExist": "ConfigurationSetDoesNotExist",
    "AccountSendingPausedException": "AccountSendingPaused",
    "ConfigurationSetSendingPausedException": "ConfigurationSetSendingPaused",
    "InvalidParameterValue": "InvalidParameterValue",
}
_BULK_STATUS_V2 = {
    "MessageRejected": "MESSAGE_REJECTED",
    "NotFoundException": "CONFIGURATION_SET_NOT_FOUND",
    "SendingPausedException": "ACCOUNT_SENDING_PAUSED",
    "BadRequestException": "INVALID_PARAMETER",
    "LimitExceededException": "ACCOUNT_DAILY_QUOTA_EXCEEDED",
    "TooManyRequestsException": "ACCOUNT_THROTTLED",
}


def _bulk_status(error: ServiceError | None, *, v2: bool) -> str:
    if error is None:
        return "SUCCESS" if v2 else "Success"
    if error.code == "Throttling":
        # v1's daily quota and sending rate share their error code; the message tells them apart.
        return "AccountThrottled" if error.message == sending.RATE_EXCEEDED else "AccountDailyQuotaExceeded"
    if v2:
        return _BULK_STATUS_V2.get(error.code, "FAILED")
    return _BULK_STATUS_V1.get(error.code, "Failed")


def send_bulk(
    ctx: Context,
    entries: list[tuple[sending.Send, dict[str, Any] | ServiceError]],
    template: dict[str, Any],
    *,
    v2: bool,
) -> list[dict[str, Any]]:
    """Each entry (its Send and data, or the error reading its data) sent on its own; the per-entry
    results as {Status, MessageId | Error} in the API's spelling."""
    results = []
    for send, data in entries:
        try:
            if isinstance(data, ServiceError):
                raise data
            checked = sending.check(ctx, send)
        except ServiceError as exc:
            results.append({"Status": _bulk_status(exc, v2=v2), "Error": exc.message})
            continue
        mid = send_template(ctx, send, checked, template, data)
        results.append({"Status": _bulk_status(None, v2=v2), "MessageId": mid})
    return results
