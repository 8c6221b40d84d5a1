"""SES v1 sending: SendEmail, SendRawEmail, SendTemplatedEmail and SendBulkTemplatedEmail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, sending, service, template_store
from fogbank.services.ses.compose import Content, build, envelope_of
from fogbank.services.ses.templates import missing_template
from fogbank.services.ses.templating import MissingAttribute

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["MAX_RAW_SIZE"]

MAX_RAW_SIZE = 10 * 1024 * 1024


def _build(
    ctx: Context, request: dict[str, Any], destination: dict[str, Any], content: Content, mid: str
) -> bytes:
    return build(
        content,
        source=request["Source"],
        to=destination.get("ToAddresses", []),
        cc=destination.get("CcAddresses", []),
        reply_to=request.get("ReplyToAddresses", []),
        message_id=mid,
        date=ctx.clock.now(),
    )


@service.handler("SendEmail")
def send_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    send = sending.Send(
        v2=False,
        operation="SendEmail",
        source=request["Source"],
        recipients=sending.recipients_of(request["Destination"]),
        config_set_name=request.get("ConfigurationSetName"),
        tags=sending.tags_of(request.get("Tags")),
        return_path=request.get("ReturnPath"),
        identity_arn=request.get("SourceArn"),
    )
    checked = sending.check(ctx, send)
    message, body = request["Message"], request["Message"]["Body"]
    content = Content(
        subject=message["Subject"]["Data"],
        text=body["Text"]["Data"] if "Text" in body else None,
        html=body["Html"]["Data"] if "Html" in body else None,
        text_charset=body.get("Text", {}).get("Charset"),
        html_charset=body.get("Html", {}).get("Charset"),
    )
    mid = mailbox.message_id(ctx.clock.now())
    sending.deliver(ctx, send, checked, mid, _build(ctx, request, request["Destination"], content, mid))
    return {"MessageId": mid}


@service.handler("SendRawEmail")
def send_raw_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    raw: bytes = request["RawMessage"]["Data"]
    if len(raw) > MAX_RAW_SIZE:
        raise ServiceError(
            "InvalidParameterValue",
            f"Message length is more than {MAX_RAW_SIZE} bytes long: '{len(raw)}'.",
            400,
        )
    header_source, header_destinations = envelope_of(raw)
    source = request.get("Source") or header_source
    if not source:
        raise ServiceError("InvalidParameterValue", "Missing required header 'From'.", 400)
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
    checked = sending.check(ctx, send)
    mid = mailbox.message_id(ctx.clock.now())
    sending.deliver(ctx, send, checked, mid, raw)
    return {"MessageId": mid}


def _template(ctx: Context, name: str) -> dict[str, Any]:
    doc = template_store.get(ctx, name)
    if doc is None:
        raise missing_template(name)
    return doc


def _data(text: str, template: str) -> dict[str, Any]:
    try:
        return template_store.parse_data(text)
    except template_store.InvalidData as exc:
        raise ServiceError(
            "InvalidRenderingParameter",
            f"Template data is not valid JSON: {exc}",
            400,
            fields={"TemplateName": template},
        ) from exc


def _send_templated(
    ctx: Context,
    request: dict[str, Any],
    send: sending.Send,
    checked: sending.Checked,
    destination: dict[str, Any],
    template: dict[str, Any],
    data: dict[str, Any],
) -> str:
    mid = mailbox.message_id(ctx.clock.now())
    try:
        content = template_store.render_content(template, data)
    except MissingAttribute as exc:
        error = f"Attribute '{exc.name}' is not present in the rendering data."
        sending.fail_rendering(ctx, send, checked, mid, template["name"], error)
        return mid
    sending.deliver(ctx, send, checked, mid, _build(ctx, request, destination, content, mid))
    return mid


@service.handler("SendTemplatedEmail")
def send_templated_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    send = sending.Send(
        v2=False,
        operation="SendTemplatedEmail",
        source=request["Source"],
        recipients=sending.recipients_of(request["Destination"]),
        config_set_name=request.get("ConfigurationSetName"),
        tags=sending.tags_of(request.get("Tags")),
        return_path=request.get("ReturnPath"),
        identity_arn=request.get("SourceArn"),
    )
    checked = sending.check(ctx, send)
    template = _template(ctx, request["Template"])
    data = _data(request["TemplateData"], request["Template"])
    return {"MessageId": _send_templated(ctx, request, send, checked, request["Destination"], template, data)}


@service.handler("SendBulkTemplatedEmail")
def send_bulk_templated_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    sending.check_source(
        ctx,
        sending.Send(
            v2=False,
            operation="SendBulkTemplatedEmail",
            source=request["Source"],
            recipients=[],
            identity_arn=request.get("SourceArn"),
        ),
    )
    template = _template(ctx, request["Template"])
    default = _data(request.get("DefaultTemplateData") or "{}", request["Template"])
    statuses = []
    for entry in request["Destinations"]:
        data = default | _data(entry.get("ReplacementTemplateData") or "{}", request["Template"])
        send = sending.Send(
            v2=False,
            operation="SendBulkTemplatedEmail",
            source=request["Source"],
            recipients=sending.recipients_of(entry["Destination"]),
            config_set_name=request.get("ConfigurationSetName"),
            tags=sending.tags_of(request.get("DefaultTags"), entry.get("ReplacementTags")),
            return_path=request.get("ReturnPath"),
            identity_arn=request.get("SourceArn"),
        )
        try:
            checked = sending.check(ctx, send)
        except ServiceError as exc:
            statuses.append({"Status": _BULK_STATUS.get(exc.code, "Failed"), "Error": exc.message})
            continue
        mid = _send_templated(ctx, request, send, checked, entry["Destination"], template, data)
        statuses.append({"Status": "Success", "MessageId": mid})
    return {"Status": statuses}


# A per-destination failure of a bulk send, as BulkEmailStatus names it.
_BULK_STATUS = {
    "MessageRejected": "MessageRejected",
    "ConfigurationSetDoesNotExist": "ConfigurationSetDoesNotExist",
    "AccountSendingPausedException": "AccountSendingPaused",
    "ConfigurationSetSendingPausedException": "ConfigurationSetSendingPaused",
    "Throttling": "AccountDailyQuotaExceeded",
    "InvalidParameterValue": "InvalidParameterValue",
}
