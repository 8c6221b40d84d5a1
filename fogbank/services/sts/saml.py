"""AssumeRoleWithSAML: a signed SAML 2.0 assertion from a registered identity provider becomes a role session.

The assertion (base64 XML, unsigned request) must be signed — on the Response or on the Assertion — by a
certificate in the SAML provider's metadata (PrincipalArn names the provider); only what the signature
covers is read afterwards. It must be meant for AWS (Audience https://signin.aws.amazon.com/saml), still
valid by fogbank's clock (NotBefore/NotOnOrAfter), and list the requested role with this provider in its
https://aws.amazon.com/SAML/Attributes/Role attribute. The role's trust policy then decides, with the
provider's ARN as the Federated principal and the saml:* condition keys AWS documents.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sts import service
from fogbank.services.sts.assume_role import role_lifetime, role_session, start_role_session
from fogbank.services.sts.sessions import check_names, session_policies
from fogbank.services.sts.trust import ROLE_ARN, find_role, require_trust

__all__ = ["assume_role_with_saml"]

ACTION = "sts:AssumeRoleWithSAML"
AWS_AUDIENCES = ("https://signin.aws.amazon.com/saml", "urn:amazon:webservices")
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_DS = "http://www.w3.org/2000/09/xmldsig#"
_NS = {"saml": _SAML, "ds": _DS}
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
_SUBJECT_TYPES = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient",
}
_DENIED = ServiceError("AccessDenied", f"Not authorized to perform {ACTION}", 403)


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidIdentityToken", message, 400)


def _pem(der_base64: str) -> str:
    lines = [der_base64[i : i + 64] for i in range(0, len(der_base64), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def _signed_assertion(document: bytes, certificates: list[str]) -> Any:
    """The Assertion element a provider certificate signed (directly, or through the whole Response)."""
    # Imported on first use: lxml and signxml are large and only AssumeRoleWithSAML needs them.
    from lxml.etree import XMLSyntaxError
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.exceptions import SignXMLException

    locations = ("./", f"./{{{_SAML}}}Assertion/")
    for certificate in certificates:
        for location in locations:
            try:
                result = XMLVerifier().verify(
                    document, x509_cert=certificate, expect_config=SignatureConfiguration(location=location)
                )
            except (SignXMLException, XMLSyntaxError):
                continue
            signed = result.signed_xml  # type: ignore[union-attr]
            if signed.tag == f"{{{_SAML}}}Assertion":
                return signed
            assertion = signed.find(f"{{{_SAML}}}Assertion")
            if assertion is not None:
                return assertion
    raise _invalid("Invalid SAML response: the signature does not verify with the provider's certificate.")


def _attributes(assertion: Any) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", _NS):
        texts = [(value.text or "").strip() for value in attribute.iterfind("saml:AttributeValue", _NS)]
        values.setdefault(attribute.get("Name", ""), []).extend(texts)
    return values


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _check_validity(assertion: Any, now: datetime) -> None:
    limits = [assertion.find("saml:Conditions", _NS)]
    limits += assertion.findall("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", _NS)
    for element in limits:
        if element is None:
            continue
        not_before, not_after = _instant(element.get("NotBefore")), _instant(element.get("NotOnOrAfter"))
        if not_after is not None and now >= not_after:
            raise ServiceError(
                "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400
            )
        if not_before is not None and now < not_before:
            raise _invalid("Assertion is not yet valid: its NotBefore is in the future.")
    audiences = [(a.text or "").strip() for a in assertion.iterfind(".//saml:Audience", _NS)]
    if not set(audiences) & set(AWS_AUDIENCES):
        raise _invalid("Incorrect SAML audience: https://signin.aws.amazon.com/saml is not among them.")


def _role_pairs(attributes: dict[str, list[str]]) -> set[tuple[str, str]]:
    """(role ARN, provider ARN) pairs of the Role attribute; AWS accepts either order within a value."""
    pairs = set()
    for value in attributes.get(ROLE_ATTRIBUTE, []):
        parts = [part.strip() for part in value.split(",")]
        if len(parts) != 2:
            continue
        role = next((p for p in parts if ":role/" in p), None)
        provider = next((p for p in parts if ":saml-provider/" in p), None)
        if role and provider:
            pairs.add((role, provider))
    return pairs


def name_qualifier(issuer: str, account: str, provider_arn: str) -> str:
    """AWS's saml:namequalifier: Base64(SHA1(issuer + account id + "/" + provider name))."""
    name = provider_arn.rsplit("/", 1)[-1]
    return base64.b64encode(hashlib.sha1(f"{issuer}{account}/{name}".encode()).digest()).decode()


