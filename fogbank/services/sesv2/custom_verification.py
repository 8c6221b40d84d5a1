"""SES v2 custom verification email templates: the same store and sending as v1's
(fogbank.services.ses.custom_verification)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import custom_verification, store
from fogbank.services.ses.identities import check_address
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []


def _existing(ctx: Context, name: str) -> dict[str, Any]:
    doc = custom_verification.template(ctx, name)
    if doc is None:
        raise not_found(f"CustomVerificationEmailTemplate {name} does not exist.")
    return doc


def _check_from(ctx: Context, address: str) -> None:
    if store.verified_identity_for(ctx, address) is None:
        raise bad_request(f"Email address {address} is not verified.")


@service.handler("CreateCustomVerificationEmailTemplate")
def create_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TemplateName"]
    if custom_verification.template(ctx, name) is not None:
        raise ServiceError(
            "AlreadyExistsException", f"CustomVerificationEmailTemplate {name} already exists.", 400
        )
    if len(custom_verification.all_templates(ctx)) >= custom_verification.MAX_TEMPLATES:
        raise ServiceError("LimitExceededException", "Too many custom verification email templates.", 400)
    _check_from(ctx, request["FromEmailAddress"])
    doc = {key: request[key] for key in custom_verification.FIELDS}
    custom_verification.put_template(ctx, doc | {"Tags": request.get("Tags", [])})
    return {}


@service.handler("UpdateCustomVerificationEmailTemplate")
def update_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    _check_from(ctx, request["FromEmailAddress"])
    custom_verification.put_template(ctx, doc | {key: request[key] for key in custom_verification.FIELDS})
    return {}


@service.handler("GetCustomVerificationEmailTemplate")
def get_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    return {key: doc[key] for key in custom_verification.FIELDS} | {"Tags": doc.get("Tags", [])}


@service.handler("DeleteCustomVerificationEmailTemplate")
def delete_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _existing(ctx, request["TemplateName"])
    custom_verification.delete_template(ctx, request["TemplateName"])
    return {}


@service.handler("ListCustomVerificationEmailTemplates")
def list_custom_verification_email_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [custom_verification.summary(doc) for doc in custom_verification.all_templates(ctx)]
    return page(entries, request, "CustomVerificationEmailTemplates", default=50, most=50)


@service.handler("SendCustomVerificationEmail")
def send_custom_verification_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    name = request.get("ConfigurationSetName")
    if name and store.config_set(ctx, name) is None:
        raise not_found(f"Configuration set <{name}> does not exist.")
    if store.account_state(store.tx_of(ctx), ctx.account, ctx.region)["sandbox"]:
        raise bad_request("Production access is required to send custom verification emails.")
    _check_from(ctx, doc["FromEmailAddress"])
    try:
        check_address(request["EmailAddress"])
    except ServiceError as exc:
        raise bad_request(exc.message) from exc
    return {"MessageId": custom_verification.send(ctx, doc, request["EmailAddress"])}
