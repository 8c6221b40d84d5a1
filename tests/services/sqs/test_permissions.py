"""Queue policies through the policy engine: IAM users, other accounts, AddPermission/RemovePermission."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.services.sqs.conftest import unique


def owned_queue(server: Any, account: str) -> tuple[Any, str, str]:
    sqs = client_for(server, "sqs", account, "x")
    url = sqs.create_queue(QueueName=unique())["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def test_iam_user_needs_permission(server: Any) -> None:
    account = new_account()
    _, url, arn = owned_queue(server, account)
    allowed = policy(
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": arn}
    )
    make, _ = user_with_policies(server, account, "worker", inline={"send": allowed})
    sqs = make("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]) == 1
    with pytest.raises(ClientError) as excinfo:
        sqs.purge_queue(QueueUrl=url)
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    nobody, _ = user_with_policies(server, account, "nobody")
    with pytest.raises(ClientError):
        nobody("sqs").send_message(QueueUrl=url, MessageBody="x")


def test_queue_policy_grants_an_iam_user(server: Any) -> None:
    account = new_account()
    owner, url, arn = owned_queue(server, account)
    make, _ = user_with_policies(server, account, "reader")
    user_arn = f"arn:aws:iam::{account}:user/reader"
    owner.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": user_arn},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                }
            )
        },
    )
    make("sqs").send_message(QueueUrl=url, MessageBody="x")


def test_add_permission_grants_another_account(server: Any) -> None:
    owner_account, other_account = new_account(), new_account()
    owner, url, arn = owned_queue(server, owner_account)
    other = client_for(server, "sqs", other_account, "x")
    with pytest.raises(ClientError):
        other.send_message(QueueUrl=url, MessageBody="x")
    owner.add_permission(
        QueueUrl=url, Label="share", AWSAccountIds=[other_account], Actions=["SendMessage", "GetQueueUrl"]
    )
    stored = json.loads(
        owner.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert stored["Statement"][0]["Sid"] == "share"
    assert stored["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{other_account}:root"}
    assert stored["Statement"][0]["Action"] == ["SQS:SendMessage", "SQS:GetQueueUrl"]
    other.send_message(QueueUrl=url, MessageBody="from afar")
    with pytest.raises(ClientError):
        other.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert other.get_queue_url(QueueName=url.rsplit("/", 1)[1], QueueOwnerAWSAccountId=owner_account)[
        "QueueUrl"
    ]
    with pytest.raises(ClientError) as excinfo:
        owner.add_permission(
            QueueUrl=url, Label="share", AWSAccountIds=[other_account], Actions=["SendMessage"]
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        owner.add_permission(
            QueueUrl=url, Label="bad", AWSAccountIds=[other_account], Actions=["CreateQueue"]
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    owner.remove_permission(QueueUrl=url, Label="share")
    assert "Attributes" not in owner.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    with pytest.raises(ClientError):
        other.send_message(QueueUrl=url, MessageBody="x")
    with pytest.raises(ClientError) as excinfo:
        owner.remove_permission(QueueUrl=url, Label="share")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_explicit_deny_in_queue_policy_binds_root(server: Any) -> None:
    account = new_account()
    owner, url, arn = owned_queue(server, account)
    owner.send_message(QueueUrl=url, MessageBody="before the policy")
    owner.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": policy(
                {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}
            )
        },
    )
    with pytest.raises(ClientError):
        owner.send_message(QueueUrl=url, MessageBody="x")
