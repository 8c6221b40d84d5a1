"""Encrypted topics: KmsMasterKeyId is kept as given and the key is judged when a message is published."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import policy, user_with_policies
from tests.server import FogbankServer


@pytest.fixture
def kms(client: Callable[..., Any], account: str) -> Any:
    return client("kms", aws_access_key_id=account)


def _encrypt_with(sns: Any, topic: str, key: str) -> None:
    sns.set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=key)


def _publish_error(sns: Any, topic: str) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="secret")
    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def test_a_missing_key_is_accepted_and_fails_the_publish(sns: Any) -> None:
    topic = sns.create_topic(Name="sealed", Attributes={"KmsMasterKeyId": "alias/not-made-yet"})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == "alias/not-made-yet"
    code, message = _publish_error(sns, topic)
    assert code == "KMSNotFound" and "alias/not-made-yet is not found" in message
    assert "Error Code: NotFoundException" in message
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}])
    assert excinfo.value.response["Error"]["Code"] == "KMSNotFound"


def test_publish_follows_the_keys_state(sns: Any, kms: Any, account: str, topic: str) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/topics", TargetKeyId=key_id)
    _encrypt_with(sns, topic, "alias/topics")
    assert sns.publish(TopicArn=topic, Message="fine")["MessageId"]
    kms.disable_key(KeyId=key_id)
    code, message = _publish_error(sns, topic)
    assert code == "KMSDisabled" and message.startswith(
        f"arn:aws:kms:us-east-1:{account}:key/{key_id} is disabled."
    )
    kms.enable_key(KeyId=key_id)
    assert sns.publish(TopicArn=topic, Message="again")["MessageId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert _publish_error(sns, topic)[0] == "KMSInvalidState"
    kms.cancel_key_deletion(KeyId=key_id)  # leaves the key disabled
    assert _publish_error(sns, topic)[0] == "KMSDisabled"


def test_an_asymmetric_key_cannot_encrypt_a_topic(sns: Any, kms: Any, topic: str) -> None:
    key_arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    _encrypt_with(sns, topic, key_arn)
    assert _publish_error(sns, topic)[0] == "KMSInvalidState"


def test_the_aws_managed_key_for_sns(sns: Any, kms: Any, topic: str) -> None:
    _encrypt_with(sns, topic, "alias/aws/sns")
    assert sns.publish(TopicArn=topic, Message="managed")["MessageId"]
    assert kms.describe_key(KeyId="alias/aws/sns")["KeyMetadata"]["KeyManager"] == "AWS"


def test_the_publisher_needs_the_key_too(
    server: FogbankServer, sns: Any, kms: Any, account: str, topic: str
) -> None:
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    _encrypt_with(sns, topic, key_arn)
    publish = {"Effect": "Allow", "Action": "sns:Publish", "Resource": topic}
    only_sns, _ = user_with_policies(server, account, "publisher", inline={"p": policy(publish)})
    code, message = _publish_error(only_sns("sns"), topic)
    assert code == "KMSAccessDenied" and "kms:GenerateDataKey" in message
    use_key = {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key_arn}
    both, _ = user_with_policies(server, account, "encrypter", inline={"p": policy(publish, use_key)})
    assert both("sns").publish(TopicArn=topic, Message="allowed")["MessageId"]
