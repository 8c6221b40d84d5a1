"""Message signatures: the key survives a restart, and the envelope carries every attribute type."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import boto3

from tests.server import FogbankServer
from tests.services.sns.test_http import verify

OPTIONS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


def _clients(server: FogbankServer) -> tuple[Any, Any]:
    return (
        boto3.client("sns", endpoint_url=server.endpoint, **OPTIONS),
        boto3.client("sqs", endpoint_url=server.endpoint, **OPTIONS),
    )


def _envelope(sns: Any, sqs: Any, topic: str, url: str, **kwargs: Any) -> dict[str, Any]:
    sns.publish(TopicArn=topic, **kwargs)
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return json.loads(message["Body"])


def test_signing_key_survives_a_restart(tmp_path: Path) -> None:
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    try:
        sns, sqs = _clients(server)
        topic = sns.create_topic(Name="signed")["TopicArn"]
        url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        before = _envelope(sns, sqs, topic, url, Message="before")
    finally:
        server.stop()
    server.start()
    try:
        sns, sqs = _clients(server)
        after = _envelope(sns, sqs, topic, url, Message="after")
        assert after["SigningCertURL"] == before["SigningCertURL"]
        verify(before)
        verify(after)
    finally:
        server.stop()


def test_envelope_carries_string_number_array_and_binary_attributes(sns: Any, sqs: Any, topic: str) -> None:
    url = sqs.create_queue(QueueName="attrs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    envelope = _envelope(
        sns,
        sqs,
        topic,
        url,
        Message="typed",
        MessageAttributes={
            "s": {"DataType": "String", "StringValue": "text"},
            "n": {"DataType": "Number", "StringValue": "12.5"},
            "a": {"DataType": "String.Array", "StringValue": '["x", 1]'},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    assert envelope["MessageAttributes"] == {
        "s": {"Type": "String", "Value": "text"},
        "n": {"Type": "Number", "Value": "12.5"},
        "a": {"Type": "String.Array", "Value": '["x", 1]'},
        "b": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
    }
    verify(envelope)
