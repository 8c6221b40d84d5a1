"""Queues: creation rules, URLs, listing, attributes, tags and deletion, through boto3 (JSON protocol)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import CREDENTIALS
from tests.services.sqs.conftest import unique


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_is_idempotent_with_same_attributes(sqs: Any) -> None:
    name = unique()
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert url.endswith(f"/000000000000/{name}")
    assert sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
    assert error_of(excinfo) == (
        "QueueAlreadyExists",
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
    )


@pytest.mark.parametrize("name", ["", "a" * 81, "bad name", "bad.name", "bad/name"])
def test_queue_names_follow_aws_rules(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName=name)
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_fifo_naming_rules(sqs: Any) -> None:
    name = unique()
    for attributes in ({"FifoQueue": "true"}, {}):
        # A FIFO queue's name ends in .fifo, a standard queue's cannot.
        with pytest.raises(ClientError) as excinfo:
            sqs.create_queue(QueueName=name if attributes else name + ".fifo", Attributes=attributes)
        assert error_of(excinfo)[0] == "InvalidParameterValue"
    url = sqs.create_queue(QueueName=name + ".fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"
    longest = "x" * 75 + ".fifo"
    assert sqs.create_queue(QueueName=longest, Attributes={"FifoQueue": "true"})["QueueUrl"].endswith(longest)
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="x" * 76 + ".fifo", Attributes={"FifoQueue": "true"})


def test_get_queue_url_and_missing_queue(sqs: Any) -> None:
    name = unique()
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="000000000000")["QueueUrl"] == url
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName=unique())
    assert error_of(excinfo) == (
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url + "-gone", MessageBody="x")


def test_both_url_forms_are_accepted(sqs: Any, server: Any) -> None:
    name = unique()
    sqs.create_queue(QueueName=name)
    port = server.endpoint.rsplit(":", 1)[1]
    for url in (
        f"http://sqs.us-east-1.localhost:{port}/000000000000/{name}",
        f"http://localhost:{port}/000000000000/{name}",
    ):
        sqs.send_message(QueueUrl=url, MessageBody="x")
    attributes = sqs.get_queue_attributes(
        QueueUrl=f"http://localhost:{port}/000000000000/{name}",
        AttributeNames=["ApproximateNumberOfMessages"],
    )["Attributes"]
    assert attributes == {"ApproximateNumberOfMessages": "2"}


def test_urls_follow_the_host_the_client_called(server: Any) -> None:
    import boto3

    port = server.endpoint.rsplit(":", 1)[1]
    sqs = boto3.client("sqs", endpoint_url=f"http://localhost:{port}", **CREDENTIALS)
    name = unique()
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == f"http://localhost:{port}/000000000000/{name}"


def test_list_queues_by_prefix_and_pages(sqs: Any) -> None:
    prefix = unique("list")
    urls = [sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(5)]
    assert sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"] == urls
    first = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    assert first["QueueUrls"] == urls[:2]
    second = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=first["NextToken"])
    assert second["QueueUrls"] == urls[2:4]
    third = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=second["NextToken"])
    assert third["QueueUrls"] == urls[4:]
    assert "NextToken" not in third
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique("none"))
    paginated = [
        u
        for page in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix, MaxResults=3)
        for u in page["QueueUrls"]
    ]
    assert paginated == urls


def test_delete_queue_and_recreate_wait(sqs: Any) -> None:
    name = unique()
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName=name)
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.QueueDeletedRecently"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)


def test_default_attributes(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    name = url.rsplit("/", 1)[1]
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:000000000000:{name}"
    assert {
        k: attributes[k]
        for k in (
            "VisibilityTimeout",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
            "SqsManagedSseEnabled",
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        )
    } == {
        "VisibilityTimeout": "30",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
    }
    assert int(attributes["CreatedTimestamp"]) == int(attributes["LastModifiedTimestamp"])
    assert "FifoQueue" not in attributes and "Policy" not in attributes
    only = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds", "QueueArn"])["Attributes"]
    assert set(only) == {"DelaySeconds", "QueueArn"}


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [
        ("VisibilityTimeout", "43201", "43200"),
        ("MessageRetentionPeriod", "59", "60"),
        ("MessageRetentionPeriod", "1209601", "1209600"),
        ("DelaySeconds", "901", "900"),
        ("ReceiveMessageWaitTimeSeconds", "21", "20"),
        ("MaximumMessageSize", "1023", "1024"),
        ("MaximumMessageSize", "1048577", "1048576"),
        ("KmsDataKeyReusePeriodSeconds", "59", "86400"),
        ("SqsManagedSseEnabled", "yes", "false"),
        ("VisibilityTimeout", "abc", "0"),
    ],
)
def test_attribute_ranges(sqs: Any, make_queue: Any, name: str, bad: str, good: str) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={name: bad})
    assert error_of(excinfo) == ("InvalidAttributeValue", f"Invalid value for the parameter {name}.")
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName=unique(), Attributes={name: bad})
    if name == "KmsDataKeyReusePeriodSeconds":
        return
    sqs.set_queue_attributes(QueueUrl=url, Attributes={name: good})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"] == {name: good}


def test_unknown_and_read_only_attribute_names(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    for name in ("Bogus", "QueueArn", "ApproximateNumberOfMessages", "ContentBasedDeduplication"):
        with pytest.raises(ClientError) as excinfo:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: "1"})
        assert error_of(excinfo) == ("InvalidAttributeName", f"Unknown Attribute {name}.")


def test_fifo_attributes(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True)
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "ContentBasedDeduplication": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ContentBasedDeduplication"] == "true"
    assert attributes["FifoThroughputLimit"] == "perMessageGroupId"
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"


def test_redrive_policies(sqs: Any, make_queue: Any) -> None:
    dead = make_queue(sqs)
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    source = make_queue(sqs)
    sqs.set_queue_attributes(
        QueueUrl=source,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": "3"})},
    )
    stored = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(stored["RedrivePolicy"]) == {"deadLetterTargetArn": dead_arn, "maxReceiveCount": 3}
    assert sqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"] == [source]
    for bad in (
        {"deadLetterTargetArn": dead_arn, "maxReceiveCount": 0},
        {"deadLetterTargetArn": dead_arn + "-missing", "maxReceiveCount": 1},
        {"maxReceiveCount": 1},
    ):
        with pytest.raises(ClientError) as excinfo:
            sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": json.dumps(bad)})
        assert error_of(excinfo)[0] == "InvalidParameterValue"
    fifo_dead = make_queue(sqs, fifo=True)
    fifo_arn = sqs.get_queue_attributes(QueueUrl=fifo_dead, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    with pytest.raises(ClientError):
        sqs.set_queue_attributes(
            QueueUrl=source,
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": fifo_arn, "maxReceiveCount": 1})},
        )
    sqs.set_queue_attributes(
        QueueUrl=dead,
        Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})},
    )
    other = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(
            QueueUrl=other,
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1})},
        )
    assert error_of(excinfo)[0] == "InvalidParameterValue"
    sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": ""})
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])


def test_policy_attribute(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
            ],
        }
    )
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": document})
    assert (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"] == document
    )


def test_kms_master_key_is_checked_against_kms(sqs: Any, client: Any, make_queue: Any) -> None:
    key_id = client("kms").create_key()["KeyMetadata"]["KeyId"]
    url = make_queue(sqs, KmsMasterKeyId=key_id)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_id
    assert attributes["KmsDataKeyReusePeriodSeconds"] == "300"
    assert attributes["SqsManagedSseEnabled"] == "false"
    make_queue(sqs, KmsMasterKeyId="alias/aws/sqs")
    with pytest.raises(ClientError) as excinfo:
        make_queue(sqs, KmsMasterKeyId="00000000-0000-0000-0000-000000000000")
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": ""})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert "KmsMasterKeyId" not in attributes and "KmsDataKeyReusePeriodSeconds" not in attributes


def test_get_attributes_rejects_unknown_names(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Nope"])  # type: ignore[list-item]
    assert error_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute Nope.")


def test_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName=unique(), tags={"team": "a"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev", "team": "b"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_purge_once_a_minute(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs)
    csqs.send_message(QueueUrl=url, MessageBody="x")
    csqs.purge_queue(QueueUrl=url)
    assert "Messages" not in csqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    with pytest.raises(ClientError) as excinfo:
        csqs.purge_queue(QueueUrl=url)
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    advance("61s")
    csqs.purge_queue(QueueUrl=url)


def test_sse_kms_key_must_be_usable(sqs: Any, client: Any, make_queue: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    url = make_queue(sqs, KmsMasterKeyId=key_id)
    sqs.send_message(QueueUrl=url, MessageBody="secret")
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="secret")
    assert error_of(excinfo)[0] == "KMS.DisabledException"
    with pytest.raises(ClientError):
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    kms.enable_key(KeyId=key_id)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"][0]["Body"] == "secret"
