"""SES v2 list management: contact lists, contacts, and SendEmail's ListManagementOptions."""

from __future__ import annotations

import json
from typing import Any

from tests.services.ses.conftest import Mailbox, refused

TOPICS = [
    {"TopicName": "news", "DisplayName": "News", "DefaultSubscriptionStatus": "OPT_IN"},
    {"TopicName": "offers", "DisplayName": "Offers", "DefaultSubscriptionStatus": "OPT_OUT"},
]


def test_contact_lists(sesv2: Any) -> None:
    sesv2.create_contact_list(
        ContactListName="customers", Topics=TOPICS, Description="All", Tags=[{"Key": "k", "Value": "v"}]
    )
    got = sesv2.get_contact_list(ContactListName="customers")
    assert (
        got["Topics"] == TOPICS
        and got["Description"] == "All"
        and got["Tags"] == [{"Key": "k", "Value": "v"}]
    )
    assert refused(sesv2.create_contact_list, ContactListName="customers") == "AlreadyExistsException"
    # One contact list per account, AWS's quota.
    assert refused(sesv2.create_contact_list, ContactListName="second") == "LimitExceededException"
    sesv2.update_contact_list(ContactListName="customers", Topics=TOPICS[:1], Description="Some")
    got = sesv2.get_contact_list(ContactListName="customers")
    assert got["Topics"] == TOPICS[:1] and got["Description"] == "Some"
    assert [c["ContactListName"] for c in sesv2.list_contact_lists()["ContactLists"]] == ["customers"]
    sesv2.delete_contact_list(ContactListName="customers")
    assert refused(sesv2.get_contact_list, ContactListName="customers") == "NotFoundException"
    assert refused(sesv2.delete_contact_list, ContactListName="customers") == "NotFoundException"
    assert sesv2.list_contact_lists()["ContactLists"] == []


def test_contacts_and_filters(sesv2: Any) -> None:
    sesv2.create_contact_list(ContactListName="customers", Topics=TOPICS)
    sesv2.create_contact(
        ContactListName="customers",
        EmailAddress="a@example.com",
        TopicPreferences=[{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}],
        AttributesData=json.dumps({"name": "A"}),
    )
    sesv2.create_contact(ContactListName="customers", EmailAddress="b@example.com")
    sesv2.create_contact(ContactListName="customers", EmailAddress="c@example.com", UnsubscribeAll=True)
    assert (
        refused(sesv2.create_contact, ContactListName="customers", EmailAddress="a@example.com")
        == "AlreadyExistsException"
    )
    assert (
        refused(
            sesv2.create_contact,
            ContactListName="customers",
            EmailAddress="d@example.com",
            TopicPreferences=[{"TopicName": "nope", "SubscriptionStatus": "OPT_IN"}],
        )
        == "BadRequestException"
    )
    assert (
        refused(sesv2.create_contact, ContactListName="missing", EmailAddress="d@example.com")
        == "NotFoundException"
    )

    got = sesv2.get_contact(ContactListName="customers", EmailAddress="a@example.com")
    assert got["TopicPreferences"] == [{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}]
    assert got["TopicDefaultPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_IN"}]
    assert json.loads(got["AttributesData"]) == {"name": "A"} and got["UnsubscribeAll"] is False

    def listed(**filter: Any) -> list[str]:
        found = sesv2.list_contacts(ContactListName="customers", Filter=filter)["Contacts"]
        return sorted(c["EmailAddress"] for c in found)

    assert listed(FilteredStatus="OPT_OUT") == ["c@example.com"]
    assert listed(FilteredStatus="OPT_IN", TopicFilter={"TopicName": "offers"}) == ["a@example.com"]
    assert listed(
        FilteredStatus="OPT_OUT",
        TopicFilter={"TopicName": "offers", "UseDefaultIfPreferenceUnavailable": True},
    ) == ["b@example.com", "c@example.com"]
    assert listed(
        FilteredStatus="OPT_IN", TopicFilter={"TopicName": "news", "UseDefaultIfPreferenceUnavailable": True}
    ) == [
        "a@example.com",
        "b@example.com",
    ]
    first = sesv2.list_contacts(ContactListName="customers", PageSize=2)
    rest = sesv2.list_contacts(ContactListName="customers", PageSize=2, NextToken=first["NextToken"])
    assert len(first["Contacts"]) == 2 and len(rest["Contacts"]) == 1 and "NextToken" not in rest

    sesv2.update_contact(ContactListName="customers", EmailAddress="b@example.com", UnsubscribeAll=True)
    assert (
        sesv2.get_contact(ContactListName="customers", EmailAddress="b@example.com")["UnsubscribeAll"] is True
    )
    sesv2.delete_contact(ContactListName="customers", EmailAddress="b@example.com")
    assert (
        refused(sesv2.get_contact, ContactListName="customers", EmailAddress="b@example.com")
        == "NotFoundException"
    )


def test_send_with_list_management(sesv2: Any, mailbox: Mailbox) -> None:
    mailbox.leave_sandbox()
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_contact_list(ContactListName="customers", Topics=TOPICS)
    sesv2.create_contact(ContactListName="customers", EmailAddress="in@example.net")
    sesv2.create_contact(
        ContactListName="customers",
        EmailAddress="out@example.net",
        TopicPreferences=[{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}],
    )

    def send(topic: str, *to: str) -> str:
        return sesv2.send_email(
            FromEmailAddress="app@example.com",
            Destination={"ToAddresses": list(to) or ["in@example.net"]},
            Content={"Simple": {"Subject": {"Data": "News"}, "Body": {"Text": {"Data": "hi"}}}},
            ListManagementOptions={"ContactListName": "customers", "TopicName": topic},
        )["MessageId"]

    sent = mailbox.message(send("news", "in@example.net", "out@example.net"))
    assert sent["destinations"] == ["in@example.net"]
    headers = dict(sent["headers"])
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        headers["List-Unsubscribe"].startswith("<https://")
        and "customers/news" in headers["List-Unsubscribe"]
    )
    # "offers" defaults to OPT_OUT: nobody who has not opted in gets it, and the send still succeeds.
    nobody = send("offers", "in@example.net")
    assert all(m["id"] != nobody for m in mailbox.messages())
    assert refused(send, topic="missing-topic") == "NotFoundException"
    assert (
        refused(
            sesv2.send_email,
            FromEmailAddress="app@example.com",
            Destination={"ToAddresses": ["in@example.net"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
            ListManagementOptions={"ContactListName": "nope"},
        )
        == "NotFoundException"
    )


def test_contact_list_tags(sesv2: Any, account: str) -> None:
    sesv2.create_contact_list(ContactListName="tagged")
    arn = f"arn:aws:ses:us-east-1:{account}:contact-list/tagged"
    sesv2.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "mail"}])
    assert sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "mail"}]
