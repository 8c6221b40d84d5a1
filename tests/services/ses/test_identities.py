"""SES v1 identities: addresses and domains verified at once, DKIM tokens, listing, settings, deletion."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox


def test_address_is_verified_at_once_and_gets_its_verification_email(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_email_identity(EmailAddress="alice@example.com")
    ses.verify_email_address(EmailAddress="bob@example.com")
    attributes = ses.get_identity_verification_attributes(
        Identities=["alice@example.com", "nobody@example.com"]
    )
    assert attributes["VerificationAttributes"] == {"alice@example.com": {"VerificationStatus": "Success"}}
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == [
        "alice@example.com",
        "bob@example.com",
    ]
    verification = [m for m in mailbox.messages() if m["destinations"] == ["alice@example.com"]]
    assert len(verification) == 1
    assert verification[0]["source"] == "no-reply-aws@amazon.com"
    assert "Email Address Verification Request" in verification[0]["subject"]
    with pytest.raises(ClientError) as caught:
        ses.verify_email_identity(EmailAddress="not-an-address")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_domain_gets_a_token_and_three_dkim_tokens(ses: Any) -> None:
    token = ses.verify_domain_identity(Domain="example.com")["VerificationToken"]
    dkim = ses.verify_domain_dkim(Domain="example.com")["DkimTokens"]
    assert len(token) == 44 and len(dkim) == 3
    assert ses.verify_domain_identity(Domain="example.com")["VerificationToken"] == token
    verification = ses.get_identity_verification_attributes(Identities=["example.com"])[
        "VerificationAttributes"
    ]
    assert verification["example.com"] == {"VerificationStatus": "Success", "VerificationToken": token}
    attributes = ses.get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"]
    assert attributes == {"DkimEnabled": True, "DkimVerificationStatus": "Success", "DkimTokens": dkim}
    ses.set_identity_dkim_enabled(Identity="example.com", DkimEnabled=False)
    attributes = ses.get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"]
    assert attributes["DkimEnabled"] is False


def test_list_identities_by_type_and_in_pages(ses: Any) -> None:
    for address in ("a@example.com", "b@example.com", "c@example.com"):
        ses.verify_email_identity(EmailAddress=address)
    ses.verify_domain_identity(Domain="example.net")
    assert ses.list_identities(IdentityType="Domain")["Identities"] == ["example.net"]
    first = ses.list_identities(IdentityType="EmailAddress", MaxItems=2)
    assert first["Identities"] == ["a@example.com", "b@example.com"]
    second = ses.list_identities(IdentityType="EmailAddress", MaxItems=2, NextToken=first["NextToken"])
    assert second["Identities"] == ["c@example.com"] and "NextToken" not in second
    ses.delete_identity(Identity="a@example.com")
    ses.delete_verified_email_address(EmailAddress="b@example.com")
    assert ses.list_identities()["Identities"] == ["c@example.com", "example.net"]


def test_identity_settings(ses: Any) -> None:
    ses.verify_domain_identity(Domain="example.com")
    topic = "arn:aws:sns:us-east-1:000000000000:bounces"
    ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic=topic)
    ses.set_identity_headers_in_notifications_enabled(
        Identity="example.com", NotificationType="Bounce", Enabled=True
    )
    ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
    found = ses.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]
    assert found["example.com"] == {
        "BounceTopic": topic,
        "ForwardingEnabled": False,
        "HeadersInBounceNotificationsEnabled": True,
        "HeadersInComplaintNotificationsEnabled": False,
        "HeadersInDeliveryNotificationsEnabled": False,
    }
    ses.set_identity_mail_from_domain(
        Identity="example.com", MailFromDomain="mail.example.com", BehaviorOnMXFailure="RejectMessage"
    )
    found = ses.get_identity_mail_from_domain_attributes(Identities=["example.com"])[
        "MailFromDomainAttributes"
    ]
    assert found["example.com"] == {
        "MailFromDomain": "mail.example.com",
        "MailFromDomainStatus": "Success",
        "BehaviorOnMXFailure": "RejectMessage",
    }
    with pytest.raises(ClientError) as caught:
        ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="mail.other.org")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as caught:
        ses.set_identity_notification_topic(Identity="missing.org", NotificationType="Bounce", SnsTopic=topic)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_an_identity_verified_through_v1_is_seen_through_v2(ses: Any, sesv2: Any) -> None:
    ses.verify_email_identity(EmailAddress="shared@example.com")
    identity = sesv2.get_email_identity(EmailIdentity="shared@example.com")
    assert (identity["IdentityType"], identity["VerificationStatus"]) == ("EMAIL_ADDRESS", "SUCCESS")
    sesv2.create_email_identity(EmailIdentity="example.org")
    assert ses.list_identities()["Identities"] == ["example.org", "shared@example.com"]
