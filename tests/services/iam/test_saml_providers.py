"""SAML identity providers through boto3: metadata with a real self-signed certificate, tags."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ACCOUNT = "620000000001"


def _iam(client: Any) -> Any:
    return client("iam", aws_access_key_id=ACCOUNT, aws_secret_access_key="x")


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _certificate(host: str) -> str:
    """A self-signed certificate for `host`, base64 DER as SAML metadata carries it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    start = datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def _metadata(host: str, *, valid_until: str | None = None, use: str = "signing") -> str:
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://{host}/saml"{until}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="{use}">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{_certificate(host)}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                            Location="https://{host}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def test_saml_provider_lifecycle(client: Any) -> None:
    iam = _iam(client)
    name = "idp-" + uuid.uuid4().hex[:8]
    metadata = _metadata("idp.example.com", valid_until="2031-06-01T00:00:00Z")
    arn = iam.create_saml_provider(
        Name=name, SAMLMetadataDocument=metadata, Tags=[{"Key": "team", "Value": "sso"}]
    )["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/{name}"

    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["ValidUntil"] == datetime(2031, 6, 1, tzinfo=UTC)
    assert got["Tags"] == [{"Key": "team", "Value": "sso"}]
    uuid.UUID(got["SAMLProviderUUID"])
    listed = {p["Arn"]: p for p in iam.list_saml_providers()["SAMLProviderList"]}
    assert listed[arn]["ValidUntil"] == datetime(2031, 6, 1, tzinfo=UTC)

    with pytest.raises(ClientError) as error:
        iam.create_saml_provider(Name=name, SAMLMetadataDocument=metadata)
    assert _code(error) == "EntityAlreadyExists"

    replaced = _metadata("idp2.example.com")
    assert (
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=replaced)["SAMLProviderArn"] == arn
    )
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == replaced
    assert got["ValidUntil"].year - got["CreateDate"].year == 100  # no validUntil: valid for a century

    iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as error:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert _code(error) == "NoSuchEntity"
    assert arn not in {p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]}


def test_saml_provider_tags(client: Any) -> None:
    iam = _iam(client)
    arn = iam.create_saml_provider(
        Name="tagged-" + uuid.uuid4().hex[:8], SAMLMetadataDocument=_metadata("tags.example.com")
    )["SAMLProviderArn"]
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_saml_provider(
        SAMLProviderArn=arn, Tags=[{"Key": "A", "Value": "3"}]
    )  # keys match case-insensitively
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [
        {"Key": "A", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["b", "missing"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "A", "Value": "3"}]
    with pytest.raises(ClientError) as error:
        iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert _code(error) == "InvalidInput"
    missing = f"arn:aws:iam::{ACCOUNT}:saml-provider/absent"
    with pytest.raises(ClientError) as error:
        iam.list_saml_provider_tags(SAMLProviderArn=missing)
    assert _code(error) == "NoSuchEntity"


@pytest.mark.parametrize(
    "document",
    [
        "<md:EntityDescriptor " + "x" * 1000,  # not XML
        _metadata("enc.example.com", use="encryption"),  # no signing certificate
        _metadata("bad.example.com").replace("<ds:X509Certificate>", "<ds:X509Certificate>AAAA"),
    ],
)
def test_metadata_without_a_signing_certificate_is_refused(client: Any, document: str) -> None:
    with pytest.raises(ClientError) as error:
        _iam(client).create_saml_provider(Name="bad-" + uuid.uuid4().hex[:8], SAMLMetadataDocument=document)
    assert _code(error) == "InvalidInput"


def test_assertion_encryption_is_not_implemented(client: Any) -> None:
    with pytest.raises(ClientError) as error:
        _iam(client).create_saml_provider(
            Name="enc-" + uuid.uuid4().hex[:8],
            SAMLMetadataDocument=_metadata("enc.example.com"),
            AssertionEncryptionMode="Required",
        )
    assert _code(error) == "NotImplemented"
