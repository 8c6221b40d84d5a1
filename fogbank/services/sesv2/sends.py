"""SES v2 sending: SendEmail (Simple, Raw or Template content) and SendBulkEmail, through the same checks,
mailbox and events as v1 (fogbank.services.ses.sending). ListManagementOptions are accepted and ignored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, sending, template_store
from fogbank.services.ses.compose import Content, build, envelope_of
from fogbank.services.ses.templating import MissingAttribute
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request
from fogbank.services.sesv2.templates import existing

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

MAX_MESSAGE_SIZE = 40 * 1024 * 1024


def _template(ctx: Context, template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored (or inline) template and its data."""
    if "TemplateName" in template:
        doc = existing(ctx, template["TemplateName"])
    elif "TemplateContent" in template:
        inline = template["TemplateContent"]
        doc = {
            "name": "",
            "subject": inline.get("Subject", ""),
            "text": inline.get("Text"),
            "html": inline.get("Html"),
        }
    else:
        raise bad_request("Template must name a TemplateName, a TemplateArn or give TemplateContent.")
    try:
        return doc, template_store.parse_data(template.get("TemplateData") or "{}")
    except template_store.InvalidData as exc:
        raise bad_request(f"Template data is not valid JSON: {exc}") from exc


def _deliver_content(
    ctx: Context,
    request: dict[str, Any],
    send: sending.Send,
    checked: sending.Checked,
    destination: dict[str, Any],
    content: Content,
) -> str:
    mid = mailbox.message_id(ctx.clock.now())
    raw = build(
        content,
        source=request["FromEmailAddress"],
        to=destination.get("ToAddresses", []),
        cc=destination.get("CcAddresses", []),
        reply_to=request.get("ReplyToAddresses", []),
        message_id=mid,
        date=ctx.clock.now(),
    )
    sending.deliver(ctx, send, checked, mid, raw)
    return mid


def _deliver_template(
    ctx: Context,
    request: dict[str, Any],
    send: sending.Send,
    checked: sending.Checked,
    destination: dict[str, Any],
    template: dict[str, Any],
    data: dict[str, Any],
) -> str:
    try:
        content = template_store.render_content(template, data)
    except MissingAttribute as exc:
        mid = mailbox.message_id(ctx.clock.now())
        error = f"Attribute '{exc.name}' is not present in the rendering data."
        sending.fail_rendering(ctx, send, checked, mid, template["name"], error)
        return mid
    return _deliver_content(ctx, request, send, checked, destination, content)


@service.handler("SendEmail")
def send_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    content = request["Content"]
    destination = request.get("Destination", {})
    if "Raw" in content:
        raw: bytes = content["Raw"]["Data"]
        if len(raw) > MAX_MESSAGE_SIZE:
            raise bad_request(f"Message length is more than {MAX_MESSAGE_SIZE} bytes long: '{len(raw)}'.")
        header_source, header_destinations = envelope_of(raw)
        source = request.get("FromEmailAddress") or header_source
        if not source:
            raise bad_request("Missing required header 'From'.")
        recipients = sending.recipients_of(destination) or header_destinations
    elif "FromEmailAddress" not in request:
        raise bad_request("Missing required field FromEmailAddress.")
    else:
        source, recipients = request["FromEmailAddress"], sending.recipients_of(destination)
    send = sending.Send(
        v2=True,
        operation="SendEmail",
        source=source,
        recipients=recipients,
        config_set_name=request.get("ConfigurationSetName"),
        tags=sending.tags_of(request.get("EmailTags")),
        return_path=request.get("FeedbackForwardingEmailAddress"),
        identity_arn=request.get("FromEmailAddressIdentityArn"),
    )
    checked = sending.check(ctx, send)
    if "Raw" in content:
        mid = mailbox.message_id(ctx.clock.now())
        sending.deliver(ctx, send, checked, mid, content["Raw"]["Data"])
    elif "Simple" in content:
        simple, body = content["Simple"], content["Simple"]["Body"]
        mid = _deliver_content(
            ctx,
            request,
            send,
            checked,
            destination,
            Content(
                subject=simple["Subject"]["Data"],
                text=body["Text"]["Data"] if "Text" in body else None,
                html=body["Html"]["Data"] if "Html" in body else None,
                text_charset=body.get("Text", {}).get("Charset"),
                html_charset=body.get("Html", {}).get("Charset"),
            ),
        )
    elif "Template" in content:
        template, data = _template(ctx, content["Template"])
        mid = _deliver_template(ctx, request, send, checked, destination, template, data)
    else:
        raise bad_request("Content must be Simple, Raw or Template.")
    return {"MessageId": mid}


# A per-entry failure of a bulk send, as BulkEmailStatus names it.
_BULK_STATUS = {
    "MessageRejected": "MESSAGE_REJECTED",
    "NotFoundException": "CONFIGURATION_SET_NOT_FOUND",
    "SendingPausedException": "ACCOUNT_SENDING_PAUSED",
    "LimitExceededException": "ACCOUNT_DAILY_QUOTA_EXCEEDED",
    "BadRequestException": "INVALID_PARAMETER",
}


@service.handler("SendBulkEmail")
def send_bulk_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if "FromEmailAddress" not in request:
        raise bad_request("Missing required field FromEmailAddress.")
    sending.check_source(
        ctx,
        sending.Send(
            v2=True,
            operation="SendBulkEmail",
            source=request["FromEmailAddress"],
            recipients=[],
            identity_arn=request.get("FromEmailAddressIdentityArn"),
        ),
    )
    default = request["DefaultContent"]["Template"]
    template, default_data = _template(ctx, default)
    results = []
    for entry in request["BulkEmailEntries"]:
        replacement = entry.get("ReplacementEmailContent", {}).get("ReplacementTemplate", {})
        try:
            data = default_data | template_store.parse_data(
                replacement.get("ReplacementTemplateData") or "{}"
            )
        except template_store.InvalidData as exc:
            results.append(
                {"Status": "INVALID_PARAMETER", "Error": f"Template data is not valid JSON: {exc}"}
            )
            continue
        send = sending.Send(
            v2=True,
            operation="SendBulkEmail",
            source=request["FromEmailAddress"],
            recipients=sending.recipients_of(entry["Destination"]),
            config_set_name=request.get("ConfigurationSetName"),
            tags=sending.tags_of(request.get("DefaultEmailTags"), entry.get("ReplacementTags")),
            return_path=request.get("FeedbackForwardingEmailAddress"),
            identity_arn=request.get("FromEmailAddressIdentityArn"),
        )
        try:
            checked = sending.check(ctx, send)
        except ServiceError as exc:
            results.append({"Status": _BULK_STATUS.get(exc.code, "FAILED"), "Error": exc.message})
            continue
        mid = _deliver_template(ctx, request, send, checked, entry["Destination"], template, data)
        results.append({"Status": "SUCCESS", "MessageId": mid})
    return {"BulkEmailEntryResults": results}
