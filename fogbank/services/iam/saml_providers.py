"""SAML 2.0 identity providers: create, get, list, update, delete, tags.

The metadata document must be SAML metadata an IdP publishes: an EntityDescriptor with an
IDPSSODescriptor holding at least one signing X.509 certificate. The certificates are kept, parsed,
so that STS can check the signature of a SAMLResponse (`saml_provider`). Encrypted assertions (private
keys) and IAM Identity Center providers are not modelled: a request using them is answered NotImplemented
rather than half done.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, scan, tx_of
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = ["saml_provider"]

_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"


_UNSUPPORTED = (
    "AssertionEncryptionMode",
    "AddPrivateKey",
    "RemovePrivateKey",
    "ContextProvider",
    "IdentityCenterInstanceArn",
    "RemoveContextProvider",
    "RemoveIdentityCenterInstance",
)


def _refuse_unsupported(request: dict[str, Any]) -> None:
    for name in _UNSUPPORTED:
        if name in request:
            raise ServiceError(
                "NotImplemented",
                f"The parameter {name} of IAM's SAML providers is not implemented by fogbank yet.",
                501,
                sender_fault=False,
            )


def _invalid_metadata() -> ServiceError:
    return ServiceError("InvalidInput", "Could not parse metadata", 400)


def _parse_metadata(text: str) -> tuple[list[str], str | None]:
    """The IdP's signing certificates (base64 DER) and the metadata's validUntil, or InvalidInput."""
    from cryptography import x509  # imported on first use, not at server start

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        raise _invalid_metadata() from None
    descriptors = root.iter(f"{_MD}IDPSSODescriptor")
    certificates: list[str] = []
    for descriptor in descriptors:
        for key in descriptor.iter(f"{_MD}KeyDescriptor"):
            if key.get("use", "signing") != "signing":
                continue
            for element in key.iter(f"{_DS}X509Certificate"):
                der = "".join((element.text or "").split())
                try:
                    x509.load_der_x509_certificate(base64.b64decode(der))
                except ValueError:
                    raise _invalid_metadata() from None
                certificates.append(der)
    if not certificates:
        raise _invalid_metadata()
    return certificates, root.get("validUntil")


def saml_provider(tx: Transaction, arn: str) -> dict[str, Any] | None:
    """The provider with this ARN (its Certificates are the IdP's signing certificates), or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("saml-provider/"):
        return None
    return tx.get_doc(store.SERVICE, store.SAML_PROVIDER, parts[4], store.REGION, parts[5].split("/", 1)[1])


def _require(ctx: Context, arn: str) -> dict[str, Any]:
    doc = saml_provider(tx_of(ctx), arn)
    if doc is None or not arn.startswith(f"arn:aws:iam::{ctx.account}:"):
        raise ServiceError("NoSuchEntity", f"Manifest not found for arn {arn}", 404)
    return doc


def _save(ctx: Context, doc: dict[str, Any]) -> None:
    tx_of(ctx).put_doc(store.SERVICE, store.SAML_PROVIDER, ctx.account, store.REGION, doc["Name"], doc)


def _set_metadata(doc: dict[str, Any], text: str, created: datetime) -> None:
    certificates, valid_until = _parse_metadata(text)
    doc["SAMLMetadataDocument"] = text
    doc["Certificates"] = certificates
    # Without a validUntil in the metadata, AWS keeps a provider valid for 100 years.
    doc["ValidUntil"] = valid_until or created.replace(year=created.year + 100).isoformat()


@service.handler("CreateSAMLProvider")
def create_saml_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _refuse_unsupported(request)
    name = request["Name"]
    if tx_of(ctx).get_doc(store.SERVICE, store.SAML_PROVIDER, ctx.account, store.REGION, name) is not None:
        raise ServiceError("EntityAlreadyExists", f"SAMLProvider {name} already exists", 409)
    tags = request.get("Tags", [])
    check_tags(tags)
    created = now(ctx)
    doc: dict[str, Any] = {
        "Arn": f"arn:aws:iam::{ctx.account}:saml-provider/{name}",
        "Name": name,
        "SAMLProviderUUID": str(uuid.uuid4()),
        "CreateDate": created,
        "Tags": tags,
    }
    _set_metadata(doc, request["SAMLMetadataDocument"], as_time(created))
    _save(ctx, doc)
    result: dict[str, Any] = {"SAMLProviderArn": doc["Arn"]}
    if tags:
        result["Tags"] = tags
    return result


@service.handler("GetSAMLProvider")
def get_saml_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["SAMLProviderArn"])
    return {
        "SAMLProviderUUID": doc["SAMLProviderUUID"],
        "SAMLMetadataDocument": doc["SAMLMetadataDocument"],
        "CreateDate": as_time(doc["CreateDate"]),
        "ValidUntil": as_time(doc["ValidUntil"].replace("Z", "+00:00")),
        "Tags": doc["Tags"],
    }


@service.handler("ListSAMLProviders")
def list_saml_providers(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {
            "Arn": doc["Arn"],
            "CreateDate": as_time(doc["CreateDate"]),
            "ValidUntil": as_time(doc["ValidUntil"].replace("Z", "+00:00")),
        }
        for doc in scan(tx_of(ctx), store.SAML_PROVIDER, ctx.account)
    ]
    return {"SAMLProviderList": entries}


@service.handler("UpdateSAMLProvider")
def update_saml_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _refuse_unsupported(request)
    doc = _require(ctx, request["SAMLProviderArn"])
    if "SAMLMetadataDocument" in request:
        _set_metadata(doc, request["SAMLMetadataDocument"], as_time(doc["CreateDate"]))
        _save(ctx, doc)
    return {"SAMLProviderArn": doc["Arn"]}


@service.handler("DeleteSAMLProvider")
def delete_saml_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["SAMLProviderArn"])
    tx_of(ctx).delete_doc(store.SERVICE, store.SAML_PROVIDER, ctx.account, store.REGION, doc["Name"])
    return {}


tagging_operations(
    "SAMLProvider",
    find=lambda ctx, request, _operation: _require(ctx, request["SAMLProviderArn"]),
    save=_save,
)
