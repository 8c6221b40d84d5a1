"""SubscriptionConfirmation and UnsubscribeConfirmation messages: signed, and sent the subscription's way.

HTTP/HTTPS endpoints get them POSTed (http_delivery.py); email endpoints get the confirmation email AWS
sends, email-json endpoints the JSON message, in the SES mailbox (email_delivery.py). A queue of another
account gets the SubscriptionConfirmation as a message, when its policy lets the topic send to it (its
owner confirms with the token, or by the SubscribeURL).
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from typing import Any

from fogbank.services.sns import signing, urls
from fogbank.state import Transaction

__all__ = ["send"]

_TEXT = {
    "SubscriptionConfirmation": (
        "You have chosen to subscribe to the topic {topic}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message."
    ),
    "UnsubscribeConfirmation": (
        "You have chosen to deactivate subscription {sub}.\n"
        "To cancel this operation and restore the subscription, visit the SubscribeURL included in this "
        "message."
    ),
}


def send(
    tx: Transaction, now: datetime, region: str, topic: dict[str, Any], sub: dict[str, Any], kind: str
) -> None:
    token = sub["Token"] if kind == "SubscriptionConfirmation" else secrets.token_hex(64)
    message: dict[str, Any] = {
        "Type": kind,
        "MessageId": str(uuid.uuid4()),
        "Token": token,
        "TopicArn": topic["TopicArn"],
        "Message": _TEXT[kind].format(topic=topic["TopicArn"], sub=sub["SubscriptionArn"]),
        "SubscribeURL": urls.subscribe_url(topic["TopicArn"], token),
        "Timestamp": signing.timestamp(now),
    }
    version = topic["Attributes"].get("SignatureVersion", "1")
    key = signing.signer(tx, region, now)
    message["SignatureVersion"] = version
    message["Signature"] = key.sign(message, version)
    message["SigningCertURL"] = urls.cert_url(key.cert_id)
    protocol = sub["Protocol"]
    if protocol in ("http", "https"):
        from fogbank.services.sns import http_delivery

        http_delivery.enqueue(tx, topic, sub, kind, message["MessageId"], json.dumps(message), False)
    elif protocol == "sqs" and kind == "SubscriptionConfirmation":
        _to_queue(tx, now, topic, sub, message)
    elif protocol == "email" and kind == "SubscriptionConfirmation":
        from fogbank.services.sns import email_delivery

        email_delivery.send(tx, now, topic, sub, email_delivery.confirmation(topic, message["SubscribeURL"]))
    elif protocol == "email-json" and kind == "SubscriptionConfirmation":
        from fogbank.services.sns import email_delivery

        email_delivery.send(tx, now, topic, sub, email_delivery.json_mail(json.dumps(message, indent=2)))


def _to_queue(
    tx: Transaction, now: datetime, topic: dict[str, Any], sub: dict[str, Any], message: dict[str, Any]
) -> None:
    from fogbank.errors import ServiceError
    from fogbank.services.sns.publish import SNS_SENDER_ID
    from fogbank.services.sns.queue_access import may_send
    from fogbank.services.sqs.deliver import QueueUnavailable, deliver

    queue_arn = sub["Endpoint"]
    if not may_send(tx, topic["TopicArn"], queue_arn):
        return  # AWS's message is refused by the queue: the subscription stays pending
    fifo = queue_arn.endswith(".fifo")
    try:
        deliver(
            tx,
            now,
            queue_arn,
            json.dumps(message),
            group_id=sub["SubscriptionArn"].rsplit(":", 1)[1] if fifo else None,
            dedup_id=message["MessageId"] if fifo else None,
            sender_id=SNS_SENDER_ID,
        )
    except (QueueUnavailable, ServiceError):
        return
