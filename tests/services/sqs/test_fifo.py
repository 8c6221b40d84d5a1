"""FIFO queues: per-group order under concurrency, in-flight group blocking, deduplication by the clock."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import pytest
from botocore.exceptions import ClientError

GROUPS = 10
PER_GROUP = 100
PRODUCERS = 4
CONSUMERS = 4


def test_groups_keep_order_across_producers_and_consumers(client: Any, make_queue: Any) -> None:
    url = make_queue(client("sqs"), fifo=True)
    errors: list[BaseException] = []

    def produce(worker: int) -> None:
        sqs = client("sqs")
        try:
            for group in range(worker, GROUPS, PRODUCERS):
                for start in range(0, PER_GROUP, 10):
                    entries = [
                        {
                            "Id": str(i),
                            "MessageBody": f"{group}:{i}",
                            "MessageGroupId": f"g{group}",
                            "MessageDeduplicationId": f"{group}-{i}",
                        }
                        for i in range(start, start + 10)
                    ]
                    result = sqs.send_message_batch(QueueUrl=url, Entries=entries)
                    assert not result.get("Failed")
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    received: list[tuple[int, int]] = []
    lock = threading.Lock()
    producers_done = threading.Event()

    def consume() -> None:
        sqs = client("sqs")
        try:
            while True:
                with lock:
                    if len(received) >= GROUPS * PER_GROUP:
                        return
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                    "Messages", []
                )
                if not messages:
                    if producers_done.is_set():
                        with lock:
                            if len(received) >= GROUPS * PER_GROUP:
                                return
                    continue
                with lock:  # recorded before deleting: the group's next batch comes only after the delete
                    for message in messages:
                        group, index = message["Body"].split(":")
                        received.append((int(group), int(index)))
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)
                    ],
                )
        except BaseException as error:
            errors.append(error)

    producer_threads = [threading.Thread(target=produce, args=(w,)) for w in range(PRODUCERS)]
    consumer_threads = [threading.Thread(target=consume) for _ in range(CONSUMERS)]
    for thread in producer_threads + consumer_threads:
        thread.start()
    for thread in producer_threads:
        thread.join()
    producers_done.set()
    for thread in consumer_threads:
        thread.join(120)
    assert not errors, errors
    assert len(received) == len(set(received)) == GROUPS * PER_GROUP
    by_group: dict[int, list[int]] = defaultdict(list)
    for group, index in received:
        by_group[group].append(index)
    assert all(indexes == list(range(PER_GROUP)) for indexes in by_group.values())


def test_in_flight_group_blocks_its_later_messages(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True, ContentBasedDeduplication="true")
    for body, group in (("a1", "A"), ("a2", "A"), ("b1", "B")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in first] == ["a1"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in second] == ["b1"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    third = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in third] == ["a2"]


def test_fifo_system_attributes_and_sequence_numbers(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True)
    sent = [
        sqs.send_message(
            QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}"
        )
        for i in range(3)
    ]
    numbers = [s["SequenceNumber"] for s in sent]
    assert numbers == sorted(numbers) and all(len(n) == 20 for n in numbers)
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"], WaitTimeSeconds=0
    )["Messages"]
    assert [m["Body"] for m in messages] == ["m0", "m1", "m2"]
    attributes = messages[0]["Attributes"]
    assert attributes["MessageGroupId"] == "g"
    assert attributes["MessageDeduplicationId"] == "d0"
    assert attributes["SequenceNumber"] == numbers[0]


def test_fifo_send_rules(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert excinfo.value.response["Error"]["Code"] == "MissingParameter"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(
            QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    standard = make_queue(sqs)
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=standard, MessageBody="x", MessageDeduplicationId="d")


def test_duplicates_are_dropped_for_five_minutes(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, fifo=True)
    first = csqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    again = csqs.send_message(QueueUrl=url, MessageBody="y", MessageGroupId="g", MessageDeduplicationId="d")
    assert again["MessageId"] == first["MessageId"]
    advance("4m")
    csqs.send_message(QueueUrl=url, MessageBody="z", MessageGroupId="g", MessageDeduplicationId="d")
    messages = csqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["x"]
    csqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    advance("2m")
    later = csqs.send_message(QueueUrl=url, MessageBody="w", MessageGroupId="g", MessageDeduplicationId="d")
    assert later["MessageId"] != first["MessageId"]
    messages = csqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["w"]


def test_content_based_deduplication(csqs: Any, make_queue: Any, advance: Any) -> None:
    url = make_queue(csqs, fifo=True, ContentBasedDeduplication="true")
    first = csqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    assert (
        csqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="h")["MessageId"]
        == first["MessageId"]
    )
    assert (
        csqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="g")["MessageId"]
        != first["MessageId"]
    )
    advance("6m")
    assert (
        csqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")["MessageId"]
        != first["MessageId"]
    )


def test_deduplication_scope_per_group(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True, DeduplicationScope="messageGroup")
    a = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="a", MessageDeduplicationId="d")
    b = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="b", MessageDeduplicationId="d")
    assert a["MessageId"] != b["MessageId"]


def test_receive_request_attempt_id_returns_the_same_messages(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, fifo=True, ContentBasedDeduplication="true")
    for body in ("one", "two"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    first = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=1, ReceiveRequestAttemptId="attempt-1", WaitTimeSeconds=0
    )["Messages"]
    retried = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=1, ReceiveRequestAttemptId="attempt-1", WaitTimeSeconds=0
    )["Messages"]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in retried] == [
        (m["MessageId"], m["ReceiptHandle"]) for m in first
    ]
    other = sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="attempt-2", WaitTimeSeconds=0)
    assert "Messages" not in other  # the group is in flight
