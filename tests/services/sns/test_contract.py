"""The function other services publish with (publish.publish), called in a transaction of their own."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from fogbank.clock import Clock
from fogbank.errors import ServiceError
from fogbank.services.sns.publish import publish
from fogbank.state import open_database
from tests.server import FogbankServer

OPTIONS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


def test_publish_fans_out_in_the_callers_transaction(tmp_path: Path) -> None:
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    try:
        sns = boto3.client("sns", endpoint_url=server.endpoint, **OPTIONS)
        sqs = boto3.client("sqs", endpoint_url=server.endpoint, **OPTIONS)
        topic = sns.create_topic(Name="events")["TopicArn"]
        url = sqs.create_queue(QueueName="events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"FilterPolicy": json.dumps({"kind": ["bounce"]})},
        )
    finally:
        server.stop()
    db = open_database(tmp_path, fsync=False)
    try:
        now = Clock(db).now()
        kind = {"kind": {"DataType": "String", "StringValue": "bounce"}}
        with db.transaction() as tx:
            message_id = publish(
                tx, now, "000000000000", "us-east-1", topic, "bounced", subject="SES", attributes=kind
            )
            publish(tx, now, "000000000000", "us-east-1", topic, "filtered out")
        with pytest.raises(ServiceError) as excinfo, db.transaction() as tx:
            publish(tx, now, "000000000000", "us-east-1", topic + "-missing", "x")
        assert excinfo.value.code == "NotFound"
    finally:
        db.close()
    server.start()
    try:
        sqs = boto3.client("sqs", endpoint_url=server.endpoint, **OPTIONS)
        [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        envelope = json.loads(message["Body"])
        assert (envelope["MessageId"], envelope["Message"], envelope["Subject"]) == (
            message_id,
            "bounced",
            "SES",
        )
    finally:
        server.stop()
