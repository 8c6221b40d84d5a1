"""SES v2: identities, templates, sending (Simple, Raw, Template, bulk), configuration sets and the account,
over the same state as v1."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox, with_attachment


def test_email_identities(sesv2: Any, ses: Any, mailbox: Mailbox) -> None:
    created = sesv2.create_email_identity(
        EmailIdentity="example.com", Tags=[{"Key": "team", "Value": "mail"}]
    )
    assert created["IdentityType"] == "DOMAIN" and created["VerifiedForSendingStatus"] is True
    assert created["DkimAttributes"]["Status"] == "SUCCESS" and len(created["DkimAttributes"]["Tokens"]) == 3
    assert ses.verify_domain_dkim(Domain="example.com")["DkimTokens"] == created["DkimAttributes"]["Tokens"]
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity(EmailIdentity="example.com")
    assert caught.value.response["Error"]["Code"] == "AlreadyExistsException"

    sesv2.create_email_identity(EmailIdentity="person@example.org")
    assert [m["destinations"] for m in mailbox.messages()] == [["person@example.org"]]
    identity = sesv2.get_email_identity(EmailIdentity="example.com")
    assert identity["Tags"] == [{"Key": "team", "Value": "mail"}]
    assert identity["FeedbackForwardingStatus"] is True
    sesv2.put_email_identity_feedback_attributes(EmailIdentity="example.com", EmailForwardingEnabled=False)
    sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity="example.com", MailFromDomain="bounce.example.com"
    )
    identity = sesv2.get_email_identity(EmailIdentity="example.com")
    assert identity["FeedbackForwardingStatus"] is False
    assert identity["MailFromAttributes"]["MailFromDomain"] == "bounce.example.com"

    listed = sesv2.list_email_identities(PageSize=1)
    assert [i["IdentityName"] for i in listed["EmailIdentities"]] == ["example.com"]
    rest = sesv2.list_email_identities(PageSize=1, NextToken=listed["NextToken"])
    assert rest["EmailIdentities"][0] == {
        "IdentityType": "EMAIL_ADDRESS",
        "IdentityName": "person@example.org",
        "SendingEnabled": True,
        "VerificationStatus": "SUCCESS",
    }
    sesv2.delete_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.get_email_identity(EmailIdentity="example.com")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_send_simple_raw_and_template(sesv2: Any, ses: Any, mailbox: Mailbox) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    simple = sesv2.send_email(
        FromEmailAddress="app@example.com",
        Destination={"ToAddresses": ["user@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Simple"}, "Body": {"Html": {"Data": "<b>hi</b>"}}}},
    )
    message = mailbox.message(simple["MessageId"])
    assert (message["subject"], message["body"]["html"].strip(), message["body"]["text"]) == (
        "Simple",
        "<b>hi</b>",
        None,
    )
    built = with_attachment(
        "app@example.com",
        "user@example.com",
        "Raw",
        "body",
        ("a.bin", "application/octet-stream", b"\x00\x01"),
    )
    raw = sesv2.send_email(Content={"Raw": {"Data": built}})
    assert mailbox.message(raw["MessageId"])["attachments"][0]["filename"] == "a.bin"

    sesv2.create_email_template(
        TemplateName="Note", TemplateContent={"Subject": "Note for {{who}}", "Text": "Dear {{who}}"}
    )
    assert ses.get_template(TemplateName="Note")["Template"]["SubjectPart"] == "Note for {{who}}"
    templated = sesv2.send_email(
        FromEmailAddress="app@example.com",
        Destination={"ToAddresses": ["user@example.com"]},
        Content={"Template": {"TemplateName": "Note", "TemplateData": json.dumps({"who": "Kim"})}},
    )
    assert mailbox.message(templated["MessageId"])["subject"] == "Note for Kim"

    bulk = sesv2.send_bulk_email(
        FromEmailAddress="app@example.com",
        DefaultContent={"Template": {"TemplateName": "Note", "TemplateData": '{"who": "you"}'}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["a@example.com"]}},
            {"Destination": {"ToAddresses": ["b@elsewhere.net"]}},
        ],
    )["BulkEmailEntryResults"]
    assert [r["Status"] for r in bulk] == ["SUCCESS", "MESSAGE_REJECTED"]
    assert mailbox.message(bulk[0]["MessageId"])["subject"] == "Note for you"

    with pytest.raises(ClientError) as caught:
        sesv2.send_email(
            FromEmailAddress="app@example.com",
            Destination={"ToAddresses": ["stranger@elsewhere.net"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
        )
    assert caught.value.response["Error"]["Code"] == "MessageRejected"


def test_email_templates(sesv2: Any) -> None:
    content = {
        "Subject": "Hi {{name}}",
        "Text": "{{#each xs}}{{@index}}={{this}} {{/each}}",
        "Html": "<i>{{name}}</i>",
    }
    sesv2.create_email_template(TemplateName="T1", TemplateContent=content)
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_template(TemplateName="T1", TemplateContent=content)
    assert caught.value.response["Error"]["Code"] == "AlreadyExistsException"
    assert sesv2.get_email_template(TemplateName="T1")["TemplateContent"] == content
    sesv2.update_email_template(TemplateName="T1", TemplateContent=content | {"Subject": "Yo {{name}}"})
    rendered = sesv2.test_render_email_template(
        TemplateName="T1", TemplateData=json.dumps({"name": "<Jo>", "xs": ["a", "b"]})
    )["RenderedTemplate"]
    assert "Subject: Yo <Jo>" in rendered
    assert "0=a 1=b" in rendered
    assert "&lt;Jo&gt;" in rendered
    with pytest.raises(ClientError) as caught:
        sesv2.test_render_email_template(TemplateName="T1", TemplateData="{}")
    assert caught.value.response["Error"]["Code"] == "BadRequestException"
    assert [t["TemplateName"] for t in sesv2.list_email_templates()["TemplatesMetadata"]] == ["T1"]
    sesv2.delete_email_template(TemplateName="T1")
    with pytest.raises(ClientError) as caught:
        sesv2.delete_email_template(TemplateName="T1")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_configuration_sets(sesv2: Any, ses: Any) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="cs", DeliveryOptions={"TlsPolicy": "REQUIRE"})
    assert ses.list_configuration_sets()["ConfigurationSets"] == [{"Name": "cs"}]
    got = sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE"} and got["SendingOptions"] == {
        "SendingEnabled": True
    }
    destination = {
        "Enabled": True,
        "MatchingEventTypes": ["SEND", "RENDERING_FAILURE"],
        "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t"},
    }
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=destination
    )
    assert sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"] == [
        {"Name": "d", **destination}
    ]
    v1 = ses.describe_configuration_set(
        ConfigurationSetName="cs", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert v1["EventDestinations"][0]["MatchingEventTypes"] == ["send", "renderingFailure"]
    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName="cs", EventDestinationName="d", EventDestination=destination | {"Enabled": False}
    )
    assert not sesv2.get_configuration_set_event_destinations(ConfigurationSetName="cs")["EventDestinations"][
        0
    ]["Enabled"]
    sesv2.put_configuration_set_sending_options(ConfigurationSetName="cs", SendingEnabled=False)
    assert sesv2.get_configuration_set(ConfigurationSetName="cs")["SendingOptions"] == {
        "SendingEnabled": False
    }
    sesv2.delete_configuration_set_event_destination(ConfigurationSetName="cs", EventDestinationName="d")
    assert sesv2.list_configuration_sets()["ConfigurationSets"] == ["cs"]
    sesv2.delete_configuration_set(ConfigurationSetName="cs")
    with pytest.raises(ClientError) as caught:
        sesv2.get_configuration_set(ConfigurationSetName="cs")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_account_production_access_and_sending(sesv2: Any, ses: Any) -> None:
    account = sesv2.get_account()
    assert account["ProductionAccessEnabled"] is False and account["SendingEnabled"] is True
    assert account["SendQuota"] == {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}
    sesv2.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://example.com",
        UseCaseDescription="receipts",
        ProductionAccessEnabled=True,
    )
    account = sesv2.get_account()
    assert account["ProductionAccessEnabled"] is True
    assert account["Details"]["MailType"] == "TRANSACTIONAL"
    assert ses.get_send_quota()["Max24HourSend"] == 50000.0
    sesv2.put_account_sending_attributes(SendingEnabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    sesv2.create_email_identity(EmailIdentity="example.com")
    with pytest.raises(ClientError) as caught:
        sesv2.send_email(
            FromEmailAddress="app@example.com",
            Destination={"ToAddresses": ["x@example.com"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
        )
    assert caught.value.response["Error"]["Code"] == "SendingPausedException"


def test_configuration_set_put_options(sesv2: Any, ses: Any) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="opts")
    sesv2.put_configuration_set_tracking_options(
        ConfigurationSetName="opts", CustomRedirectDomain="t.example.com", HttpsPolicy="REQUIRE"
    )
    sesv2.put_configuration_set_delivery_options(
        ConfigurationSetName="opts", TlsPolicy="REQUIRE", MaxDeliverySeconds=600
    )
    sesv2.put_configuration_set_reputation_options(ConfigurationSetName="opts", ReputationMetricsEnabled=True)
    sesv2.put_configuration_set_suppression_options(ConfigurationSetName="opts", SuppressedReasons=["BOUNCE"])
    got = sesv2.get_configuration_set(ConfigurationSetName="opts")
    assert got["TrackingOptions"] == {"CustomRedirectDomain": "t.example.com", "HttpsPolicy": "REQUIRE"}
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}
    v1 = ses.describe_configuration_set(
        ConfigurationSetName="opts", ConfigurationSetAttributeNames=["trackingOptions"]
    )
    assert v1["TrackingOptions"] == {"CustomRedirectDomain": "t.example.com"}
