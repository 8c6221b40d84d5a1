"""How SNS's resources are kept: the one place that names their document kinds, ARNs and shared errors.

Every resource is a document of service "sns" in its account and region (FIFO deduplication ids, the
only data-plane state, are rows of sns_dedup: dedup.py):

    kind "topic"         key topic name
        Name, TopicArn, Fifo (bool), Attributes {name: text} (the settable ones as set), Tags [{Key, Value}],
        DataProtectionPolicy (text), Deleted (count of subscriptions removed)
    kind "sub"           key "<topic name>:<subscription id>" (so a topic's subscriptions list by prefix)
        SubscriptionArn, TopicArn, Protocol, Endpoint, Owner, Attributes {name: text}, Pending (bool),
        Token (the confirmation token while pending)
    kind "owned-sub"     in the subscriber's account and the topic's region, key "<topic account>:<topic
        name>:<subscription id>": SubscriptionArn (ListSubscriptions lists the requester's subscriptions,
        which may be to other accounts' topics)
    kind "platform-app"  key "<platform>/<name>"; kind "endpoint" key "<platform>/<name>/<id>"
    kind "sms-attributes" key "attributes"; kind "sms-opted-out" key the phone number;
    kind "sms-message"   key "<epoch microseconds>-<message id>" (the messages published to phone numbers)
    kind "signing-key"   account "" key "key" (per region: the key and certificate messages are signed with)
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.errors import ServiceError
from fogbank.state import Transaction
from fogbank.state.kept import VersionedCache, WriteVersion

__all__ = [
    "written",
    "WRITES",
    "publishing",
    "SERVICE",
    "TOPIC",
    "SUB",
    "PLATFORM_APP",
    "ENDPOINT",
    "OWNED",
    "index_owned",
    "unindex_owned",
    "TOPIC_ARN",
    "SUB_ARN",
    "invalid",
    "not_found",
    "topic_of",
    "parse_topic_arn",
    "subscription_of",
    "topic_arn",
    "PAGE",
    "page",
    "listing",
    "set_attribute",
    "save_topic",
]

PAGE = 100  # SNS's lists return at most 100 at a time

SERVICE = "sns"
TOPIC = "topic"
SUB = "sub"
PLATFORM_APP = "platform-app"
ENDPOINT = "endpoint"
OWNED = "owned-sub"

TOPIC_ARN = re.compile(r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w.-]{1,256})$")
SUB_ARN = re.compile(r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):([\w.-]{1,256}):([0-9a-f-]{36})$")


def invalid(message: str) -> ServiceError:
    """SNS's InvalidParameter, whose message always starts "Invalid parameter: "."""
    return ServiceError("InvalidParameter", f"Invalid parameter: {message}", 400)


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFound", message, 404)


def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def parse_topic_arn(arn: str, member: str = "TopicArn") -> tuple[str, str, str]:
    """(region, account, name) of a topic ARN, or InvalidParameter as AWS answers a malformed one."""
    match = TOPIC_ARN.match(arn or "")
    if match is None:
        parts = len((arn or "").split(":"))
        if parts < 6:
            raise invalid(f"{member} Reason: An ARN must have at least 6 elements, not {parts}")
        raise invalid(member)
    region, account, name = match.groups()
    return region, account, name


def topic_of(tx: Transaction, arn: str, member: str = "TopicArn") -> dict[str, Any]:
    """The topic document `arn` names, or NotFound ("Topic does not exist")."""
    region, account, name = parse_topic_arn(arn, member)
    topic = tx.get_doc(SERVICE, TOPIC, account, region, name)
    if topic is None:
        raise not_found("Topic does not exist")
    return topic


def subscription_of(tx: Transaction, arn: str) -> dict[str, Any]:
    """The subscription document `arn` names, or NotFound ("Subscription does not exist")."""
    match = SUB_ARN.match(arn or "")
    if match is None:
        raise invalid("SubscriptionArn")
    region, account, topic_name, sub_id = match.groups()
    sub = tx.get_doc(SERVICE, SUB, account, region, f"{topic_name}:{sub_id}")
    if sub is None:
        raise not_found("Subscription does not exist")
    return sub


