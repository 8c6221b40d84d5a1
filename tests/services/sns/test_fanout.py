"""Publish fan-out to SQS: filter policies on attributes and on the body, raw and wrapped delivery, FIFO."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _queue(sqs: Any, name: str | None = None, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name or f"q-{uuid.uuid4().hex[:8]}", Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _subscribe(sns: Any, topic: str, queue_arn: str, **attributes: str) -> None:
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)


def _drain(sqs: Any, url: str, **kwargs: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs).get("Messages", [])
        if not got:
            return messages
        messages += got
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
        )


def test_wrapped_message_keeps_every_character_for_each_subscription(sns: Any, sqs: Any, topic: str) -> None:
    urls = []
    for _ in range(2):
        url, arn = _queue(sqs)
        _subscribe(sns, topic, arn)
        urls.append(url)
    text = 'quote " backslash \\ newline \n tab \t é € 😀 </tag> & \u2028'
    attributes = {"note": {"DataType": "String", "StringValue": 'a "b" é'}}
    sns.publish(TopicArn=topic, Message=text, Subject='Sub "ject"', MessageAttributes=attributes)

    envelopes = [json.loads(m["Body"]) for url in urls for m in _drain(sqs, url)]
    assert [e["Message"] for e in envelopes] == [text, text]
    assert [e["Subject"] for e in envelopes] == ['Sub "ject"'] * 2
    assert [e["MessageAttributes"] for e in envelopes] == [
        {"note": {"Type": "String", "Value": 'a "b" é'}}
    ] * 2
    assert envelopes[0]["MessageId"] == envelopes[1]["MessageId"]
    assert envelopes[0]["UnsubscribeURL"] != envelopes[1]["UnsubscribeURL"]


def test_two_queues_with_attribute_and_body_policies_get_exactly_their_messages(
    sns: Any, sqs: Any, topic: str
) -> None:
    by_attribute_url, by_attribute = _queue(sqs)
    by_body_url, by_body = _queue(sqs)
    _subscribe(
        sns,
        topic,
        by_attribute,
        FilterPolicy=json.dumps({"store": ["north"], "price": [{"numeric": [">=", 100]}]}),
    )
    _subscribe(
        sns,
        topic,
        by_body,
        FilterPolicy=json.dumps({"order": {"kind": [{"prefix": "book"}]}}),
        FilterPolicyScope="MessageBody",
        RawMessageDelivery="true",
    )

    def attrs(store: str, price: str) -> dict[str, Any]:
        return {
            "store": {"DataType": "String", "StringValue": store},
            "price": {"DataType": "Number", "StringValue": price},
        }

    sns.publish(
        TopicArn=topic, Message='{"order": {"kind": "bookcase"}}', MessageAttributes=attrs("north", "150")
    )
    sns.publish(TopicArn=topic, Message='{"order": {"kind": "lamp"}}', MessageAttributes=attrs("north", "99"))
    sns.publish(
        TopicArn=topic, Message='{"order": {"kind": "books"}}', MessageAttributes=attrs("south", "500")
    )
    sns.publish(TopicArn=topic, Message="not json", MessageAttributes=attrs("north", "100"), Subject="hello")

    wrapped = [json.loads(m["Body"]) for m in _drain(sqs, by_attribute_url)]
    assert sorted(w["Message"] for w in wrapped) == sorted(['{"order": {"kind": "bookcase"}}', "not json"])
    for envelope in wrapped:
        assert envelope["Type"] == "Notification"
        assert envelope["TopicArn"] == topic
        assert envelope["SignatureVersion"] == "1"
        assert envelope["Signature"] and envelope["SigningCertURL"].endswith(".pem")
        assert envelope["UnsubscribeURL"]
        assert envelope["MessageAttributes"]["store"] == {"Type": "String", "Value": "north"}
    assert [w.get("Subject") for w in wrapped if w["Message"] == "not json"] == ["hello"]

    raw = _drain(sqs, by_body_url, MessageAttributeNames=["All"])
    assert sorted(m["Body"] for m in raw) == [
        '{"order": {"kind": "bookcase"}}',
        '{"order": {"kind": "books"}}',
    ]
    assert raw[0]["MessageAttributes"]["store"]["DataType"] == "String"


def test_unfiltered_subscription_gets_every_message_and_json_structure(
    sns: Any, sqs: Any, topic: str
) -> None:
    url, arn = _queue(sqs)
    _subscribe(sns, topic, arn, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="one")
    sns.publish(
        TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "fallback", "sqs": "for sqs"})
    )
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "only default"}))
    assert sorted(m["Body"] for m in _drain(sqs, url)) == ["for sqs", "one", "only default"]


def test_subscription_dead_letter_queue_takes_what_cannot_be_delivered(
    sns: Any, sqs: Any, topic: str
) -> None:
    gone_url, gone = _queue(sqs)
    dlq_url, dlq = _queue(sqs)
    _subscribe(sns, topic, gone, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq}))
    sqs.delete_queue(QueueUrl=gone_url)
    sns.publish(TopicArn=topic, Message="lost")
    assert [json.loads(m["Body"])["Message"] for m in _drain(sqs, dlq_url)] == ["lost"]


def test_fifo_topic_to_fifo_queue_keeps_order_and_deduplicates(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = _queue(sqs, "orders.fifo", FifoQueue="true")
    _subscribe(sns, topic, arn, RawMessageDelivery="true")
    first = sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="1")
    assert first["SequenceNumber"]
    again = sns.publish(TopicArn=topic, Message="a again", MessageGroupId="g", MessageDeduplicationId="1")
    assert again["MessageId"] == first["MessageId"]
    sns.publish(TopicArn=topic, Message="b", MessageGroupId="g", MessageDeduplicationId="2")
    got = _drain(sqs, url, AttributeNames=["All"])
    assert [m["Body"] for m in got] == ["a", "b"]
    assert got[0]["Attributes"]["MessageGroupId"] == "g"
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="3")
    assert excinfo.value.response["Error"]["Message"] == (
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameter"


def test_fifo_deduplication_window_follows_the_clock(private_sns: Any) -> None:
    sns, sqs, advance = private_sns
    topic = sns.create_topic(
        Name="d.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    url, arn = _queue(sqs, "d.fifo", FifoQueue="true")
    _subscribe(sns, topic, arn, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert len(_drain(sqs, url)) == 1
    advance("6m")
    sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert len(_drain(sqs, url)) == 1


def test_publish_batch(sns: Any, sqs: Any, topic: str) -> None:
    url, arn = _queue(sqs)
    _subscribe(sns, topic, arn, RawMessageDelivery="true")
    result = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "first"},
            {"Id": "b", "Message": ""},
            {"Id": "c", "Message": "third"},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["a", "c"]
    assert result["Failed"] == [
        {
            "Id": "b",
            "Code": "InvalidParameter",
            "Message": "Invalid parameter: Empty message",
            "SenderFault": True,
        }
    ]
    assert sorted(m["Body"] for m in _drain(sqs, url)) == ["first", "third"]
    for entries, code in (
        ([{"Id": "x", "Message": "1"}, {"Id": "x", "Message": "2"}], "BatchEntryIdsNotDistinct"),
        ([{"Id": str(i), "Message": "m"} for i in range(11)], "TooManyEntriesInBatchRequest"),
        ([], "EmptyBatchRequest"),
        ([{"Id": "bad id!", "Message": "m"}], "InvalidBatchEntryId"),
    ):
        with pytest.raises(ClientError) as excinfo:
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        assert excinfo.value.response["Error"]["Code"] == code


def test_publish_validation(sns: Any, topic: str) -> None:
    cases = [
        ({"Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
        ({"Message": "m", "Subject": "two\nlines"}, "InvalidParameter", "Invalid parameter: Subject"),
        ({"Message": "x" * 262145}, "InvalidParameter", "Invalid parameter: Message too long"),
        (
            {"Message": "{}", "MessageStructure": "json"},
            "InvalidParameter",
            "Invalid parameter: Message Structure - No default entry in JSON message body",
        ),
        (
            {"Message": "m", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "abc"}}},
            "ParameterValueInvalid",
            "Could not cast message attribute 'n' value to number.",
        ),
        (
            {"Message": "m", "MessageAttributes": {"s": {"DataType": "Text", "StringValue": "a"}}},
            "ParameterValueInvalid",
            "The message attribute 's' has an invalid message attribute type, the set of supported type "
            "prefixes is Binary, Number, and String.",
        ),
        (
            {"Message": "m", "MessageDeduplicationId": "1"},
            "InvalidParameter",
            "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
            "parameter that is not valid for this topic type",
        ),
    ]
    for kwargs, code, message in cases:
        with pytest.raises(ClientError) as excinfo:
            sns.publish(TopicArn=topic, **kwargs)
        assert (excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]) == (
            code,
            message,
        )
    assert sns.publish(TopicArn=topic, Message="x" * 262144)["MessageId"]


@pytest.mark.parametrize(("scope", "delivered"), [("Topic", ["a"]), ("MessageGroup", ["a", "b"])])
def test_deduplication_scope(sns: Any, sqs: Any, scope: str, delivered: list[str]) -> None:
    attributes = {"FifoTopic": "true", "FifoThroughputScope": scope}
    topic = sns.create_topic(Name=f"s-{scope}.fifo", Attributes=attributes)["TopicArn"]
    # The queue deduplicates too: per group, so that what it receives shows the topic's scope.
    url, arn = _queue(
        sqs,
        f"s-{scope}.fifo",
        FifoQueue="true",
        DeduplicationScope="messageGroup",
        FifoThroughputLimit="perMessageGroupId",
    )
    _subscribe(sns, topic, arn, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="a", MessageGroupId="g1", MessageDeduplicationId="same")
    sns.publish(TopicArn=topic, Message="b", MessageGroupId="g2", MessageDeduplicationId="same")
    assert sorted(m["Body"] for m in _drain(sqs, url)) == delivered


def test_each_publish_sees_the_subscriptions_as_they_are_then(sns: Any, sqs: Any, topic: str) -> None:
    first_url, first = _queue(sqs)
    second_url, second = _queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=first)
    sub = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="one")

    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.publish(TopicArn=topic, Message="two")
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=json.dumps({"keep": ["yes"]})
    )
    sns.publish(TopicArn=topic, Message="three")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=second)
    sns.publish(TopicArn=topic, Message="four")
    sns.unsubscribe(SubscriptionArn=sub)
    sns.publish(
        TopicArn=topic,
        Message="five",
        MessageAttributes={"keep": {"DataType": "String", "StringValue": "yes"}},
    )

    bodies = [m["Body"] for m in _drain(sqs, first_url)]
    assert sorted(json.loads(b)["Message"] if b.startswith("{") else b for b in bodies) == ["one", "two"]
    assert sorted(json.loads(m["Body"])["Message"] for m in _drain(sqs, second_url)) == ["five", "four"]


def test_publish_to_a_topic_deleted_and_made_again(sns: Any, sqs: Any) -> None:
    url, arn = _queue(sqs)
    name = f"t-{uuid.uuid4().hex[:8]}"
    topic = sns.create_topic(Name=name)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="before")
    sns.delete_topic(TopicArn=topic)
    with pytest.raises(ClientError) as error:
        sns.publish(TopicArn=topic, Message="gone")
    assert error.value.response["Error"]["Code"] == "NotFound"
    assert sns.create_topic(Name=name)["TopicArn"] == topic
    sns.publish(TopicArn=topic, Message="no subscribers yet")
    assert [m["Body"] for m in _drain(sqs, url)] == ["before"]
