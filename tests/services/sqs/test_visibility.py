"""Visibility timeouts, dead-letter redrive and move tasks, on fogbank's clock."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CREDENTIALS


def arn_of(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def receive(sqs: Any, url: str, **kwargs: Any) -> list[dict[str, Any]]:
    return sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, **kwargs).get("Messages", [])


def dead_letter_queue(sqs: Any, make_queue: Any) -> tuple[str, str]:
    """A queue that another queue dead-letters to (so move tasks may start from it): (URL, ARN)."""
    dead = make_queue(sqs)
    dead_arn = arn_of(sqs, dead)
    make_queue(sqs, RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}))
    return dead, dead_arn


def move_task_reaching(sqs: Any, source_arn: str, status: str) -> dict[str, Any]:
    """The source's latest move task once the scheduler has taken it to `status`."""
    for _ in range(100):
        task = sqs.list_message_move_tasks(SourceArn=source_arn)["Results"][0]
        if task["Status"] == status:
            return task
        time.sleep(0.05)
    pytest.fail(f"the move task did not reach {status}")


def test_message_reappears_after_its_timeout_not_before(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, VisibilityTimeout="60")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    first = receive(csqs, url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert first[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    advance("50s")
    assert receive(csqs, url) == []
    advance("11s")
    again = receive(csqs, url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert again[0]["MessageId"] == first[0]["MessageId"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["ReceiptHandle"] != first[0]["ReceiptHandle"]
    with pytest.raises(ClientError) as excinfo:
        csqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=5
        )
    assert excinfo.value.response["Error"]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"


def test_receive_visibility_timeout_overrides_the_queues(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, VisibilityTimeout="600")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    receive(csqs, url, VisibilityTimeout=10)
    advance("11s")
    assert len(receive(csqs, url)) == 1


def test_change_message_visibility_extends_and_releases(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, VisibilityTimeout="30")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    handle = receive(csqs, url)[0]["ReceiptHandle"]
    csqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=300)
    advance("60s")
    assert receive(csqs, url) == []
    advance("241s")
    handle = receive(csqs, url)[0]["ReceiptHandle"]
    csqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    handle = receive(csqs, url)[0]["ReceiptHandle"]
    with pytest.raises(ClientError) as excinfo:
        csqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43201)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    advance("6h")  # 6h 5m 1s since the first receive: 5h 54m 59s of the 12 hours are left
    handle = receive(csqs, url)[0]["ReceiptHandle"]
    csqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=21000)
    with pytest.raises(ClientError) as excinfo:
        csqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=21400)
    assert "Total VisibilityTimeout" in excinfo.value.response["Error"]["Message"]


def test_change_message_visibility_batch(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs)
    csqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(2)])
    messages = receive(csqs, url, MaxNumberOfMessages=10)
    result = csqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": 900},
            {"Id": "c", "ReceiptHandle": "junk", "VisibilityTimeout": 0},
        ],
    )
    assert [e["Id"] for e in result["Successful"]] == ["a", "b"]
    assert [(e["Id"], e["Code"]) for e in result["Failed"]] == [("c", "ReceiptHandleIsInvalid")]
    assert [m["Body"] for m in receive(csqs, url, MaxNumberOfMessages=10)] == [messages[0]["Body"]]


def test_retention_expires_messages(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, MessageRetentionPeriod="60")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    advance("61s")
    assert receive(csqs, url) == []
    counts = csqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_dead_letter_after_max_receive_count_and_move_back(csqs: Any, make_queue: Any, advance: Any) -> None:
    dead = make_queue(csqs)
    dead_arn = arn_of(csqs, dead)
    source = make_queue(
        csqs,
        VisibilityTimeout="10",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 2}),
    )
    source_arn = arn_of(csqs, source)
    sent = csqs.send_message(QueueUrl=source, MessageBody="poison")
    for _ in range(2):
        assert [m["MessageId"] for m in receive(csqs, source)] == [sent["MessageId"]]
        advance("11s")
    assert receive(csqs, source) == []  # the third receive would exceed maxReceiveCount: moved instead
    moved = receive(csqs, dead, MessageSystemAttributeNames=["All"])
    assert moved[0]["MessageId"] == sent["MessageId"]
    assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == source_arn
    csqs.change_message_visibility(
        QueueUrl=dead, ReceiptHandle=moved[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    assert csqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"] == [source]

    with pytest.raises(ClientError) as excinfo:
        csqs.start_message_move_task(SourceArn=source_arn)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    handle = csqs.start_message_move_task(SourceArn=dead_arn)["TaskHandle"]
    advance("1s")  # pokes the scheduler
    task = move_task_reaching(csqs, dead_arn, "COMPLETED")
    assert (task["ApproximateNumberOfMessagesMoved"], task["SourceArn"]) == (1, dead_arn)
    back = receive(csqs, source, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert back[0]["Body"] == "poison"
    assert back[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert receive(csqs, dead) == []
    with pytest.raises(ClientError):
        csqs.cancel_message_move_task(TaskHandle=handle)


def test_move_task_to_a_destination_and_cancel(csqs: Any, make_queue: Any, advance: Any) -> None:
    dead, dead_arn = dead_letter_queue(csqs, make_queue)
    target = make_queue(csqs)
    csqs.send_message(QueueUrl=dead, MessageBody="x")
    handle = csqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=arn_of(csqs, target))[
        "TaskHandle"
    ]
    with pytest.raises(ClientError):
        csqs.start_message_move_task(SourceArn=dead_arn)
    cancelled = csqs.cancel_message_move_task(TaskHandle=handle)
    assert cancelled["ApproximateNumberOfMessagesMoved"] == 0
    advance("1s")
    move_task_reaching(csqs, dead_arn, "CANCELLED")
    csqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=arn_of(csqs, target))
    advance("1s")
    for _ in range(100):
        if receive(csqs, target):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the message was not moved to the destination")
    with pytest.raises(ClientError) as excinfo:
        csqs.start_message_move_task(SourceArn=dead_arn + "-missing")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_clock_move_wakes_a_long_poll(csqs: Any, clocked: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, VisibilityTimeout="600")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    first = receive(csqs, url)[0]
    result: dict[str, Any] = {}

    def wait() -> None:
        poller = boto3.client("sqs", endpoint_url=clocked.endpoint, **CREDENTIALS)
        result["messages"] = poller.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)
    advance("601s")
    waiter.join(10)
    assert [m["MessageId"] for m in result["messages"]] == [first["MessageId"]]