def sub_key(sub_arn: str) -> tuple[str, str, str]:
    """(region, account, document key) of a subscription ARN already known to be well formed."""
    _, _, _, region, account, topic_name, sub_id = sub_arn.split(":")
    return region, account, f"{topic_name}:{sub_id}"


def _owned_key(sub_arn: str) -> tuple[str, str]:
    _, _, _, region, account, topic_name, sub_id = sub_arn.split(":")
    return region, f"{account}:{topic_name}:{sub_id}"


def index_owned(tx: Transaction, sub: dict[str, Any]) -> None:
    """List the subscription among its owner's (the account that subscribed)."""
    region, key = _owned_key(sub["SubscriptionArn"])
    tx.put_doc(SERVICE, OWNED, sub["Owner"], region, key, {"SubscriptionArn": sub["SubscriptionArn"]})


def unindex_owned(tx: Transaction, sub: dict[str, Any]) -> None:
    region, key = _owned_key(sub["SubscriptionArn"])
    tx.delete_doc(SERVICE, OWNED, sub["Owner"], region, key)


def page(
    tx: Transaction,
    kind: str,
    account: str,
    region: str,
    after: str | None,
    *,
    prefix: str = "",
    limit: int = PAGE,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a kind's documents in key order, and the token of the next page (None on the last)."""
    found = tx.list_docs(SERVICE, kind, account, region, prefix=prefix, after=after, limit=limit + 1)
    return [doc for _, doc in found[:limit]], found[limit - 1][0] if len(found) > limit else None


def listing(
    member: str, items: list[Any], token: str | None, token_member: str = "NextToken"
) -> dict[str, Any]:
    """A List* answer: the page's items, and the token of the next page when there is one."""
    result: dict[str, Any] = {member: items}
    if token is not None:
        result[token_member] = token
    return result


def set_attribute(attributes: dict[str, str], name: str, value: str, clearable: tuple[str, ...]) -> None:
    """Set one attribute of a topic or subscription; an empty value removes one AWS clears that way."""
    if value == "" and name in clearable:
        attributes.pop(name, None)
    else:
        attributes[name] = value


def save_topic(tx: Transaction, topic: dict[str, Any]) -> None:
    region, account, name = parse_topic_arn(topic["TopicArn"])
    tx.put_doc(SERVICE, TOPIC, account, region, name, topic)
    written(tx)


# Every write of a topic or subscription document (save_topic, CreateTopic, DeleteTopic, Subscribe,
# ConfirmSubscription, Unsubscribe, SetSubscriptionAttributes) calls `written`, which once the write has
# committed moves `WRITES`: what is kept in memory about topics and their subscriptions (policies.py,
# `publishing`) is valid while it is unchanged.
WRITES = WriteVersion()


def written(tx: Transaction) -> None:
    """A topic or subscription document was written in `tx`: what is kept of them is stale once it commits."""
    WRITES.written(tx)


# What a publish reads, by topic ARN: the topic's document and its subscriptions' (in key order).
_published: VersionedCache[str, tuple[dict[str, Any], list[dict[str, Any]]]] = VersionedCache(WRITES, 1024)


def publishing(
    tx: Transaction, arn: str, member: str = "TopicArn"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The topic `arn` names and its subscriptions, as topic_of would find them; shared between publishes,
    so the caller must not change them."""
    return _published.get(tx, arn, _read_publishing, tx, arn, member)


def _read_publishing(tx: Transaction, arn: str, member: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    topic = topic_of(tx, arn, member)
    region, account, name = parse_topic_arn(arn, member)
    return topic, [sub for _, sub in tx.list_docs(SERVICE, SUB, account, region, prefix=name + ":")]
