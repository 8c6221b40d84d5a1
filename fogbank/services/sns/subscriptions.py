"""Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, the two listings and the attributes.

SQS, Lambda, Firehose, SMS and application subscriptions are confirmed at once. HTTP/HTTPS and email
subscriptions stay pending until ConfirmSubscription with the token they were sent (a
SubscriptionConfirmation POSTed through the outbox, or an email in the SES mailbox); their SubscribeURL
is a route of fogbank's own (routes.py). A token stays good for three days, as AWS's do.
Subscribing the same endpoint to a topic again answers the existing subscription (refused when the
attributes differ).
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import delivery_policy, filter_policy, service, store, urls
from fogbank.state import Transaction

__all__ = ["confirm", "unsubscribe", "PROTOCOLS", "TOKEN_SECONDS"]

PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")
_CONFIRMED_AT_ONCE = frozenset({"sqs", "lambda", "firehose", "sms", "application"})
TOKEN_SECONDS = 3 * 86400
_SETTABLE = frozenset(
    {
        "DeliveryPolicy",
        "FilterPolicy",
        "FilterPolicyScope",
        "RawMessageDelivery",
        "RedrivePolicy",
        "SubscriptionRoleArn",
        "ReplayPolicy",
    }
)
_RAW_PROTOCOLS = frozenset({"sqs", "http", "https", "firehose"})
_ENDPOINTS = {
    "sqs": (re.compile(r"^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+$"), "SQS endpoint ARN"),
    "lambda": (re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w.:-]+$"), "Lambda endpoint ARN"),
    "firehose": (
        re.compile(r"^arn:aws[\w-]*:firehose:[\w-]+:\d{12}:deliverystream/[\w.-]+$"),
        "Firehose endpoint ARN",
    ),
    "application": (re.compile(r"^arn:aws[\w-]*:sns:[\w-]+:\d{12}:endpoint/.+$"), "Application endpoint ARN"),
    "email": (re.compile(r"^[^@\s]+@[^@\s]+$"), "Email address"),
    "email-json": (re.compile(r"^[^@\s]+@[^@\s]+$"), "Email address"),
    "sms": (re.compile(r"^\+?[0-9][0-9 ()-]{1,20}$"), "Invalid SMS endpoint"),
    "http": (re.compile(r"^http://\S+$"), "Endpoint must match the specified protocol"),
    "https": (re.compile(r"^https://\S+$"), "Endpoint must match the specified protocol"),
}


def check_attribute(name: str, value: str, protocol: str) -> str:
    """Refuse a subscription attribute as AWS does; return the value to keep."""
    if name not in _SETTABLE:
        raise store.invalid("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise store.invalid(
                "Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false."
            )
        if protocol not in _RAW_PROTOCOLS and value.lower() == "true":
            raise store.invalid(
                f"Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery."
            )
        return value.lower()
    if name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
        raise store.invalid(
            f"FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes"
        )
    if name == "RedrivePolicy" and value:
        try:
            policy = json.loads(value)
        except ValueError:
            policy = None
        if not isinstance(policy, dict) or "deadLetterTargetArn" not in policy:
            raise store.invalid("RedrivePolicy: Invalid RedrivePolicy syntax")
        if not _ENDPOINTS["sqs"][0].match(str(policy["deadLetterTargetArn"])):
            raise store.invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    if name == "DeliveryPolicy" and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise store.invalid("DeliveryPolicy: failed to parse JSON")
        delivery_policy.check_subscription_policy(value)
    return value


def _check_filter(attributes: dict[str, str]) -> None:
    policy = attributes.get("FilterPolicy")
    if policy:
        filter_policy.validate(policy, attributes.get("FilterPolicyScope", "MessageAttributes"))


@service.handler("Subscribe")
def subscribe(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    urls.remember(ctx)
    tx = ctx.tx
    assert tx is not None
    protocol = request["Protocol"]
    endpoint = request.get("Endpoint") or ""
    if protocol not in PROTOCOLS:
        raise store.invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    topic = store.topic_of(tx, request["TopicArn"])
    pattern, what = _ENDPOINTS[protocol]
    if not pattern.match(endpoint):
        raise store.invalid(what)
    if topic.get("Fifo") and protocol != "sqs":
        raise store.invalid(f"Invalid protocol type: {protocol}")
    if protocol == "sqs" and endpoint.endswith(".fifo") and not topic.get("Fifo"):
        raise store.invalid(
            "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
        )
    attributes = {k: check_attribute(k, v, protocol) for k, v in (request.get("Attributes") or {}).items()}
    if protocol == "firehose" and "SubscriptionRoleArn" not in attributes:
        raise store.invalid("Invalid parameter: SubscriptionRoleArn")
    _check_filter(attributes)
    region, account, topic_name = store.parse_topic_arn(topic["TopicArn"])
    for _, existing in tx.list_docs(store.SERVICE, store.SUB, account, region, prefix=topic_name + ":"):
        if existing["Protocol"] == protocol and existing["Endpoint"] == endpoint:
            if any(existing["Attributes"].get(k) != v for k, v in attributes.items()):
                raise store.invalid(
                    "Attributes Reason: Subscription already exists with different attributes"
                )
            return {"SubscriptionArn": _shown_arn(existing, request.get("ReturnSubscriptionArn"))}
    now = ctx.clock.now()
    sub_id = str(uuid.uuid4())
    sub = {
        "SubscriptionArn": f"{topic['TopicArn']}:{sub_id}",
        "TopicArn": topic["TopicArn"],
        "Protocol": protocol,
        "Endpoint": endpoint,
        "Owner": ctx.account,
        "Principal": ctx.principal.arn if ctx.principal else f"arn:aws:iam::{ctx.account}:root",
        "Attributes": attributes,
        "Pending": protocol not in _CONFIRMED_AT_ONCE or _queue_of_another_account(protocol, endpoint, ctx),
    }
    if sub["Pending"]:
        sub["Token"] = secrets.token_hex(64)
        sub["TokenExpires"] = now.timestamp() + TOKEN_SECONDS
        _send_confirmation(tx, now, region, topic, sub)
    tx.put_doc(store.SERVICE, store.SUB, account, region, f"{topic_name}:{sub_id}", sub)
    store.index_owned(tx, sub)
    store.written(tx)
    return {"SubscriptionArn": _shown_arn(sub, request.get("ReturnSubscriptionArn"))}


def _queue_of_another_account(protocol: str, endpoint: str, ctx: Context) -> bool:
    """An SQS subscription needs confirming by the queue's owner unless the queue's owner made it."""
    return protocol == "sqs" and endpoint.split(":")[4] != ctx.account


def _shown_arn(sub: dict[str, Any], return_arn: bool | None) -> str:
    return "pending confirmation" if sub.get("Pending") and not return_arn else sub["SubscriptionArn"]


def _send_confirmation(
    tx: Transaction, now: datetime, region: str, topic: dict[str, Any], sub: dict[str, Any]
) -> None:
    from fogbank.services.sns import confirmations

    confirmations.send(tx, now, region, topic, sub, "SubscriptionConfirmation")


def confirm(
    tx: Transaction, now: datetime, topic_arn: str, token: str, *, authenticated: bool = False
) -> str:
    """Confirm the topic's subscription that was sent `token`; return its ARN.

    `authenticated` (ConfirmSubscription's AuthenticateOnUnsubscribe) makes Unsubscribe need a signed
    request from the subscription's owner or the topic's.
    """
    topic = store.topic_of(tx, topic_arn)
    region, account, topic_name = store.parse_topic_arn(topic["TopicArn"])
    for key, sub in tx.list_docs(store.SERVICE, store.SUB, account, region, prefix=topic_name + ":"):
        if sub.get("Token") == token:
            if sub.get("Pending"):
                if sub["TokenExpires"] < now.timestamp():
                    break
                sub["Pending"] = False
                sub["Authenticated"] = authenticated
                tx.put_doc(store.SERVICE, store.SUB, account, region, key, sub)
                store.written(tx)
            return sub["SubscriptionArn"]
    raise store.invalid("Token")


@service.handler("ConfirmSubscription")
def confirm_subscription(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    authenticated = str(request.get("AuthenticateOnUnsubscribe", "")).lower() == "true"
    arn = confirm(ctx.tx, ctx.clock.now(), request["TopicArn"], request["Token"], authenticated=authenticated)
    return {"SubscriptionArn": arn}


def unsubscribe(tx: Transaction, now: datetime, subscription_arn: str, *, signed: bool = True) -> None:
    """Remove the subscription (an HTTP endpoint is told with an UnsubscribeConfirmation); a missing one
    is no error."""
    match = store.SUB_ARN.match(subscription_arn or "")
    if match is None:
        raise store.invalid("SubscriptionArn")
    region, account, key = store.sub_key(subscription_arn)
    sub = tx.get_doc(store.SERVICE, store.SUB, account, region, key)
    if sub is None:
        return
    if sub.get("Authenticated") and not signed:
        raise ServiceError(
            "AuthorizationError",
            "This subscription was confirmed with AuthenticateOnUnsubscribe: unsubscribe with a signed "
            "request.",
            403,
        )
    topic_name = key.split(":", 1)[0]
    topic = tx.get_doc(store.SERVICE, store.TOPIC, account, region, topic_name)
    if topic is not None:
        topic["Deleted"] = topic.get("Deleted", 0) + 1
        tx.put_doc(store.SERVICE, store.TOPIC, account, region, topic_name, topic)
        if sub["Protocol"] in ("http", "https") and not sub.get("Pending"):
            from fogbank.services.sns import confirmations

            confirmations.send(tx, now, region, topic, sub, "UnsubscribeConfirmation")
    tx.delete_doc(store.SERVICE, store.SUB, account, region, key)
    store.unindex_owned(tx, sub)
    store.written(tx)


@service.handler("Unsubscribe")
def unsubscribe_handler(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    urls.remember(ctx)
    assert ctx.tx is not None
    unsubscribe(ctx.tx, ctx.clock.now(), request["SubscriptionArn"])
    return {}


def _listed(sub: dict[str, Any]) -> dict[str, str]:
    return {
        "SubscriptionArn": "PendingConfirmation" if sub.get("Pending") else sub["SubscriptionArn"],
        "Owner": sub["Owner"],
        "Protocol": sub["Protocol"],
        "Endpoint": sub["Endpoint"],
        "TopicArn": sub["TopicArn"],
    }


@service.handler("ListSubscriptions")
def list_subscriptions(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """The requester's subscriptions (the ones its account made), whoever owns their topics."""
    tx = ctx.tx
    assert tx is not None
    owned, token = store.page(tx, store.OWNED, ctx.account, ctx.region, request.get("NextToken"))
    listed = []
    for ref in owned:
        region, account, sub_key = store.sub_key(ref["SubscriptionArn"])
        sub = tx.get_doc(store.SERVICE, store.SUB, account, region, sub_key)
        if sub is not None:  # the index changes with the subscription, in the same transaction
            listed.append(_listed(sub))
    return store.listing("Subscriptions", listed, token)


@service.handler("ListSubscriptionsByTopic")
def list_subscriptions_by_topic(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["TopicArn"])
    region, account, name = store.parse_topic_arn(topic["TopicArn"])
    subs, token = store.page(tx, store.SUB, account, region, request.get("NextToken"), prefix=name + ":")
    return store.listing("Subscriptions", [_listed(sub) for sub in subs], token)


@service.handler("GetSubscriptionAttributes")
def get_subscription_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    sub = store.subscription_of(ctx.tx, request["SubscriptionArn"])
    shown = {
        "SubscriptionArn": sub["SubscriptionArn"],
        "TopicArn": sub["TopicArn"],
        "Owner": sub["Owner"],
        "Protocol": sub["Protocol"],
        "Endpoint": sub["Endpoint"],
        "PendingConfirmation": "true" if sub.get("Pending") else "false",
        "ConfirmationWasAuthenticated": "true"
        if sub["Protocol"] in _CONFIRMED_AT_ONCE or sub.get("Authenticated")
        else "false",
        "RawMessageDelivery": "false",
        "SubscriptionPrincipal": sub.get("Principal", f"arn:aws:iam::{sub['Owner']}:root"),
    }
    if sub["Protocol"] in ("http", "https"):
        topic = store.topic_of(ctx.tx, sub["TopicArn"])
        own = json.loads(sub["Attributes"].get("DeliveryPolicy") or "{}")
        effective = {
            "healthyRetryPolicy": delivery_policy.effective(topic, sub),
            "sicklyRetryPolicy": own.get("sicklyRetryPolicy"),
            "throttlePolicy": own.get("throttlePolicy"),
            "requestPolicy": own.get("requestPolicy"),
            "guaranteed": False,
        }
        if effective["requestPolicy"] is None:
            del effective["requestPolicy"]
        shown["EffectiveDeliveryPolicy"] = json.dumps(effective, separators=(",", ":"))
    shown.update(sub["Attributes"])
    if "FilterPolicy" in sub["Attributes"] and "FilterPolicyScope" not in sub["Attributes"]:
        shown["FilterPolicyScope"] = "MessageAttributes"
    return {"Attributes": shown}


@service.handler("SetSubscriptionAttributes")
def set_subscription_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    sub = store.subscription_of(tx, request["SubscriptionArn"])
    name = request["AttributeName"]
    value = request.get("AttributeValue") or ""
    kept = check_attribute(name, value, sub["Protocol"])
    attributes = dict(sub["Attributes"])
    store.set_attribute(
        attributes, name, kept, ("FilterPolicy", "RedrivePolicy", "DeliveryPolicy", "ReplayPolicy")
    )
    _check_filter(attributes)
    sub["Attributes"] = attributes
    region, account, key = store.sub_key(sub["SubscriptionArn"])
    tx.put_doc(store.SERVICE, store.SUB, account, region, key, sub)
    store.written(tx)
    return {}
