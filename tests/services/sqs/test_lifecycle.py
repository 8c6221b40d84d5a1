"""What time does to queued messages and handles: retention changes, FIFO handle expiry, forgotten
receive-attempt ids, and move tasks that leave in-flight messages alone."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CREDENTIALS
from tests.server import FogbankServer
from tests.services.sqs.test_visibility import arn_of, dead_letter_queue, move_task_reaching, receive


def count(sqs: Any, url: str, name: str = "ApproximateNumberOfMessages") -> int:
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"][name])


def test_a_shorter_retention_expires_messages_already_queued(
    csqs: Any, make_queue: Any, advance: Any
) -> None:
    url = make_queue(csqs)
    csqs.send_message(QueueUrl=url, MessageBody="old")
    advance("120s")
    csqs.send_message(QueueUrl=url, MessageBody="new")
    csqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "60"})
    assert count(csqs, url) == 1
    assert [m["Body"] for m in receive(csqs, url, MaxNumberOfMessages=10)] == ["new"]


def test_a_longer_retention_keeps_messages_already_queued(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, MessageRetentionPeriod="60")
    csqs.send_message(QueueUrl=url, MessageBody="kept")
    csqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "3600"})
    advance("120s")
    assert [m["Body"] for m in receive(csqs, url)] == ["kept"]


def test_fifo_handle_expires_with_its_visibility_timeout(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, fifo=True, VisibilityTimeout="10")
    csqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    first = receive(csqs, url)[0]["ReceiptHandle"]
    advance("11s")
    with pytest.raises(ClientError) as excinfo:
        csqs.delete_message(QueueUrl=url, ReceiptHandle=first)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert (
        error["Message"]
        == f"Value {first} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
    )
    second = receive(csqs, url)[0]["ReceiptHandle"]
    result = csqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "old", "ReceiptHandle": first}])
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in result["Failed"]] == [
        ("old", "InvalidParameterValue", True)
    ]
    assert count(csqs, url, "ApproximateNumberOfMessagesNotVisible") == 1
    csqs.delete_message(QueueUrl=url, ReceiptHandle=second)
    csqs.delete_message(QueueUrl=url, ReceiptHandle=second)  # already gone: still a success
    assert count(csqs, url, "ApproximateNumberOfMessagesNotVisible") == 0


def test_standard_queue_deletes_by_an_older_handle(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, VisibilityTimeout="10")
    csqs.send_message(QueueUrl=url, MessageBody="x")
    first = receive(csqs, url)[0]["ReceiptHandle"]
    advance("11s")
    assert receive(csqs, url)
    csqs.delete_message(QueueUrl=url, ReceiptHandle=first)
    assert count(csqs, url, "ApproximateNumberOfMessagesNotVisible") == 0


def test_move_task_leaves_in_flight_messages(csqs: Any, make_queue: Any, advance: Any) -> None:
    dead, dead_arn = dead_letter_queue(csqs, make_queue)
    target = make_queue(csqs)
    csqs.send_message(QueueUrl=dead, MessageBody="held")
    held = receive(csqs, dead, VisibilityTimeout=600)
    csqs.send_message(QueueUrl=dead, MessageBody="free")
    csqs.start_message_move_task(SourceArn=dead_arn, DestinationArn=arn_of(csqs, target))
    advance("1s")
    task = move_task_reaching(csqs, dead_arn, "COMPLETED")
    assert (task["ApproximateNumberOfMessagesToMove"], task["ApproximateNumberOfMessagesMoved"]) == (1, 1)
    assert [m["Body"] for m in receive(csqs, target, MaxNumberOfMessages=10)] == ["free"]
    assert count(csqs, dead, "ApproximateNumberOfMessagesNotVisible") == 1
    csqs.delete_message(QueueUrl=dead, ReceiptHandle=held[0]["ReceiptHandle"])


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FogbankServer]:
    """A private server whose state is a file this test can read."""
    server = FogbankServer(tls_port=False, data_dir=tmp_path_factory.mktemp("sqs-state")).start()
    yield server
    server.stop()


def _attempt_docs(data_dir: Path) -> int:
    (database,) = data_dir.rglob("*.db") or data_dir.rglob("*.sqlite*")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (found,) = connection.execute(
            "SELECT COUNT(*) FROM docs WHERE service = 'sqs' AND kind = 'receive-attempt'"
        ).fetchone()
    return int(found)


def test_receive_attempt_ids_are_forgotten_after_five_minutes(on_disk: FogbankServer) -> None:
    sqs = boto3.client("sqs", endpoint_url=on_disk.endpoint, **CREDENTIALS)
    url = sqs.create_queue(QueueName="attempts.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="attempt-1", WaitTimeSeconds=0)
    assert on_disk.data_dir is not None
    assert _attempt_docs(on_disk.data_dir) == 1
    request = urllib.request.Request(
        on_disk.endpoint + "/_fogbank/clock", data=json.dumps({"advance": "301s"}).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        response.read()
    for _ in range(100):
        if _attempt_docs(on_disk.data_dir) == 0:
            break
        time.sleep(0.05)
    assert _attempt_docs(on_disk.data_dir) == 0
