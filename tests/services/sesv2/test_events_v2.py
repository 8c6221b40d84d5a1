"""SES v2 event destinations publish to SNS; an identity's default configuration set applies to its sends."""

from __future__ import annotations

from typing import Any

from tests.services.ses.conftest import events


def test_default_configuration_set_publishes_events(sesv2: Any, topic_queue: tuple[str, Any, str]) -> None:
    topic, sqs, url = topic_queue
    sesv2.create_configuration_set(ConfigurationSetName="default-cs")
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="default-cs",
        EventDestinationName="sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": topic},
        },
    )
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_configuration_set_attributes(
        EmailIdentity="example.com", ConfigurationSetName="default-cs"
    )
    assert sesv2.get_email_identity(EmailIdentity="example.com")["ConfigurationSetName"] == "default-cs"
    sent = sesv2.send_email(
        FromEmailAddress="app@example.com",
        Destination={"ToAddresses": ["suppressionlist@simulator.amazonses.com"]},
        Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
        EmailTags=[{"Name": "kind", "Value": "receipt"}],
    )
    found = events(sqs, url)
    assert [e["eventType"] for e in found] == ["Send", "Bounce"]
    assert all(e["mail"]["messageId"] == sent["MessageId"] for e in found)
    assert found[0]["mail"]["tags"]["ses:configuration-set"] == ["default-cs"]
    assert found[0]["mail"]["tags"]["kind"] == ["receipt"]
    assert found[1]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_dkim_signing_switch(sesv2: Any, ses: Any) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=False)
    assert sesv2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]["SigningEnabled"] is False
    assert (
        ses.get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"][
            "DkimEnabled"
        ]
        is False
    )
