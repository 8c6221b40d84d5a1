"""Topics through boto3: create (standard and FIFO), idempotency, name rules, attributes, listing, tags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_topic_is_idempotent_and_has_aws_attributes(sns: Any, account: str) -> None:
    arn = sns.create_topic(Name="orders")["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{account}:orders"
    assert sns.create_topic(Name="orders")["TopicArn"] == arn
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == account
    assert attributes["SubscriptionsConfirmed"] == "0"
    assert attributes["SubscriptionsPending"] == "0"
    assert attributes["SubscriptionsDeleted"] == "0"
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": account}}
    assert "FifoTopic" not in attributes
    assert (
        json.loads(attributes["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"]
        == 3
    )


def test_create_topic_with_different_attributes_is_refused(sns: Any) -> None:
    sns.create_topic(Name="alerts", Attributes={"DisplayName": "one"})
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="alerts", Attributes={"DisplayName": "two"})
    assert _error(excinfo)[0] == "InvalidParameter"


def test_fifo_topic_rules(sns: Any) -> None:
    arn = sns.create_topic(
        Name="jobs.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="jobs", Attributes={"FifoTopic": "true"})
    code, message, status = _error(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: Fifo Topic names must end with .fifo")
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="plain.fifo")
    assert _error(excinfo)[1] == "Invalid parameter: Topic Name"
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="std", Attributes={"ContentBasedDeduplication": "true"})
    assert _error(excinfo)[0] == "InvalidParameter"


@pytest.mark.parametrize("name", ["", "has space", "x" * 257, "dots.in.name"])
def test_topic_name_rules(sns: Any, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name=name)
    assert _error(excinfo)[:2] == ("InvalidParameter", "Invalid parameter: Topic Name")


def test_set_topic_attributes(sns: Any, topic: str) -> None:
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Orders")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue="2")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="TracingConfig", AttributeValue="Active")
    delivery = json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 5}}})
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue=delivery)
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["DisplayName"] == "Orders"
    assert attributes["SignatureVersion"] == "2"
    assert attributes["TracingConfig"] == "Active"
    assert attributes["DeliveryPolicy"] == delivery
    assert attributes["EffectiveDeliveryPolicy"] == delivery
    for name, value in (("SignatureVersion", "3"), ("Bogus", "x"), ("Policy", "{not json")):
        with pytest.raises(ClientError) as excinfo:
            sns.set_topic_attributes(TopicArn=topic, AttributeName=name, AttributeValue=value)
        assert _error(excinfo)[0] == "InvalidParameter"


def test_missing_topic_is_not_found(sns: Any, account: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=f"arn:aws:sns:us-east-1:{account}:nope")
    assert _error(excinfo) == ("NotFound", "Topic does not exist", 404)


def test_delete_topic_removes_it_and_its_subscriptions(sns: Any, topic: str) -> None:
    sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic)  # idempotent
    assert topic not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_list_topics_pages_by_100(sns: Any) -> None:
    made = {sns.create_topic(Name=f"page-{i:03d}")["TopicArn"] for i in range(105)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    second = sns.list_topics(NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {t["TopicArn"] for t in first["Topics"] + second["Topics"]} == made


def test_tags(sns: Any, topic: str, account: str) -> None:
    sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])
    sns.untag_resource(ResourceArn=topic, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as excinfo:
        sns.tag_resource(ResourceArn=topic, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert _error(excinfo)[0] == "TagLimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        sns.list_tags_for_resource(ResourceArn=f"arn:aws:sns:us-east-1:{account}:nope")
    assert _error(excinfo)[:2] == ("ResourceNotFound", "Resource does not exist")
    tagged = sns.create_topic(Name="tagged", Tags=[{"Key": "a", "Value": "1"}])["TopicArn"]
    assert sns.list_tags_for_resource(ResourceArn=tagged)["Tags"] == [{"Key": "a", "Value": "1"}]


def test_add_and_remove_permission(sns: Any, topic: str) -> None:
    sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    added = [s for s in policy["Statement"] if s["Sid"] == "pub"][0]
    assert added["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert added["Action"] == "SNS:Publish"
    with pytest.raises(ClientError) as excinfo:
        sns.add_permission(TopicArn=topic, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
    assert _error(excinfo)[0] == "InvalidParameter"
    sns.remove_permission(TopicArn=topic, Label="pub")
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["__default_statement_ID"]


def test_data_protection_policy(sns: Any, topic: str) -> None:
    policy = json.dumps(
        {
            "Name": "basic",
            "Description": "",
            "Version": "2021-06-01",
            "Statement": [
                {
                    "Sid": "deny",
                    "DataDirection": "Inbound",
                    "Principal": ["*"],
                    "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                    "Operation": {"Deny": {}},
                }
            ],
        }
    )
    assert sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"] == ""
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"] == policy
    with pytest.raises(ClientError) as excinfo:
        sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy="[]")
    assert _error(excinfo)[0] == "InvalidParameter"


def test_malformed_topic_arns(sns: Any, account: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn="not-an-arn")
    assert (
        _error(excinfo)[1]
        == "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=f"arn:aws:sqs:us-east-1:{account}:queue", Message="m")
    assert _error(excinfo)[:2] == ("InvalidParameter", "Invalid parameter: TopicArn")
    with pytest.raises(ClientError) as excinfo:
        sns.publish(Message="m")
    assert (
        _error(excinfo)[1]
        == "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
    )
