"""The SQS and SNS workloads: standard queues, 1 KiB bodies, and SNS delivery to an SQS queue.

Each setup makes one call of its operation and checks what it did, so a server that refuses the
operation (or, for SNS, never delivers) makes the workload n/a there instead of timing its errors.
"""

from __future__ import annotations

import json
import threading
import time

from bench.workloads import Client, ClientFactory, Drained, Op, workload

__all__: list[str] = []

_BODY = "m" * 1024
# Some servers take longer to send and receive the deeper the queue is, so the workloads that leave their
# messages in the queue are capped: with the default warm-up it ends at about 1,100 messages.
_QUEUE_MAX_OPS = 500
_STEADY_DEPTH = 100
_DELIVERY_TIMEOUT_SECONDS = 60.0
_POLL_SECONDS = 0.05


@workload("sqs_send_message", service="sqs", max_ops=_QUEUE_MAX_OPS)
def sqs_send_message(make_client: ClientFactory) -> Op:
    """SQS SendMessage of a 1 KiB body to a standard queue (which grows by each message)."""
    sqs = make_client("sqs")
    queue = sqs.create_queue(QueueName="bench-send")["QueueUrl"]

    def op(client: Client) -> object:
        return client.send_message(QueueUrl=queue, MessageBody=_BODY)

    op(sqs)
    return op


@workload("sqs_receive_delete_10", service="sqs", max_ops=300)
def sqs_receive_delete_10(make_client: ClientFactory) -> Op:
    """SQS ReceiveMessage of 10 + DeleteMessageBatch of them + SendMessageBatch of 10 to refill: one op.

    The refill keeps the queue at a steady 100 messages (1 KiB bodies) so that every receive finds 10
    and no server is timed on a queue deeper than another's. Nothing is subtracted: latency and CPU per
    op cover all three calls.
    """
    sqs = make_client("sqs")
    queue = sqs.create_queue(QueueName="bench-receive")["QueueUrl"]
    batch = [{"Id": str(n), "MessageBody": _BODY} for n in range(10)]
    for _ in range(_STEADY_DEPTH // 10):
        sqs.send_message_batch(QueueUrl=queue, Entries=batch)

    def op(client: Client) -> int:
        received = client.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if received:
            entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)]
            client.delete_message_batch(QueueUrl=queue, Entries=entries)
        client.send_message_batch(QueueUrl=queue, Entries=batch)
        return len(received)

    got = op(sqs)
    if got != 10:
        raise RuntimeError(f"ReceiveMessage returned {got} messages from a queue of {_STEADY_DEPTH}, not 10")
    return op


def _queue_depth(sqs: Client, queue: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


@workload("sns_publish_to_sqs", service="sns", max_ops=_QUEUE_MAX_OPS)
def sns_publish_to_sqs(make_client: ClientFactory) -> Drained:
    """SNS Publish (1 KiB) to a topic with one SQS subscription; CPU includes the delivery.

    An op is done when Publish answers. fogbank delivers before it answers; a peer may deliver later,
    so before reading the server's CPU time the harness waits until the queue holds every message
    published, and the CPU figure covers the delivery on every server (latency does not).
    """
    sns, sqs = make_client("sns"), make_client("sqs")
    topic = sns.create_topic(Name="bench-topic")["TopicArn"]
    queue = sqs.create_queue(QueueName="bench-sns-target")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    queue_arn = attributes["QueueArn"]
    # What AWS requires of a queue before SNS may send to it.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    published, lock = [0], threading.Lock()

    def publish(client: Client) -> object:
        answer = client.publish(TopicArn=topic, Message=_BODY)
        with lock:
            published[0] += 1
        return answer

    def wait() -> None:
        deadline = time.monotonic() + _DELIVERY_TIMEOUT_SECONDS
        while (depth := _queue_depth(sqs, queue)) < published[0]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{depth} of {published[0]} published messages reached the queue")
            time.sleep(_POLL_SECONDS)

    publish(sns)
    wait()
    return Drained(publish, wait)
