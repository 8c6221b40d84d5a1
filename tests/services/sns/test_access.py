"""Topic access: IAM users need sns:Publish, and a topic policy lets another account publish."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer


def test_iam_user_without_publish_gets_authorization_error(
    server: FogbankServer, sns: Any, account: str, topic: str
) -> None:
    reader, _ = user_with_policies(
        server,
        account,
        "reader",
        inline={"read": policy({"Effect": "Allow", "Action": "sns:GetTopicAttributes", "Resource": "*"})},
    )
    user_sns = reader("sns")
    assert user_sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic
    with pytest.raises(ClientError) as excinfo:
        user_sns.publish(TopicArn=topic, Message="no")
    error = excinfo.value.response["Error"]
    assert (error["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "AuthorizationError",
        403,
    )
    assert "sns:Publish" in error["Message"]
    writer, _ = user_with_policies(
        server,
        account,
        "writer",
        inline={"pub": policy({"Effect": "Allow", "Action": "sns:Publish", "Resource": topic})},
    )
    assert writer("sns").publish(TopicArn=topic, Message="yes")["MessageId"]


def test_topic_policy_grants_and_denies_other_accounts(server: FogbankServer, sns: Any, topic: str) -> None:
    other = new_account()
    other_sns = client_for(server, "sns", other, "x")
    with pytest.raises(ClientError) as excinfo:
        other_sns.publish(TopicArn=topic, Message="not yet")
    assert excinfo.value.response["Error"]["Code"] == "AuthorizationError"
    sns.add_permission(TopicArn=topic, Label="other", AWSAccountId=[other], ActionName=["Publish"])
    assert other_sns.publish(TopicArn=topic, Message="now")["MessageId"]
    sns.remove_permission(TopicArn=topic, Label="other")
    with pytest.raises(ClientError):
        other_sns.publish(TopicArn=topic, Message="again")


def test_subscribe_carries_the_protocol_condition_key(
    server: FogbankServer, account: str, topic: str
) -> None:
    only_sqs = policy(
        {
            "Effect": "Allow",
            "Action": "sns:Subscribe",
            "Resource": topic,
            "Condition": {"StringEquals": {"sns:Protocol": "sqs"}},
        }
    )
    make, _ = user_with_policies(server, account, "subscriber", inline={"sub": only_sqs})
    user_sns = make("sns")
    assert user_sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{account}:q")
    with pytest.raises(ClientError) as excinfo:
        user_sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    assert excinfo.value.response["Error"]["Code"] == "AuthorizationError"


def test_an_explicit_deny_in_the_topic_policy_binds_the_owner_too(sns: Any, topic: str) -> None:
    deny = policy(
        {"Sid": "closed", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic}
    )
    sns.publish(TopicArn=topic, Message="before the policy")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=deny)
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="no")
    assert excinfo.value.response["Error"]["Code"] == "AuthorizationError"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"] == deny
    sns.remove_permission(TopicArn=topic, Label="closed")
    sns.publish(TopicArn=topic, Message="open again")
