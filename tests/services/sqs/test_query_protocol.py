"""SQS's query protocol, as SDKs before boto3 1.34 (and Java v1, boto2...) speak it: signed form POSTs."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.services.sqs.conftest import unique
from tests.services.sqs.query_helpers import NS, query


def text(element: Any, path: str) -> str:
    found = element.find(".//" + "/".join(NS + part for part in path.split("/")))
    assert found is not None, path
    return found.text or ""


def test_queue_lifecycle_over_query(server: Any, sqs: Any) -> None:
    name = unique()
    status, xml = query(
        server.endpoint,
        "CreateQueue",
        {
            "QueueName": name,
            "Attribute.1.Name": "VisibilityTimeout",
            "Attribute.1.Value": "45",
            "Tag.1.Key": "team",
            "Tag.1.Value": "blue",
        },
    )
    assert status == 200 and xml.tag == NS + "CreateQueueResponse"
    url = text(xml, "CreateQueueResult/QueueUrl")
    assert url.endswith(f"/000000000000/{name}")
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "blue"}
    status, xml = query(url, "GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "All"})
    pairs = {
        a.find(NS + "Name").text: a.find(NS + "Value").text
        for a in xml.iter(NS + "Attribute")  # type: ignore[union-attr]
    }
    assert pairs["VisibilityTimeout"] == "45" and pairs["QueueArn"].endswith(name)
    status, xml = query(server.endpoint, "ListQueues", {"QueueNamePrefix": name})
    assert [e.text for e in xml.iter(NS + "QueueUrl")] == [url]
    status, xml = query(url, "ListQueueTags", {"QueueUrl": url})
    assert text(xml, "ListQueueTagsResult/Tag/Key") == "team"
    status, xml = query(url, "DeleteQueue", {"QueueUrl": url})
    assert status == 200


def test_messages_over_query(server: Any, sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    status, xml = query(
        url,
        "SendMessage",
        {
            "QueueUrl": url,
            "MessageBody": "hello",
            "MessageAttribute.1.Name": "color",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "red",
        },
    )
    assert status == 200
    assert text(xml, "SendMessageResult/MD5OfMessageBody") == hashlib.md5(b"hello").hexdigest()
    message_id = text(xml, "SendMessageResult/MessageId")
    status, xml = query(
        url,
        "SendMessageBatch",
        {
            "QueueUrl": url,
            "SendMessageBatchRequestEntry.1.Id": "a",
            "SendMessageBatchRequestEntry.1.MessageBody": "second",
            "SendMessageBatchRequestEntry.2.Id": "b",
            "SendMessageBatchRequestEntry.2.MessageBody": "bad \x01",
        },
    )
    assert text(xml, "SendMessageBatchResult/SendMessageBatchResultEntry/Id") == "a"
    assert text(xml, "SendMessageBatchResult/BatchResultErrorEntry/Code") == "InvalidMessageContents"
    status, xml = query(
        url,
        "ReceiveMessage",
        {
            "QueueUrl": url,
            "MaxNumberOfMessages": "10",
            "AttributeName.1": "SentTimestamp",
            "MessageAttributeName.1": "All",
        },
    )
    messages = list(xml.iter(NS + "Message"))
    assert len(messages) == 2
    first = next(m for m in messages if m.find(NS + "MessageId").text == message_id)  # type: ignore[union-attr]
    assert text(first, "Attribute/Name") == "SentTimestamp"
    assert text(first, "MessageAttribute/Name") == "color"
    assert text(first, "MessageAttribute/Value/StringValue") == "red"
    assert text(first, "MessageAttribute/Value/DataType") == "String"
    handles = [m.find(NS + "ReceiptHandle").text for m in messages]  # type: ignore[union-attr]
    status, xml = query(
        url,
        "DeleteMessageBatch",
        {
            "QueueUrl": url,
            "DeleteMessageBatchRequestEntry.1.Id": "x",
            "DeleteMessageBatchRequestEntry.1.ReceiptHandle": handles[0],
            "DeleteMessageBatchRequestEntry.2.Id": "y",
            "DeleteMessageBatchRequestEntry.2.ReceiptHandle": handles[1],
        },
    )
    assert [e.text for e in xml.iter(NS + "Id")] == ["x", "y"]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_queue_url_as_the_path_only(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    status, xml = query(url, "SendMessage", {"MessageBody": "by path"})
    assert status == 200
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"][0]["Body"] == "by path"


def test_errors_over_query(server: Any) -> None:
    status, xml = query(server.endpoint, "GetQueueUrl", {"QueueName": unique()})
    assert status == 400 and xml.tag == NS + "ErrorResponse"
    assert text(xml, "Error/Type") == "Sender"
    assert text(xml, "Error/Code") == "AWS.SimpleQueueService.NonExistentQueue"
    assert text(xml, "Error/Message") == "The specified queue does not exist."
    status, xml = query(server.endpoint, "CreateQueue", {"QueueName": "bad name"})
    assert status == 400 and text(xml, "Error/Code") == "InvalidParameterValue"
