"""Custom verification email templates (v1 and v2 over one store) and SendCustomVerificationEmail."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox

TEMPLATE = {
    "TemplateName": "Welcome",
    "FromEmailAddress": "hello@example.com",
    "TemplateSubject": "Please confirm your address",
    "TemplateContent": "<h1>Welcome!</h1><p>Click below to confirm.</p>",
    "SuccessRedirectionURL": "https://example.com/ok",
    "FailureRedirectionURL": "https://example.com/fail",
}


def test_custom_verification_templates(ses: Any, sesv2: Any, mailbox: Mailbox) -> None:
    with pytest.raises(ClientError) as caught:
        ses.create_custom_verification_email_template(**TEMPLATE)
    assert caught.value.response["Error"]["Code"] == "FromEmailAddressNotVerified"
    ses.verify_domain_identity(Domain="example.com")
    ses.create_custom_verification_email_template(**TEMPLATE)
    with pytest.raises(ClientError) as caught:
        ses.create_custom_verification_email_template(**TEMPLATE)
    assert caught.value.response["Error"]["Code"] == "CustomVerificationEmailTemplateAlreadyExists"
    got = ses.get_custom_verification_email_template(TemplateName="Welcome")
    assert {key: got[key] for key in TEMPLATE} == TEMPLATE
    ses.update_custom_verification_email_template(TemplateName="Welcome", TemplateSubject="Confirm, please")
    v2 = sesv2.get_custom_verification_email_template(TemplateName="Welcome")
    assert v2["TemplateSubject"] == "Confirm, please"
    listed = sesv2.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"]
    assert [t["TemplateName"] for t in listed] == ["Welcome"] and "TemplateContent" not in listed[0]

    with pytest.raises(ClientError) as caught:
        ses.send_custom_verification_email(EmailAddress="new@example.org", TemplateName="Welcome")
    assert caught.value.response["Error"]["Code"] == "ProductionAccessNotGranted"
    mailbox.leave_sandbox()
    sent = ses.send_custom_verification_email(EmailAddress="new@example.org", TemplateName="Welcome")
    message = mailbox.message(sent["MessageId"])
    assert (message["source"], message["destinations"], message["subject"]) == (
        "hello@example.com",
        ["new@example.org"],
        "Confirm, please",
    )
    assert "<h1>Welcome!</h1>" in message["body"]["html"] and "ConfirmVerification" in message["body"]["html"]
    status = ses.get_identity_verification_attributes(Identities=["new@example.org"])[
        "VerificationAttributes"
    ]
    assert status["new@example.org"]["VerificationStatus"] == "Success"

    sesv2.delete_custom_verification_email_template(TemplateName="Welcome")
    with pytest.raises(ClientError) as caught:
        ses.get_custom_verification_email_template(TemplateName="Welcome")
    assert caught.value.response["Error"]["Code"] == "CustomVerificationEmailTemplateDoesNotExist"
    with pytest.raises(ClientError) as caught:
        sesv2.send_custom_verification_email(EmailAddress="x@example.org", TemplateName="Welcome")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_v2_custom_verification(sesv2: Any, ses: Any, mailbox: Mailbox) -> None:
    sesv2.create_email_identity(EmailIdentity="hello@example.com")
    sesv2.create_custom_verification_email_template(**TEMPLATE, Tags=[{"Key": "k", "Value": "v"}])
    with pytest.raises(ClientError) as caught:
        sesv2.create_custom_verification_email_template(**TEMPLATE)
    assert caught.value.response["Error"]["Code"] == "AlreadyExistsException"
    sesv2.update_custom_verification_email_template(**TEMPLATE | {"TemplateContent": "<p>v2 content</p>"})
    assert ses.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"][0][
        "TemplateName"
    ] == ("Welcome")
    sesv2.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://example.com",
        UseCaseDescription="x",
        ProductionAccessEnabled=True,
    )
    sent = sesv2.send_custom_verification_email(EmailAddress="v2@example.org", TemplateName="Welcome")
    assert "<p>v2 content</p>" in mailbox.message(sent["MessageId"])["body"]["html"]
    assert sesv2.get_email_identity(EmailIdentity="v2@example.org")["VerificationStatus"] == "SUCCESS"
    ses.delete_custom_verification_email_template(TemplateName="Welcome")
    assert sesv2.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"] == []
