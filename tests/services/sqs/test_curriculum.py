"""The curriculum's SQS, as a learner meets it: a queue that decouples a producer from a worker
(Elastic Beanstalk's worker tier "pulls data from an SQS queue"), through the AWS CLI unchanged (SQS's
JSON protocol), and the same queue worked by an older SDK speaking the query protocol."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.services.sqs.cli_helpers import Aws, aws_cli, needs_cli  # noqa: F401  (aws_cli: the `aws` fixture)
from tests.services.sqs.query_helpers import NS, query

pytestmark = needs_cli


def cli(aws: Aws, *args: str) -> Any:
    return aws("sqs", *args)


def test_producer_and_worker_through_the_cli(aws: Aws) -> None:
    name = f"jobs-{uuid.uuid4().hex[:8]}"
    url = cli(aws, "create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=30")["QueueUrl"]
    assert cli(aws, "get-queue-url", "--queue-name", name)["QueueUrl"] == url
    assert url in cli(aws, "list-queues", "--queue-name-prefix", name)["QueueUrls"]

    sent = cli(
        aws,
        "send-message",
        "--queue-url",
        url,
        "--message-body",
        '{"job": "resize", "image": "cat.png"}',
        "--message-attributes",
        '{"Priority": {"DataType": "Number", "StringValue": "1"}}',
    )
    assert sent["MD5OfMessageBody"] and sent["MD5OfMessageAttributes"]
    batch = cli(
        aws,
        "send-message-batch",
        "--queue-url",
        url,
        "--entries",
        json.dumps([{"Id": f"e{i}", "MessageBody": f"job {i}"} for i in range(3)]),
    )
    assert sorted(entry["Id"] for entry in batch["Successful"]) == ["e0", "e1", "e2"]
    depth = cli(aws, "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
    assert depth["ApproximateNumberOfMessages"] == "4"
    assert depth["VisibilityTimeout"] == "30"

    # The worker: long-poll, process, delete; what it holds is invisible to other workers meanwhile.
    bodies = []
    while len(bodies) < 4:
        got = cli(
            aws,
            "receive-message",
            "--queue-url",
            url,
            "--max-number-of-messages",
            "10",
            "--wait-time-seconds",
            "1",
            "--attribute-names",
            "All",
            "--message-attribute-names",
            "All",
        )
        for message in got["Messages"]:
            assert message["Attributes"]["ApproximateReceiveCount"] == "1"
            bodies.append(message["Body"])
            if message["MessageId"] == sent["MessageId"]:
                assert message["MessageAttributes"]["Priority"]["StringValue"] == "1"
            cli(aws, "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"])
    assert sorted(bodies) == sorted(['{"job": "resize", "image": "cat.png"}', "job 0", "job 1", "job 2"])
    assert cli(aws, "receive-message", "--queue-url", url) is None  # empty: the CLI prints nothing
    cli(aws, "delete-queue", "--queue-url", url)


def test_fifo_queue_through_the_cli(aws: Aws) -> None:
    url = cli(
        aws,
        "create-queue",
        "--queue-name",
        f"orders-{uuid.uuid4().hex[:8]}.fifo",
        "--attributes",
        "FifoQueue=true,ContentBasedDeduplication=true",
    )["QueueUrl"]
    for step in ("placed", "paid", "placed"):  # the second "placed" is a duplicate: dropped
        cli(aws, "send-message", "--queue-url", url, "--message-body", step, "--message-group-id", "order-1")
    got = cli(aws, "receive-message", "--queue-url", url, "--max-number-of-messages", "10")["Messages"]
    assert [m["Body"] for m in got] == ["placed", "paid"]
    entries = [{"Id": f"m{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
    deleted = cli(aws, "delete-message-batch", "--queue-url", url, "--entries", json.dumps(entries))
    assert len(deleted["Successful"]) == 2


def test_cli_producer_and_query_protocol_worker(aws: Aws, server: Any) -> None:
    """A worker on an SDK from before SQS spoke JSON consumes what the CLI produced, and back."""
    name = f"worker-{uuid.uuid4().hex[:8]}"
    url = cli(aws, "create-queue", "--queue-name", name)["QueueUrl"]
    cli(aws, "send-message", "--queue-url", url, "--message-body", "from the cli")

    status, found = query(server.endpoint, "GetQueueUrl", {"QueueName": name})
    assert status == 200
    assert found.findtext(f".//{NS}QueueUrl") == url
    status, received = query(url, "ReceiveMessage", {"WaitTimeSeconds": "1", "MaxNumberOfMessages": "10"})
    assert status == 200
    assert [m.findtext(f"{NS}Body") for m in received.iter(f"{NS}Message")] == ["from the cli"]
    handle = received.findtext(f".//{NS}ReceiptHandle")
    assert handle
    status, _ = query(url, "DeleteMessage", {"ReceiptHandle": handle})
    assert status == 200
    status, _ = query(url, "SendMessage", {"MessageBody": "from the worker"})
    assert status == 200

    back = cli(aws, "receive-message", "--queue-url", url)["Messages"]
    assert [m["Body"] for m in back] == ["from the worker"]
