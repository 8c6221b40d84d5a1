"""Messages on standard queues: send, receive, delete, batches, attributes and their MD5 digests."""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import pytest
from botocore.exceptions import ClientError


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str:
    """AWS's documented algorithm, written out independently of fogbank's."""
    buffer = b""
    for name in sorted(attributes):
        value = attributes[name]
        for part in (name, value["DataType"]):
            data = part.encode()
            buffer += struct.pack("!I", len(data)) + data
        if "StringValue" in value:
            data = value["StringValue"].encode()
            buffer += bytes([1]) + struct.pack("!I", len(data)) + data
        else:
            data = value["BinaryValue"]
            buffer += bytes([2]) + struct.pack("!I", len(data)) + data
    return hashlib.md5(buffer).hexdigest()


ATTRIBUTES = {
    "city": {"DataType": "String", "StringValue": "Zürich"},
    "count": {"DataType": "Number", "StringValue": "-12.5e3"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xffdata"},
    "custom": {"DataType": "String.custom-type", "StringValue": "x"},
    "img": {"DataType": "Binary.png", "BinaryValue": b"\x89PNG"},
}


def test_send_receive_delete_with_digests(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    body = "héllo wörld \U0001f600"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes=ATTRIBUTES,
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}},
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}}
    )
    received = sqs.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"], WaitTimeSeconds=0
    )["Messages"]
    assert len(received) == 1
    message = received[0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == body
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    system = message["Attributes"]
    assert system["SenderId"] == "000000000000"
    assert system["ApproximateReceiveCount"] == "1"
    assert system["AWSTraceHeader"] == "Root=1-abc"
    assert int(system["ApproximateFirstReceiveTimestamp"]) >= int(system["SentTimestamp"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # gone already: still fine
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_message_attribute_names_select(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    attributes = {
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.total": {"DataType": "Number", "StringValue": "9"},
        "user": {"DataType": "String", "StringValue": "u"},
    }
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attributes)
    for names, expected in (
        (["order.*"], {"order.id", "order.total"}),
        (["user"], {"user"}),
        ([".*"], set(attributes)),
        (["All"], set(attributes)),
    ):
        message = sqs.receive_message(
            QueueUrl=url, MessageAttributeNames=names, VisibilityTimeout=0, WaitTimeSeconds=0
        )["Messages"][0]
        assert set(message["MessageAttributes"]) == expected
        returned = message["MessageAttributes"]
        assert message["MD5OfMessageAttributes"] == md5_of_attributes(returned)
    message = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, WaitTimeSeconds=0)["Messages"][0]
    assert "MessageAttributes" not in message
    assert message["MD5OfMessageAttributes"] == md5_of_attributes(attributes)
    assert "Attributes" not in message


def test_system_attribute_names_select(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    message = sqs.receive_message(
        QueueUrl=url,
        AttributeNames=["SentTimestamp"],
        MessageSystemAttributeNames=["ApproximateReceiveCount"],
        WaitTimeSeconds=0,
    )["Messages"][0]
    assert set(message["Attributes"]) == {"SentTimestamp", "ApproximateReceiveCount"}


@pytest.mark.parametrize("body", ["bad \x00 char", "bell \x07", "\ufffe"])
def test_invalid_characters_are_refused(sqs: Any, make_queue: Any, body: str) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert excinfo.value.response["Error"]["Code"] == "InvalidMessageContents"


def test_size_limit_is_the_queues_maximum(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1048576)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1048577)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    small = make_queue(sqs, MaximumMessageSize="1024")
    with pytest.raises(ClientError):
        sqs.send_message(
            QueueUrl=small,
            MessageBody="x" * 1000,
            MessageAttributes={"a": {"DataType": "String", "StringValue": "y" * 100}},
        )


def test_message_operations_see_the_queue_as_it_is_now(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 2000)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1024"})
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 2000)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert len(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]) == 1
    sqs.delete_queue(QueueUrl=url)
    for call in (
        lambda: sqs.send_message(QueueUrl=url, MessageBody="gone"),
        lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert excinfo.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


@pytest.mark.parametrize(
    "attributes",
    [
        {"": {"DataType": "String", "StringValue": "x"}},
        {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
        {"a..b": {"DataType": "String", "StringValue": "x"}},
        {"a": {"DataType": "Strung", "StringValue": "x"}},
        {"a": {"DataType": "Number", "StringValue": "twelve"}},
        {"a": {"DataType": "String", "StringValue": ""}},
        {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
    ],
)
def test_invalid_message_attributes(sqs: Any, make_queue: Any, attributes: dict[str, Any]) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attributes)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_batch_send_reports_failures_per_entry(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "MessageBody": "one", "MessageAttributes": ATTRIBUTES},
            {"Id": "bad", "MessageBody": "nul \x00"},
            {"Id": "late", "MessageBody": "two", "DelaySeconds": 901},
        ],
    )
    assert [e["Id"] for e in result["Successful"]] == ["ok"]
    assert result["Successful"][0]["MD5OfMessageAttributes"] == md5_of_attributes(ATTRIBUTES)
    failed = {e["Id"]: e for e in result["Failed"]}
    assert failed["bad"]["Code"] == "InvalidMessageContents" and failed["bad"]["SenderFault"] is True
    assert failed["late"]["Code"] == "InvalidParameterValue"
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "1"


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            [{"Id": f"e{i}", "MessageBody": "x"} for i in range(11)],
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        (
            [{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}],
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        ),
        ([{"Id": "bad id!", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        (
            [{"Id": f"e{i}", "MessageBody": "x" * 200000} for i in range(6)],
            "AWS.SimpleQueueService.BatchRequestTooLong",
        ),
    ],
)
def test_batch_request_errors(sqs: Any, make_queue: Any, entries: list[dict[str, Any]], code: str) -> None:
    url = make_queue(sqs)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert excinfo.value.response["Error"]["Code"] == code
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]) or (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
        == "0"
    )


def test_receive_many_and_delete_batch(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert sorted(m["Body"] for m in messages) == sorted(f"m{i}" for i in range(10))
    messages = messages[:9]
    result = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        + [{"Id": "junk", "ReceiptHandle": "not-a-handle"}],
    )
    assert len(result["Successful"]) == 9
    assert result["Failed"] == [
        {
            "Id": "junk",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "not-a-handle" is not a valid receipt handle.',
        }
    ]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_receive_parameter_ranges(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    for kwargs in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0}, {"WaitTimeSeconds": 21}):
        with pytest.raises(ClientError) as excinfo:
            sqs.receive_message(QueueUrl=url, **kwargs)
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_invalid_receipt_handles(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    other = make_queue(sqs)
    sqs.send_message(QueueUrl=other, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=other, WaitTimeSeconds=0)["Messages"][0]["ReceiptHandle"]
    for bad in ("garbage", handle):
        with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=bad)


def test_delay_seconds_per_queue_and_message(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, DelaySeconds="600")
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["now"]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesDelayed"] == "1"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
