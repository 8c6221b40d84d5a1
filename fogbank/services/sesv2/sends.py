"""SES v2 sending: SendEmail (Simple, Raw or Template content) and SendBulkEmail, read into the same sends
as v1's (fogbank.services.ses.outgoing); ListManagementOptions through list_management.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, outgoing, sending, template_store
from fogbank.services.sesv2 import list_management, service
from fogbank.services.sesv2.common import bad_request

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

MAX_MESSAGE_SIZE = 40 * 1024 * 1024


def _template(ctx: Context, template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored (or inline) template and its data."""
    if "TemplateName" in template:
        doc = template_store.existing(ctx, template["TemplateName"], v2=True)
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
    return doc, template_store.data_of(template.get("TemplateData"), doc["name"], v2=True)


def _send(
    request: dict[str, Any],
    source: str,
    destination: dict[str, Any],
    recipients: list[str],
    *tags: list[dict[str, str]] | None,
) -> sending.Send:
    operation = "SendBulkEmail" if "BulkEmailEntries" in request else "SendEmail"
    return sending.send_of(request, operation, source, destination, tags, v2=True, recipients=recipients)


def _source(request: dict[str, Any]) -> str:
    if "FromEmailAddress" not in request:
        raise bad_request("Missing required field FromEmailAddress.")
    return request["FromEmailAddress"]


@service.handler("SendEmail")
def send_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    content = request["Content"]
    destination = request.get("Destination", {})
    recipients = sending.recipients_of(destination)
    tags = request.get("EmailTags")
    if "Raw" in content:
        raw: bytes = content["Raw"]["Data"]
        source, headers = outgoing.raw_envelope(
            raw, request.get("FromEmailAddress"), MAX_MESSAGE_SIZE, v2=True
        )
        send = _send(request, source, destination, recipients or headers, tags)
    else:
        send = _send(request, _source(request), destination, recipients, tags)
    checked = sending.check(ctx, send)
    if "ListManagementOptions" in request:
        send = list_management.apply(ctx, send, request["ListManagementOptions"])
        if not send.recipients:
            # Every recipient opted out: SES accepts the send and delivers it to no one.
            return {"MessageId": mailbox.message_id(ctx.clock.now())}
    if "Raw" in content:
        return {"MessageId": outgoing.send_raw(ctx, send, checked, raw)}
    if "Simple" in content:
        return {
            "MessageId": outgoing.send_content(ctx, send, checked, outgoing.content_of(content["Simple"]))
        }
    if "Template" in content:
        template, data = _template(ctx, content["Template"])
        return {"MessageId": outgoing.send_template(ctx, send, checked, template, data)}
    raise bad_request("Content must be Simple, Raw or Template.")


def _entry_data(default: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any] | ServiceError:
    replacement = entry.get("ReplacementEmailContent", {}).get("ReplacementTemplate", {})
    try:
        return default | template_store.data_of(replacement.get("ReplacementTemplateData"), "", v2=True)
    except ServiceError as exc:
        return exc


@service.handler("SendBulkEmail")
def send_bulk_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    source = _source(request)
    sending.check_source(ctx, _send(request, source, {}, []))
    template, default = _template(ctx, request["DefaultContent"]["Template"])
    entries = [
        (
            _send(
                request,
                source,
                entry["Destination"],
                sending.recipients_of(entry["Destination"]),
                request.get("DefaultEmailTags"),
                entry.get("ReplacementTags"),
            ),
            _entry_data(default, entry),
        )
        for entry in request["BulkEmailEntries"]
    ]
    return {"BulkEmailEntryResults": outgoing.send_bulk(ctx, entries, template, v2=True)}
