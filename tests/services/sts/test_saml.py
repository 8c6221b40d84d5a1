"""AssumeRoleWithSAML with assertions signed by signxml under a self-signed certificate, whose SAML
provider is registered through IAM with metadata carrying that certificate."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner

from tests.services.sts.helpers import account_client, new_account, role, session_client, trust, unique

ISSUER = "https://idp.example.test/saml"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"


class Signer:
    """A SAML identity provider's signing key and self-signed certificate."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.test")])
        now = datetime.now(UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )

    def metadata(self) -> str:
        der = base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()
        return (
            f'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{ISSUER}">'
            '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
            f"<ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            "</KeyDescriptor>"
            '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="https://idp.example.test/sso"/>'
            "</IDPSSODescriptor></EntityDescriptor>"
        )

    def response(
        self,
        roles: list[str],
        session_name: str = "jane@example.test",
        not_on_or_after: datetime | None = None,
        audience: str = "https://signin.aws.amazon.com/saml",
    ) -> str:
        """A base64 SAML Response whose Assertion is signed (enveloped, referenced by its ID)."""
        now = datetime.now(UTC)
        until = (not_on_or_after or now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        issued = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        assertion_id = "_" + uuid.uuid4().hex
        values = "".join(f"<saml:AttributeValue>{value}</saml:AttributeValue>" for value in roles)
        assertion = etree.fromstring(
            f'<saml:Assertion xmlns:saml="{SAML}" ID="{assertion_id}" Version="2.0" IssueInstant="{issued}">'
            f"<saml:Issuer>{ISSUER}</saml:Issuer>"
            "<saml:Subject>"
            '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">jane</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" '
            'Recipient="https://signin.aws.amazon.com/saml"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{issued}" NotOnOrAfter="{until}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            "<saml:AttributeStatement>"
            f'<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml:Attribute>'
            '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
            f"<saml:AttributeValue>{session_name}</saml:AttributeValue></saml:Attribute>"
            "</saml:AttributeStatement></saml:Assertion>"
        )
        key_pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)
        signed = XMLSigner(c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(
            assertion, key=key_pem, cert=cert_pem, reference_uri=assertion_id
        )
        response = etree.fromstring(
            f'<samlp:Response xmlns:samlp="{PROTOCOL}" ID="_{uuid.uuid4().hex}" Version="2.0" '
            f'IssueInstant="{issued}"><saml:Issuer xmlns:saml="{SAML}">{ISSUER}</saml:Issuer>'
            "</samlp:Response>"
        )
        response.append(signed)
        return base64.b64encode(etree.tostring(response)).decode()


@pytest.fixture(scope="module")
def setup(client: Any) -> dict[str, Any]:
    signer = Signer()
    account = new_account()
    iam = account_client(client, account, "iam")
    provider = iam.create_saml_provider(Name=unique("idp"), SAMLMetadataDocument=signer.metadata())
    provider_arn = provider["SAMLProviderArn"]
    condition = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    created = role(iam, trust({"Federated": provider_arn}, "sts:AssumeRoleWithSAML", Condition=condition))
    return {"signer": signer, "account": account, "provider": provider_arn, "role": created}


def _sts(client: Any) -> Any:
    return client("sts", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


def _assume(client: Any, setup: dict[str, Any], assertion: str) -> dict[str, Any]:
    return dict(
        _sts(client).assume_role_with_saml(
            RoleArn=setup["role"]["Arn"], PrincipalArn=setup["provider"], SAMLAssertion=assertion
        )
    )


def test_signed_assertion_becomes_a_role_session(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    pair = f"{setup['role']['Arn']},{setup['provider']}"
    answer = _assume(client, setup, signer.response([pair]))
    arn = f"arn:aws:sts::{setup['account']}:assumed-role/{setup['role']['RoleName']}/jane@example.test"
    assert answer["AssumedRoleUser"]["Arn"] == arn
    assert answer["Subject"] == "jane"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == ISSUER
    assert answer["Audience"] == "https://signin.aws.amazon.com/saml"
    assert answer["NameQualifier"]
    identity = session_client(client, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Arn"] == arn


def test_provider_then_role_order_is_accepted(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    answer = _assume(client, setup, signer.response([f"{setup['provider']},{setup['role']['Arn']}"]))
    assert answer["AssumedRoleUser"]["Arn"].endswith("/jane@example.test")


def test_tampered_assertion_is_refused(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    document = base64.b64decode(signer.response([f"{setup['role']['Arn']},{setup['provider']}"]))
    tampered = base64.b64encode(document.replace(b"jane@example.test", b"mallory")).decode()
    with pytest.raises(ClientError) as error:
        _assume(client, setup, tampered)
    assert error.value.response["Error"]["Code"] == "InvalidIdentityToken"


def test_expired_assertion(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    pair = f"{setup['role']['Arn']},{setup['provider']}"
    stale = signer.response([pair], not_on_or_after=datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(ClientError) as error:
        _assume(client, setup, stale)
    assert error.value.response["Error"]["Code"] == "ExpiredTokenException"


def test_role_not_in_the_assertion(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    other = f"arn:aws:iam::{setup['account']}:role/someone-else,{setup['provider']}"
    with pytest.raises(ClientError) as error:
        _assume(client, setup, signer.response([other]))
    assert error.value.response["Error"]["Code"] == "AccessDenied"


def test_assertion_for_another_audience(client: Any, setup: dict[str, Any]) -> None:
    signer: Signer = setup["signer"]
    pair = f"{setup['role']['Arn']},{setup['provider']}"
    with pytest.raises(ClientError) as error:
        _assume(client, setup, signer.response([pair], audience="https://elsewhere.example.test"))
    assert error.value.response["Error"]["Code"] == "InvalidIdentityToken"


def test_assertion_signed_by_another_idp(client: Any, setup: dict[str, Any]) -> None:
    pair = f"{setup['role']['Arn']},{setup['provider']}"
    with pytest.raises(ClientError) as error:
        _assume(client, setup, Signer().response([pair]))
    assert error.value.response["Error"]["Code"] == "InvalidIdentityToken"
