"""Configuration sets, and SES events published to SNS (read here through an SQS subscription)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import events as _events


def _send(ses: Any, to: list[str], **kwargs: Any) -> str:
    return ses.send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": to},
        Message={"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}},
        **kwargs,
    )["MessageId"]


def _tracking(ses: Any, topic: str, types: list[str]) -> None:
    """A configuration set "tracking" whose SNS destination publishes `types` to `topic`."""
    ses.create_configuration_set(ConfigurationSet={"Name": "tracking"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracking",
        EventDestination={
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": types,
            "SNSDestination": {"TopicARN": topic},
        },
    )


def test_configuration_sets(ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "tracking"})
    with pytest.raises(ClientError) as caught:
        ses.create_configuration_set(ConfigurationSet={"Name": "tracking"})
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetAlreadyExists"
    destination = {
        "Name": "to-sns",
        "Enabled": True,
        "MatchingEventTypes": ["send", "delivery"],
        "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:000000000000:t"},
    }
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tracking", EventDestination=destination
    )
    with pytest.raises(ClientError) as caught:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="tracking", EventDestination=destination
        )
    assert caught.value.response["Error"]["Code"] == "EventDestinationAlreadyExists"
    described = ses.describe_configuration_set(
        ConfigurationSetName="tracking", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert described["ConfigurationSet"] == {"Name": "tracking"}
    assert described["EventDestinations"] == [destination]
    ses.update_configuration_set_event_destination(
        ConfigurationSetName="tracking", EventDestination=destination | {"Enabled": False}
    )
    described = ses.describe_configuration_set(
        ConfigurationSetName="tracking", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert described["EventDestinations"][0]["Enabled"] is False
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="tracking", EventDestinationName="to-sns"
    )
    with pytest.raises(ClientError) as caught:
        ses.delete_configuration_set_event_destination(
            ConfigurationSetName="tracking", EventDestinationName="to-sns"
        )
    assert caught.value.response["Error"]["Code"] == "EventDestinationDoesNotExist"
    assert ses.list_configuration_sets()["ConfigurationSets"] == [{"Name": "tracking"}]
    ses.delete_configuration_set(ConfigurationSetName="tracking")
    with pytest.raises(ClientError) as caught:
        ses.describe_configuration_set(ConfigurationSetName="tracking")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"


def test_sending_with_a_missing_or_paused_configuration_set(ses: Any) -> None:
    ses.verify_email_identity(EmailAddress="sender@example.com")
    with pytest.raises(ClientError) as caught:
        _send(ses, ["success@simulator.amazonses.com"], ConfigurationSetName="nope")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    ses.create_configuration_set(ConfigurationSet={"Name": "paused"})
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="paused", Enabled=False)
    with pytest.raises(ClientError) as caught:
        _send(ses, ["success@simulator.amazonses.com"], ConfigurationSetName="paused")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetSendingPausedException"
    ses.update_account_sending_enabled(Enabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    with pytest.raises(ClientError) as caught:
        _send(ses, ["success@simulator.amazonses.com"])
    assert caught.value.response["Error"]["Code"] == "AccountSendingPausedException"


def test_event_destination_publishes_send_and_delivery(ses: Any, topic_queue: tuple[str, Any, str]) -> None:
    topic, sqs, url = topic_queue
    ses.verify_email_identity(EmailAddress="sender@example.com")
    _tracking(ses, topic, ["send", "delivery", "bounce", "complaint"])
    message_id = _send(
        ses,
        ["success@simulator.amazonses.com"],
        ConfigurationSetName="tracking",
        Tags=[{"Name": "campaign", "Value": "spring"}],
    )
    events = _events(sqs, url)
    assert [e["eventType"] for e in events] == ["Send", "Delivery"]
    delivery = events[1]
    assert delivery["mail"]["messageId"] == message_id
    assert delivery["mail"]["source"] == "sender@example.com"
    assert delivery["mail"]["destination"] == ["success@simulator.amazonses.com"]
    assert delivery["mail"]["commonHeaders"]["subject"] == "Hello"
    assert delivery["mail"]["tags"]["ses:configuration-set"] == ["tracking"]
    assert delivery["mail"]["tags"]["campaign"] == ["spring"]
    assert delivery["mail"]["tags"]["ses:caller-identity"] == ["root"]
    assert delivery["delivery"]["recipients"] == ["success@simulator.amazonses.com"]
    assert delivery["delivery"]["smtpResponse"].startswith("250")

    _send(
        ses,
        ["bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"],
        ConfigurationSetName="tracking",
    )
    events = {e["eventType"]: e for e in _events(sqs, url)}
    assert set(events) == {"Send", "Delivery", "Bounce", "Complaint"}
    assert events["Bounce"]["bounce"]["bounceType"] == "Permanent"
    assert (
        events["Bounce"]["bounce"]["bouncedRecipients"][0]["emailAddress"] == "bounce@simulator.amazonses.com"
    )
    assert events["Complaint"]["complaint"]["complainedRecipients"] == [
        {"emailAddress": "complaint@simulator.amazonses.com"}
    ]
    assert events["Delivery"]["delivery"]["recipients"] == ["complaint@simulator.amazonses.com"]


def test_identity_notification_topic_gets_deliveries(ses: Any, topic_queue: tuple[str, Any, str]) -> None:
    topic, sqs, url = topic_queue
    ses.verify_email_identity(EmailAddress="sender@example.com")
    ses.set_identity_notification_topic(
        Identity="sender@example.com", NotificationType="Delivery", SnsTopic=topic
    )
    message_id = _send(ses, ["success@simulator.amazonses.com"])
    (notification,) = _events(sqs, url)
    assert notification["notificationType"] == "Delivery"
    assert notification["mail"]["messageId"] == message_id
    assert "headers" not in notification["mail"]
    assert notification["delivery"]["recipients"] == ["success@simulator.amazonses.com"]


def test_rendering_failure_is_an_event_not_a_message(ses: Any, topic_queue: tuple[str, Any, str]) -> None:
    topic, sqs, url = topic_queue
    ses.verify_email_identity(EmailAddress="sender@example.com")
    ses.create_template(Template={"TemplateName": "Greet", "SubjectPart": "Hi {{name}}", "TextPart": "x"})
    _tracking(ses, topic, ["renderingFailure", "delivery"])
    ses.send_templated_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Template="Greet",
        TemplateData="{}",
        ConfigurationSetName="tracking",
    )
    (event,) = _events(sqs, url)
    assert event["eventType"] == "Rendering Failure"
    assert event["failure"] == {
        "errorMessage": "Attribute 'name' is not present in the rendering data.",
        "templateName": "Greet",
    }


def test_configuration_set_options(ses: Any, sesv2: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "opts"})
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="opts", TrackingOptions={"CustomRedirectDomain": "track.example.com"}
    )
    with pytest.raises(ClientError) as caught:
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName="opts", TrackingOptions={"CustomRedirectDomain": "track.example.com"}
        )
    assert caught.value.response["Error"]["Code"] == "TrackingOptionsAlreadyExistsException"
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName="opts", TrackingOptions={"CustomRedirectDomain": "links.example.com"}
    )
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="opts", DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="opts", Enabled=True)
    described = ses.describe_configuration_set(
        ConfigurationSetName="opts",
        ConfigurationSetAttributeNames=["trackingOptions", "deliveryOptions", "reputationOptions"],
    )
    assert described["TrackingOptions"] == {"CustomRedirectDomain": "links.example.com"}
    assert described["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert described["ReputationOptions"] == {"SendingEnabled": True, "ReputationMetricsEnabled": True}
    v2 = sesv2.get_configuration_set(ConfigurationSetName="opts")
    assert v2["TrackingOptions"] == {"CustomRedirectDomain": "links.example.com"}
    assert v2["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    ses.delete_configuration_set_tracking_options(ConfigurationSetName="opts")
    with pytest.raises(ClientError) as caught:
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="opts")
    assert caught.value.response["Error"]["Code"] == "TrackingOptionsDoesNotExistException"
