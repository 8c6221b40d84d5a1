"""HTTP/HTTPS delivery: a POST made after commit through the outbox, with AWS's headers and retries.

A publish (or a subscription's confirmation) enqueues one row per endpoint in its transaction; the
outbox consumer POSTs the JSON body (or the raw message) with x-amz-sns-message-type, -message-id,
-topic-arn, -subscription-arn and Content-Type "text/plain; charset=UTF-8", as AWS does. A 2xx answer
delivers; a connection failure, a 429 or a 5xx raises, so the outbox retries on fogbank's clock (moving
the clock retries sooner); any other answer is a client error, which AWS does not retry.

Each row carries the retries of the subscription's effective delivery policy (delivery_policy.py) as the
outbox's `_max_attempts` and `_delays`. A notification that exhausts them, or that the endpoint refuses
with a client error, goes to the subscription's dead-letter queue (its RedrivePolicy as it is then)
through the give-up job `dead-letter`; without one it is dropped, as AWS drops it.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.sns import delivery_policy, service, store
from fogbank.state import Transaction
from fogbank.state.outbox import GiveUp

__all__ = ["enqueue", "post", "dead_letter", "TOPIC", "TIMEOUT_SECONDS", "DeliveryFailed"]

log = logging.getLogger(__name__)

TOPIC = "sns.http"
# AWS waits 15 seconds; one drainer delivers for every service, so fogbank waits less on a silent endpoint.
TIMEOUT_SECONDS = 5.0


class DeliveryFailed(Exception):
    """The endpoint did not take the message (yet): the outbox tries again later."""


def enqueue(
    tx: Transaction,
    topic: dict[str, Any],
    sub: dict[str, Any],
    kind: str,
    message_id: str,
    body: str,
    raw: bool,
) -> None:
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": "Amazon Simple Notification Service Agent",
        "x-amz-sns-message-type": kind,
        "x-amz-sns-message-id": message_id,
        "x-amz-sns-topic-arn": sub["TopicArn"],
    }
    if kind != "SubscriptionConfirmation":
        headers["x-amz-sns-subscription-arn"] = sub["SubscriptionArn"]
    if raw:
        headers["x-amz-sns-rawdelivery"] = "true"
    retries = delivery_policy.delays(delivery_policy.effective(topic, sub))
    tx.enqueue(
        TOPIC,
        {
            "Url": sub["Endpoint"],
            "Headers": headers,
            "Body": body,
            "_max_attempts": len(retries) + 1,
            "_delays": retries,
        },
    )


@service.job("dead-letter")
def dead_letter(tx: Transaction, payload: dict[str, Any]) -> None:
    """A notification whose retries ran out: into the subscription's dead-letter queue, if it has one."""
    from fogbank.services.sns.publish import SNS_SENDER_ID, dead_letter_arn
    from fogbank.services.sqs.deliver import QueueUnavailable, deliver

    sub_arn = payload["Headers"].get("x-amz-sns-subscription-arn")
    if payload["Headers"]["x-amz-sns-message-type"] != "Notification" or sub_arn is None:
        return
    region, account, key = store.sub_key(sub_arn)
    sub = tx.get_doc(store.SERVICE, store.SUB, account, region, key)
    target = dead_letter_arn(sub) if sub is not None else None
    if target is None:
        log.warning("SNS dropped message %s for %s", payload["Headers"]["x-amz-sns-message-id"], sub_arn)
        return
    try:
        deliver(
            tx,
            datetime.fromtimestamp(payload["_failed_at"], UTC),
            target,
            payload["Body"],
            sender_id=SNS_SENDER_ID,
        )
    except (QueueUnavailable, ServiceError) as error:
        log.warning("SNS dead-letter queue %s of %s refused message: %r", target, sub_arn, error)


@service.consumer(TOPIC, give_up="dead-letter")
def post(payload: dict[str, Any]) -> None:
    import ssl

    request = urllib.request.Request(
        payload["Url"], data=payload["Body"].encode(), headers=payload["Headers"], method="POST"
    )
    # Endpoints on a developer's machine often serve self-signed certificates; AWS would refuse those,
    # fogbank delivers to them.
    context = None
    if payload["Url"].startswith("https:"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS, context=context) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code == 429 or error.code >= 500:
            raise DeliveryFailed(f"{payload['Url']} answered {error.code}") from None
        raise GiveUp(f"{payload['Url']} refused the delivery with {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(f"{payload['Url']}: {error}") from None
