"""Subscriptions through boto3: protocols and endpoints, idempotency, listings, attributes, email and SMS."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _get(server: FogbankServer, path: str) -> Any:
    return json.loads(urllib.request.urlopen(server.endpoint + path, timeout=5).read())


@pytest.mark.parametrize(
    ("protocol", "endpoint", "message"),
    [
        (
            "carrier-pigeon",
            "x",
            "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon",
        ),
        ("http", "https://example.com", "Invalid parameter: Endpoint must match the specified protocol"),
        ("https", "http://example.com", "Invalid parameter: Endpoint must match the specified protocol"),
        ("email", "not-an-address", "Invalid parameter: Email address"),
        ("sqs", "my-queue", "Invalid parameter: SQS endpoint ARN"),
        ("lambda", "arn:aws:sqs:us-east-1:000000000000:q", "Invalid parameter: Lambda endpoint ARN"),
    ],
)
def test_subscribe_checks_protocol_and_endpoint(
    sns: Any, topic: str, protocol: str, endpoint: str, message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    assert _error(excinfo) == ("InvalidParameter", message)


def test_subscribe_is_idempotent_and_listed(sns: Any, topic: str, account: str) -> None:
    queue = f"arn:aws:sqs:us-east-1:{account}:q1"
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert re.match(re.escape(topic) + r":[0-9a-f-]{36}$", arn)
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"}
        )
    assert _error(excinfo)[0] == "InvalidParameter"
    expected = {
        "SubscriptionArn": arn,
        "Owner": account,
        "Protocol": "sqs",
        "Endpoint": queue,
        "TopicArn": topic,
    }
    assert sns.list_subscriptions()["Subscriptions"] == [expected]
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == [expected]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["RawMessageDelivery"] == "false"
    assert attributes["Owner"] == account
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "1"
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.list_subscriptions()["Subscriptions"] == []
    with pytest.raises(ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=arn)
    assert _error(excinfo) == ("NotFound", "Subscription does not exist")


def test_fifo_rules_for_subscriptions(sns: Any, topic: str, account: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{account}:q.fifo")
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in _error(excinfo)[1]
    fifo = sns.create_topic(Name="f.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(ClientError):
        sns.subscribe(TopicArn=fifo, Protocol="email", Endpoint="a@example.com")


def test_subscription_attributes(sns: Any, topic: str, account: str) -> None:
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{account}:q")[
        "SubscriptionArn"
    ]
    dlq = json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{account}:dlq"})
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RedrivePolicy", AttributeValue=dlq)
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert (attributes["RedrivePolicy"], attributes["RawMessageDelivery"]) == (dlq, "true")
    for name, value in (("RedrivePolicy", "{}"), ("RawMessageDelivery", "yes"), ("Color", "red")):
        with pytest.raises(ClientError) as excinfo:
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
        assert _error(excinfo)[0] == "InvalidParameter"


def test_email_subscription_confirms_through_the_mailbox(server: FogbankServer, sns: Any, topic: str) -> None:
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Shop")
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)["SubscriptionArn"] == (
        "pending confirmation"
    )
    [confirmation] = [m for m in _get(server, "/_fogbank/ses") if address in m["destinations"]]
    assert confirmation["subject"] == "AWS Notification - Subscription Confirmation"
    url = re.search(r"http://\S+/_fogbank/sns/confirm\S+", confirmation["body"]["text"]).group(0)  # type: ignore[union-attr]
    urllib.request.urlopen(url, timeout=5).read()
    sns.publish(TopicArn=topic, Message="Your order shipped", Subject="Shipping")
    notes = [
        m
        for m in _get(server, "/_fogbank/ses")
        if address in m["destinations"] and m["subject"] == "Shipping"
    ]
    assert len(notes) == 1
    assert notes[0]["body"]["text"].startswith("Your order shipped")
    assert "/_fogbank/sns/unsubscribe" in notes[0]["body"]["text"]


def test_email_json_gets_the_json_notification(server: FogbankServer, sns: Any, topic: str) -> None:
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=address)
    [confirmation] = [m for m in _get(server, "/_fogbank/ses") if address in m["destinations"]]
    token = json.loads(confirmation["body"]["text"])["Token"]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    sns.publish(TopicArn=topic, Message="as json")
    bodies = [
        json.loads(m["body"]["text"]) for m in _get(server, "/_fogbank/ses") if address in m["destinations"]
    ]
    assert [b["Message"] for b in bodies if b["Type"] == "Notification"] == ["as json"]


def test_sms_is_recorded_and_readable(server: FogbankServer, sns: Any, topic: str, account: str) -> None:
    sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550123")
    sns.publish(TopicArn=topic, Message="via topic")
    sns.publish(PhoneNumber="+15555550199", Message="direct")
    with pytest.raises(ClientError) as excinfo:
        sns.publish(PhoneNumber="12ab", Message="x")
    assert _error(excinfo)[0] == "InvalidParameter"
    sent = _get(server, f"/_fogbank/sns/sms?account={account}")["messages"]
    assert [(m["PhoneNumber"], m["Message"]) for m in sent] == [
        ("+15555550123", "via topic"),
        ("+15555550199", "direct"),
    ]


def test_sms_attributes_and_opt_out(server: FogbankServer, sns: Any, account: str) -> None:
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "Shop"})
    assert sns.get_sms_attributes()["attributes"] == {
        "DefaultSMSType": "Transactional",
        "DefaultSenderID": "Shop",
    }
    assert sns.get_sms_attributes(attributes=["DefaultSenderID"])["attributes"] == {"DefaultSenderID": "Shop"}
    with pytest.raises(ClientError):
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/sns/sms/opt-out",
        data=json.dumps({"phoneNumber": "+15555550100", "account": account}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).read()
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is True
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == ["+15555550100"]
    sns.publish(PhoneNumber="+15555550100", Message="not sent")
    assert _get(server, f"/_fogbank/sns/sms?account={account}")["messages"] == []
    sns.opt_in_phone_number(phoneNumber="+15555550100")
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []


def test_platform_applications_and_endpoints(sns: Any) -> None:
    app = sns.create_platform_application(
        Name="app", Platform="GCM", Attributes={"PlatformCredential": "secret"}
    )["PlatformApplicationArn"]
    assert app.endswith(":app/GCM/app")
    assert (
        "PlatformCredential"
        not in sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    )
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="u")[
        "EndpointArn"
    ]
    assert (
        sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="u")[
            "EndpointArn"
        ]
        == endpoint
    )
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {
        "Enabled": "true",
        "Token": "device-1",
        "CustomUserData": "u",
    }
    assert [
        e["EndpointArn"]
        for e in sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    ] == [endpoint]
    assert sns.publish(TargetArn=endpoint, Message="push")["MessageId"]
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TargetArn=endpoint, Message="push")
    assert _error(excinfo) == ("EndpointDisabled", "Endpoint is disabled")
    sns.set_platform_application_attributes(
        PlatformApplicationArn=app, Attributes={"EventEndpointCreated": ""}
    )
    assert [
        a["PlatformApplicationArn"] for a in sns.list_platform_applications()["PlatformApplications"]
    ] == [app]
    sns.delete_endpoint(EndpointArn=endpoint)
    with pytest.raises(ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=endpoint)
    assert _error(excinfo)[0] == "NotFound"
    sns.delete_platform_application(PlatformApplicationArn=app)
    assert sns.list_platform_applications()["PlatformApplications"] == []


def test_list_subscriptions_pages_by_100(sns: Any, topic: str, account: str) -> None:
    made = {
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{account}:q{i}")[
            "SubscriptionArn"
        ]
        for i in range(103)
    }
    first = sns.list_subscriptions()
    second = sns.list_subscriptions(NextToken=first["NextToken"])
    assert len(first["Subscriptions"]) == 100 and "NextToken" not in second
    assert {s["SubscriptionArn"] for s in first["Subscriptions"] + second["Subscriptions"]} == made
    by_topic = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(by_topic["Subscriptions"]) == 100
    rest = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=by_topic["NextToken"])
    assert len(rest["Subscriptions"]) == 3


def test_lambda_and_firehose_subscriptions_are_kept(sns: Any, topic: str, account: str) -> None:
    function = f"arn:aws:lambda:us-east-1:{account}:function:handler"
    arn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["Endpoint"] == function
    stream = f"arn:aws:firehose:us-east-1:{account}:deliverystream/s"
    with pytest.raises(ClientError):
        sns.subscribe(TopicArn=topic, Protocol="firehose", Endpoint=stream)
    role = f"arn:aws:iam::{account}:role/r"
    arn = sns.subscribe(
        TopicArn=topic, Protocol="firehose", Endpoint=stream, Attributes={"SubscriptionRoleArn": role}
    )["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["SubscriptionRoleArn"] == role
    assert sns.publish(TopicArn=topic, Message="accepted")["MessageId"]


def test_authenticated_confirmation_refuses_the_unsigned_unsubscribe_url(
    server: FogbankServer, sns: Any, topic: str
) -> None:
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=address)
    [confirmation] = [m for m in _get(server, "/_fogbank/ses") if address in m["destinations"]]
    token = json.loads(confirmation["body"]["text"])["Token"]
    arn = sns.confirm_subscription(TopicArn=topic, Token=token, AuthenticateOnUnsubscribe="true")[
        "SubscriptionArn"
    ]
    assert (
        sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["ConfirmationWasAuthenticated"]
        == "true"
    )
    sns.publish(TopicArn=topic, Message="m")
    notes = [
        json.loads(m["body"]["text"]) for m in _get(server, "/_fogbank/ses") if address in m["destinations"]
    ]
    unsubscribe_url = [n for n in notes if n["Type"] == "Notification"][0]["UnsubscribeURL"]
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(unsubscribe_url, timeout=5)
    assert excinfo.value.code == 403
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_unsubscribe_url_removes_the_subscription(server: FogbankServer, sns: Any, topic: str) -> None:
    address = f"{uuid.uuid4().hex[:8]}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=address)
    [confirmation] = [m for m in _get(server, "/_fogbank/ses") if address in m["destinations"]]
    sns.confirm_subscription(TopicArn=topic, Token=json.loads(confirmation["body"]["text"])["Token"])
    sns.publish(TopicArn=topic, Message="m")
    notes = [
        json.loads(m["body"]["text"]) for m in _get(server, "/_fogbank/ses") if address in m["destinations"]
    ]
    unsubscribe_url = [n for n in notes if n["Type"] == "Notification"][0]["UnsubscribeURL"]
    assert "<UnsubscribeResponse" in urllib.request.urlopen(unsubscribe_url, timeout=5).read().decode()
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