@service.handler("AssumeRoleWithSAML")
def assume_role_with_saml(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    from fogbank.policy import PrincipalContext
    from fogbank.services.iam.saml_providers import saml_provider

    tx = ctx.tx
    assert tx is not None
    check_names(ctx, request)
    role_arn, provider_arn = request["RoleArn"], request["PrincipalArn"]
    match = ROLE_ARN.match(role_arn)
    if match is None:
        raise ServiceError("ValidationError", "Request ARN is invalid", 400)
    try:
        document = base64.b64decode(request["SAMLAssertion"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise _invalid("Invalid base64 SAML authentication response.") from error
    provider = saml_provider(tx, provider_arn)
    if provider is None:
        raise _invalid(f"SAML provider {provider_arn} does not exist.")
    assertion = _signed_assertion(document, [_pem(der) for der in provider.get("Certificates", [])])
    now = ctx.clock.now()
    _check_validity(assertion, now)
    attributes = _attributes(assertion)
    if (role_arn, provider_arn) not in _role_pairs(attributes):
        raise _DENIED
    session_names = attributes.get(SESSION_NAME_ATTRIBUTE, [])
    if not session_names or not _SESSION_NAME.match(session_names[0]):
        raise ServiceError(
            "InvalidIdentityToken",
            f"The SAML assertion needs a valid {SESSION_NAME_ATTRIBUTE} attribute.",
            400,
        )
    session_name = session_names[0]
    role = find_role(tx, role_arn)
    if role is None:
        raise _DENIED
    account = match.group(1)
    lifetime = role_lifetime(request, role)
    asserted = _asserted_duration(attributes)
    if asserted is not None:
        lifetime = min(lifetime, asserted)  # the shorter of DurationSeconds and SessionDuration
    policies = session_policies(request)
    issuer = (assertion.findtext("saml:Issuer", "", _NS) or "").strip()
    name_id = assertion.find("saml:Subject/saml:NameID", _NS)
    subject = (name_id.text or "").strip() if name_id is not None else ""
    subject_format = name_id.get("Format", "") if name_id is not None else ""
    subject_type = _SUBJECT_TYPES.get(subject_format, subject_format)
    recipient = (
        next(
            (
                data.get("Recipient", "")
                for data in assertion.iterfind(
                    "saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", _NS
                )
            ),
            AWS_AUDIENCES[0],
        )
        or AWS_AUDIENCES[0]
    )
    qualifier = name_qualifier(issuer, account, provider_arn)
    context: dict[str, object] = {
        "saml:aud": recipient,
        "saml:iss": issuer,
        "saml:sub": subject,
        "saml:sub_type": subject_type,
        "saml:namequalifier": qualifier,
        "saml:doc": f"{account}/{provider_arn.rsplit('/', 1)[-1]}",
        "sts:RoleSessionName": session_name,
        "aws:FederatedProvider": provider_arn,
        "aws:CurrentTime": now,
    }
    who = PrincipalContext(arn=provider_arn, account=account, kind="saml", federated=provider_arn)
    require_trust(role, who, ACTION, context, _DENIED)
    grant = role_session(role, session_name, now + lifetime, policies)
    return {
        **start_role_session(ctx, role, grant),
        **policies.packed_size_member(),
        "Subject": subject,
        "SubjectType": subject_type,
        "Issuer": issuer,
        "Audience": recipient,
        "NameQualifier": qualifier,
    }


def _asserted_duration(attributes: dict[str, list[str]]) -> timedelta | None:
    """The SessionDuration attribute (900–43200 seconds), when the identity provider sends one."""
    values = attributes.get(SESSION_DURATION_ATTRIBUTE, [])
    if values and values[0].isdigit() and 900 <= int(values[0]) <= 43200:
        return timedelta(seconds=int(values[0]))
    return None
