"""Custom verification email templates (v1, shared with v2): the email an address receives instead of AWS's
own when it is verified with SendCustomVerificationEmail.

fogbank verifies the address at once (as VerifyEmailIdentity does) and keeps the email, the template's HTML
with the verification link appended, in the mailbox. As AWS requires, only an account out of the sandbox
may send one, from a verified address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import mailbox, service, store
from fogbank.services.ses.identities import check_address
from fogbank.services.ses.paging import page_v1

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["template", "put_template", "delete_template", "all_templates", "send", "summary", "FIELDS"]

KIND = "cvtemplate"
MAX_TEMPLATES = 50
FIELDS = (
    "TemplateName",
    "FromEmailAddress",
    "TemplateSubject",
    "TemplateContent",
    "SuccessRedirectionURL",
    "FailureRedirectionURL",
)


def template(ctx: Context, name: str) -> dict[str, Any] | None:
    return store.tx_of(ctx).get_doc(store.SERVICE, KIND, ctx.account, ctx.region, name)


def put_template(ctx: Context, doc: dict[str, Any]) -> None:
    store.tx_of(ctx).put_doc(store.SERVICE, KIND, ctx.account, ctx.region, doc["TemplateName"], doc)


def delete_template(ctx: Context, name: str) -> bool:
    return store.tx_of(ctx).delete_doc(store.SERVICE, KIND, ctx.account, ctx.region, name)


def all_templates(ctx: Context) -> list[dict[str, Any]]:
    return [doc for _, doc in store.tx_of(ctx).list_docs(store.SERVICE, KIND, ctx.account, ctx.region)]


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """A template as the List operations show it: everything but its content (and tags)."""
    return {key: doc[key] for key in FIELDS if key != "TemplateContent"}


def send(ctx: Context, doc: dict[str, Any], address: str) -> str:
    """Verify `address` and keep the template's email to it in the mailbox; return the MessageId."""
    now = ctx.clock.now()
    mid = mailbox.message_id(now)
    store.new_identity(ctx, address)
    link = (
        f"https://email-verification.{ctx.region}.amazonaws.com/?Context={ctx.account}"
        f"&Identity.IdentityName={address}&Operation=ConfirmVerification"
        f"&SuccessRedirectionURL={doc['SuccessRedirectionURL']}&FailureRedirectionURL={doc['FailureRedirectionURL']}"
    )
    message = mailbox.new_message(doc["FromEmailAddress"], address, doc["TemplateSubject"], now, mid)
    message.set_content(f'{doc["TemplateContent"]}\n<p><a href="{link}">{link}</a></p>\n', subtype="html")
    sent = mailbox.Sent(mid, "verification", doc["FromEmailAddress"], [address])
    mailbox.keep(ctx, sent, message.as_bytes())
    return mid


def _missing(name: str) -> ServiceError:
    return ServiceError(
        "CustomVerificationEmailTemplateDoesNotExist",
        f"CustomVerificationEmailTemplate {name} does not exist.",
        400,
        fields={"CustomVerificationEmailTemplateName": name},
    )


def _existing(ctx: Context, name: str) -> dict[str, Any]:
    doc = template(ctx, name)
    if doc is None:
        raise _missing(name)
    return doc


def _check_from(ctx: Context, address: str) -> None:
    if store.verified_identity_for(ctx, address) is None:
        raise ServiceError(
            "FromEmailAddressNotVerified",
            f"Email address {address} is not verified.",
            400,
            fields={"FromEmailAddress": address},
        )


@service.handler("CreateCustomVerificationEmailTemplate")
def create_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TemplateName"]
    if template(ctx, name) is not None:
        raise ServiceError(
            "CustomVerificationEmailTemplateAlreadyExists",
            f"CustomVerificationEmailTemplate {name} already exists.",
            400,
            fields={"CustomVerificationEmailTemplateName": name},
        )
    if len(all_templates(ctx)) >= MAX_TEMPLATES:
        raise ServiceError(
            "LimitExceeded", f"You can have at most {MAX_TEMPLATES} custom verification templates."
        )
    _check_from(ctx, request["FromEmailAddress"])
    put_template(ctx, {key: request[key] for key in FIELDS})
    return {}


@service.handler("UpdateCustomVerificationEmailTemplate")
def update_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    if request.get("FromEmailAddress"):
        _check_from(ctx, request["FromEmailAddress"])
    put_template(ctx, doc | {key: request[key] for key in FIELDS if request.get(key) is not None})
    return {}


@service.handler("GetCustomVerificationEmailTemplate")
def get_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    return {key: doc[key] for key in FIELDS}


@service.handler("DeleteCustomVerificationEmailTemplate")
def delete_custom_verification_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    delete_template(ctx, request["TemplateName"])
    return {}


@service.handler("ListCustomVerificationEmailTemplates")
def list_custom_verification_email_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [summary(doc) for doc in all_templates(ctx)]
    paging = {"MaxItems": request["MaxResults"]} if "MaxResults" in request else {}
    if "NextToken" in request:
        paging["NextToken"] = request["NextToken"]
    return page_v1(entries, paging, "CustomVerificationEmailTemplates", default=50, most=50)


@service.handler("SendCustomVerificationEmail")
def send_custom_verification_email(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    if request.get("ConfigurationSetName"):
        store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)
    if store.account_state(store.tx_of(ctx), ctx.account, ctx.region)["sandbox"]:
        raise ServiceError(
            "ProductionAccessNotGranted",
            "Production access is required to send custom verification emails.",
            400,
        )
    _check_from(ctx, doc["FromEmailAddress"])
    check_address(request["EmailAddress"])
    return {"MessageId": send(ctx, doc, request["EmailAddress"])}
