"""SES v1 identities: verifying addresses and domains (with Easy DKIM tokens), listing and deleting them.

fogbank verifies every identity at once: VerificationStatus is Success as soon as it exists, which is
what a local cloud's users expect (AWS keeps an address Pending until its link is clicked). The
verification email AWS would send still lands in the mailbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import identity_ops, service, store
from fogbank.services.ses.paging import page_v1
from fogbank.services.ses.verification import send_verification_email

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["check_address", "verify_address"]


def check_address(address: str) -> None:
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise ServiceError("InvalidParameterValue", f"Invalid email address<{address}>.", 400)


def verify_address(ctx: Context, address: str) -> dict[str, Any]:
    check_address(address)
    existed = store.identity(ctx, address) is not None
    doc = store.new_identity(ctx, address)
    if not existed:
        send_verification_email(ctx, address)
    return doc


def _check_domain(domain: str) -> None:
    if not domain or "@" in domain or any(c.isspace() for c in domain) or domain.startswith("."):
        raise ServiceError("InvalidParameterValue", f"Invalid domain name <{domain}>.", 400)


@service.handler("VerifyEmailIdentity")
def verify_email_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    verify_address(ctx, request["EmailAddress"])
    return {}


@service.handler("VerifyEmailAddress")
def verify_email_address(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    verify_address(ctx, request["EmailAddress"])
    return {}


@service.handler("VerifyDomainIdentity")
def verify_domain_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _check_domain(request["Domain"])
    return {"VerificationToken": store.new_identity(ctx, request["Domain"])["token"]}


@service.handler("VerifyDomainDkim")
def verify_domain_dkim(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _check_domain(request["Domain"])
    return {"DkimTokens": store.new_identity(ctx, request["Domain"])["dkim_tokens"]}


@service.handler("ListIdentities")
def list_identities(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    wanted = request.get("IdentityType")
    names = [name for name, doc in store.identities(ctx) if wanted in (None, doc["type"])]
    return page_v1(names, request, "Identities", default=1000, most=1000)


@service.handler("ListVerifiedEmailAddresses")
def list_verified_email_addresses(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "VerifiedEmailAddresses": [n for n, doc in store.identities(ctx) if doc["type"] == "EmailAddress"]
    }


@service.handler("DeleteIdentity")
def delete_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    store.delete_identity(ctx, request["Identity"])
    return {}


@service.handler("DeleteVerifiedEmailAddress")
def delete_verified_email_address(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    store.delete_identity(ctx, request["EmailAddress"])
    return {}


def _verification_attributes(doc: dict[str, Any]) -> dict[str, Any]:
    attributes = {"VerificationStatus": "Success"}
    if "token" in doc:
        attributes["VerificationToken"] = doc["token"]
    return attributes


@service.handler("GetIdentityVerificationAttributes")
def get_identity_verification_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    found = identity_ops.attributes_of(ctx, request["Identities"], _verification_attributes)
    return {"VerificationAttributes": found}


def _dkim_attributes(doc: dict[str, Any]) -> dict[str, Any]:
    if "dkim_tokens" not in doc:
        return {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}
    return {
        "DkimEnabled": doc["dkim_enabled"],
        "DkimVerificationStatus": "Success",
        "DkimTokens": doc["dkim_tokens"],
    }


@service.handler("GetIdentityDkimAttributes")
def get_identity_dkim_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"DkimAttributes": identity_ops.attributes_of(ctx, request["Identities"], _dkim_attributes)}


@service.handler("SetIdentityDkimEnabled")
def set_identity_dkim_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity_ops.set_dkim_enabled(ctx, request["Identity"], request["DkimEnabled"], v2=False)
    return {}
