"""SES v2 email identities: the same identity documents as v1 (fogbank.services.ses.store), in v2's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import identity_ops, store
from fogbank.services.ses.identities import check_address, verify_address
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["BEHAVIOR_V2", "BEHAVIOR_V1"]

BEHAVIOR_V2 = {"UseDefaultValue": "USE_DEFAULT_VALUE", "RejectMessage": "REJECT_MESSAGE"}
BEHAVIOR_V1 = {v2: v1 for v1, v2 in BEHAVIOR_V2.items()}


def _dkim(doc: dict[str, Any]) -> dict[str, Any]:
    if "dkim_tokens" not in doc:
        return {"SigningEnabled": False, "Status": "NOT_STARTED", "SigningAttributesOrigin": "AWS_SES"}
    return {
        "SigningEnabled": doc["dkim_enabled"],
        "Status": "SUCCESS",
        "Tokens": doc["dkim_tokens"],
        "SigningAttributesOrigin": doc.get("dkim_origin", "AWS_SES"),
        "NextSigningKeyLength": "RSA_2048_BIT",
        "CurrentSigningKeyLength": "RSA_2048_BIT",
        "LastKeyGenerationTimestamp": datetime.fromisoformat(doc["created"]),
    }


def _type(doc: dict[str, Any]) -> str:
    return "DOMAIN" if doc["type"] == "Domain" else "EMAIL_ADDRESS"


@service.handler("CreateEmailIdentity")
def create_email_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["EmailIdentity"]
    if store.identity(ctx, name) is not None:
        raise ServiceError("AlreadyExistsException", f"Email identity {name} already exist.", 400)
    if request.get("ConfigurationSetName"):
        store.existing_config_set(ctx, request["ConfigurationSetName"], v2=True)
    if store.is_domain(name):
        if not name or name.startswith(".") or any(c.isspace() for c in name):
            raise bad_request(f"Invalid domain name <{name}>.")
        doc = store.new_identity(ctx, name)
        signing = request.get("DkimSigningAttributes")
        if signing and signing.get("DomainSigningPrivateKey"):
            doc["dkim_tokens"] = [signing["DomainSigningSelector"]]
            doc["dkim_origin"] = "EXTERNAL"
    else:
        try:
            check_address(name)
        except ServiceError as exc:
            raise bad_request(exc.message) from exc
        doc = verify_address(ctx, name)
    doc["tags"] = request.get("Tags", [])
    if request.get("ConfigurationSetName"):
        doc["config_set"] = request["ConfigurationSetName"]
    store.put_identity(ctx, doc)
    return {"IdentityType": _type(doc), "VerifiedForSendingStatus": True, "DkimAttributes": _dkim(doc)}


@service.handler("GetEmailIdentity")
def get_email_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["EmailIdentity"], v2=True)
    created = datetime.fromisoformat(doc["created"])
    out: dict[str, Any] = {
        "IdentityType": _type(doc),
        "FeedbackForwardingStatus": doc["forwarding"],
        "VerifiedForSendingStatus": True,
        "DkimAttributes": _dkim(doc),
        "Policies": doc.get("policies", {}),
        "Tags": doc["tags"],
        "VerificationStatus": "SUCCESS",
        "VerificationInfo": {"LastCheckedTimestamp": created, "LastSuccessTimestamp": created},
    }
    if "mail_from" in doc:
        out["MailFromAttributes"] = {
            "MailFromDomain": doc["mail_from"],
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": BEHAVIOR_V2[doc["behavior"]],
        }
    if "config_set" in doc:
        out["ConfigurationSetName"] = doc["config_set"]
    return out


@service.handler("ListEmailIdentities")
def list_email_identities(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {
            "IdentityType": _type(doc),
            "IdentityName": name,
            "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }
        for name, doc in store.identities(ctx)
    ]
    return page(entries, request, "EmailIdentities", default=100, most=1000)


@service.handler("DeleteEmailIdentity")
def delete_email_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity_ops.delete(ctx, request["EmailIdentity"], v2=True)
    return {}


@service.handler("PutEmailIdentityFeedbackAttributes")
def put_email_identity_feedback_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    forwarding = request.get("EmailForwardingEnabled", False)
    identity_ops.update(ctx, request["EmailIdentity"], {"forwarding": forwarding}, v2=True)
    return {}


@service.handler("PutEmailIdentityMailFromAttributes")
def put_email_identity_mail_from_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    behavior = BEHAVIOR_V1[request.get("BehaviorOnMxFailure", "USE_DEFAULT_VALUE")]
    identity_ops.set_mail_from(
        ctx, request["EmailIdentity"], request.get("MailFromDomain"), behavior, v2=True
    )
    return {}


@service.handler("PutEmailIdentityConfigurationSetAttributes")
def put_email_identity_configuration_set_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["EmailIdentity"], v2=True)
    name = request.get("ConfigurationSetName")
    if name:
        doc["config_set"] = store.existing_config_set(ctx, name, v2=True)["name"]
    else:
        doc.pop("config_set", None)
    store.put_identity(ctx, doc)
    return {}


@service.handler("PutEmailIdentityDkimAttributes")
def put_email_identity_dkim_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    enabled = request.get("SigningEnabled", False)
    identity_ops.set_dkim_enabled(ctx, request["EmailIdentity"], enabled, v2=True)
    return {}
