"""SES v1 sending: SendEmail, SendRawEmail, SendTemplatedEmail and SendBulkTemplatedEmail, read into
the shared sends of outgoing.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, outgoing, sending, service, template_store

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["MAX_RAW_SIZE"]

MAX_RAW_SIZE = 10 * 1024 * 1024


def _send(
    request: dict[str, Any], operation: str, destination: dict[str, Any], *tags: list[dict[str, str]] | None
) -> sending.Send:
    return sending.send_of(request, operation, request["Source"], destination, tags, v2=False)


@service.handler("SendEmail")
def send_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    send = _send(request, "SendEmail", request["Destination"], request.get("Tags"))
    checked = sending.check(ctx, send)
    return {"MessageId": outgoing.send_content(ctx, send, checked, outgoing.content_of(request["Message"]))}


@service.handler("SendRawEmail")
def send_raw_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    raw: bytes = request["RawMessage"]["Data"]
    source, header_destinations = outgoing.raw_envelope(raw, request.get("Source"), MAX_RAW_SIZE, v2=False)
    config_set = request.get("ConfigurationSetName") or mailbox.parse(raw).get("X-SES-CONFIGURATION-SET")
    send = sending.Send(
        v2=False,
        operation="SendRawEmail",
        source=source,
        recipients=request.get("Destinations") or header_destinations,
        config_set_name=str(config_set) if config_set else None,
        tags=sending.tags_of(request.get("Tags")),
        identity_arn=request.get("SourceArn") or request.get("FromArn"),
    )
    return {"MessageId": outgoing.send_raw(ctx, send, sending.check(ctx, send), raw)}


@service.handler("SendTemplatedEmail")
def send_templated_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    send = _send(request, "SendTemplatedEmail", request["Destination"], request.get("Tags"))
    checked = sending.check(ctx, send)
    template = template_store.existing(ctx, request["Template"], v2=False)
    data = template_store.data_of(request["TemplateData"], request["Template"], v2=False)
    return {"MessageId": outgoing.send_template(ctx, send, checked, template, data)}


@service.handler("SendBulkTemplatedEmail")
def send_bulk_templated_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    operation, name = "SendBulkTemplatedEmail", request["Template"]
    sending.check_source(ctx, _send(request, operation, {}))
    template = template_store.existing(ctx, name, v2=False)
    default = template_store.data_of(request.get("DefaultTemplateData"), name, v2=False)
    entries: list[tuple[sending.Send, dict[str, Any] | ServiceError]] = [
        (
            _send(
                request,
                operation,
                entry["Destination"],
                request.get("DefaultTags"),
                entry.get("ReplacementTags"),
            ),
            default | template_store.data_of(entry.get("ReplacementTemplateData"), name, v2=False),
        )
        for entry in request["Destinations"]
    ]
    return {"Status": outgoing.send_bulk(ctx, entries, template, v2=False)}
