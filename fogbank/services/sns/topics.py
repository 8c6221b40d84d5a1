"""Topics: CreateTopic (standard and FIFO), DeleteTopic, ListTopics and the topic attributes.

A topic keeps the attributes a caller set (as text, as AWS returns them); GetTopicAttributes adds the
ones AWS computes: TopicArn, Owner, the subscription counts, EffectiveDeliveryPolicy, and the default
access policy AWS writes when none was given. CreateTopic is idempotent by name: the same name with
the same attributes answers the existing ARN, different attributes are refused.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from fogbank.context import Context
from fogbank.services.sns import dedup, delivery_policy, service, store, tags, urls

__all__ = ["default_policy", "topic_attributes", "SETTABLE"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")

_FEEDBACK = tuple(
    f"{protocol}{kind}"
    for protocol in ("HTTP", "Application", "Lambda", "SQS", "Firehose")
    for kind in ("SuccessFeedbackRoleArn", "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate")
)
SETTABLE = frozenset(
    {
        "DeliveryPolicy",
        "DisplayName",
        "Policy",
        "TracingConfig",
        "KmsMasterKeyId",
        "SignatureVersion",
        "ContentBasedDeduplication",
        "ArchivePolicy",
        "FifoThroughputScope",
        *_FEEDBACK,
    }
)
_FIFO_ONLY = frozenset({"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"})

DEFAULT_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": delivery_policy.DEFAULT_RETRY_POLICY,
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}


# A pure function of its arguments, so its text is kept: the authorize stage asks for it on every publish.
@lru_cache(maxsize=1024)
def default_policy(arn: str, account: str) -> str:
    """The access policy AWS gives a topic created without one."""
    return json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "SNS:GetTopicAttributes",
                        "SNS:SetTopicAttributes",
                        "SNS:AddPermission",
                        "SNS:RemovePermission",
                        "SNS:DeleteTopic",
                        "SNS:Subscribe",
                        "SNS:ListSubscriptionsByTopic",
                        "SNS:Publish",
                    ],
                    "Resource": arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
                }
            ],
        },
        separators=(",", ":"),
    )


def check_attribute(name: str, value: str, fifo: bool) -> str:
    """Refuse a topic attribute as AWS does; return the value to keep."""
    if name not in SETTABLE:
        raise store.invalid("AttributeName")
    if name in _FIFO_ONLY and not fifo:
        raise store.invalid(f"Attributes Reason: {name} is only valid for FIFO topics")
    if name == "SignatureVersion" and value not in ("1", "2"):
        raise store.invalid(
            f"Attributes Reason: SignatureVersion: Invalid value [{value}]. Should be one of [1, 2]"
        )
    if name == "ContentBasedDeduplication":
        if value.lower() not in ("true", "false"):
            raise store.invalid("Attributes Reason: ContentBasedDeduplication must be true or false")
        return value.lower()
    if name == "FifoThroughputScope" and value not in ("Topic", "MessageGroup"):
        raise store.invalid(
            f"Attributes Reason: FifoThroughputScope: Invalid value [{value}]. "
            "Should be one of [Topic, MessageGroup]"
        )
    if name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise store.invalid(
            f"Attributes Reason: TracingConfig: Invalid value [{value}]. "
            "Should be one of [PassThrough, Active]"
        )
    if name in ("Policy", "DeliveryPolicy", "ArchivePolicy") and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise store.invalid(f"{name}: failed to parse JSON")
        if name == "Policy":
            _check_policy(value)
        if name == "DeliveryPolicy":
            delivery_policy.check_topic_policy(value)
    if name == "DisplayName" and len(value) > 100:
        raise store.invalid("DisplayName")
    return value


def _check_policy(text: str) -> None:
    from fogbank.policy import parse_policy

    try:
        parse_policy(text, "resource")
    except Exception as error:  # the policy module's own errors: AWS reports them all as InvalidParameter
        raise store.invalid(f"Policy Error: {error}") from None


def topic_attributes(tx: Any, topic: dict[str, Any]) -> dict[str, str]:
    arn = topic["TopicArn"]
    region, account = arn.split(":")[3:5]
    confirmed = pending = 0
    for _, sub in tx.list_docs(store.SERVICE, store.SUB, account, region, prefix=topic["Name"] + ":"):
        if sub.get("Pending"):
            pending += 1
        else:
            confirmed += 1
    shown: dict[str, str] = {
        "TopicArn": arn,
        "Owner": account,
        "Policy": default_policy(arn, account),
        "DisplayName": "",
        "SubscriptionsConfirmed": str(confirmed),
        "SubscriptionsPending": str(pending),
        "SubscriptionsDeleted": str(topic.get("Deleted", 0)),
        "EffectiveDeliveryPolicy": json.dumps(DEFAULT_DELIVERY_POLICY, separators=(",", ":")),
    }
    if topic.get("Fifo"):
        shown["FifoTopic"] = "true"
        shown["ContentBasedDeduplication"] = "false"
    shown.update(topic["Attributes"])
    if "DeliveryPolicy" in topic["Attributes"]:
        shown["EffectiveDeliveryPolicy"] = topic["Attributes"]["DeliveryPolicy"]
    return shown


@service.handler("CreateTopic")
def create_topic(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    urls.remember(ctx)
    tx = ctx.tx
    assert tx is not None
    name = request["Name"]
    given = dict(request.get("Attributes") or {})
    fifo_flag = given.pop("FifoTopic", None)
    fifo = fifo_flag is not None and fifo_flag.lower() == "true"
    if fifo_flag is not None and fifo_flag.lower() not in ("true", "false"):
        raise store.invalid("Attributes Reason: FifoTopic must be true or false")
    if fifo and not _FIFO_NAME.match(name):
        raise store.invalid(
            "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII "
            "letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
        )
    if not fifo and not _NAME.match(name):
        raise store.invalid("Topic Name")
    attributes = {key: check_attribute(key, value, fifo) for key, value in given.items()}
    if request.get("DataProtectionPolicy"):
        from fogbank.services.sns.data_protection import check_data_protection_policy

        check_data_protection_policy(request["DataProtectionPolicy"])
    new_tags = request.get("Tags") or []
    tags.check(new_tags)
    arn = store.topic_arn(ctx.region, ctx.account, name)
    existing = tx.get_doc(store.SERVICE, store.TOPIC, ctx.account, ctx.region, name)
    if existing is not None:
        if any(existing["Attributes"].get(k) != v for k, v in attributes.items()):
            raise store.invalid("Attributes Reason: Topic already exists with different attributes")
        current = {t["Key"]: t["Value"] for t in existing.get("Tags", [])}
        if new_tags and any(current.get(t["Key"]) != t["Value"] for t in new_tags):
            raise store.invalid("Tags Reason: Topic already exists with different tags")
        return {"TopicArn": arn}
    doc = {
        "Name": name,
        "TopicArn": arn,
        "Fifo": fifo,
        "Attributes": attributes,
        "Tags": [{"Key": t["Key"], "Value": t["Value"]} for t in new_tags],
        "Deleted": 0,
    }
    if request.get("DataProtectionPolicy"):
        doc["DataProtectionPolicy"] = request["DataProtectionPolicy"]
    tx.put_doc(store.SERVICE, store.TOPIC, ctx.account, ctx.region, name, doc)
    store.written(tx)
    return {"TopicArn": arn}


@service.handler("DeleteTopic")
def delete_topic(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    region, account, name = store.parse_topic_arn(request["TopicArn"])
    if tx.get_doc(store.SERVICE, store.TOPIC, account, region, name) is None:
        return {}  # AWS: deleting a topic that does not exist is not an error
    for key, sub in tx.list_docs(store.SERVICE, store.SUB, account, region, prefix=name + ":"):
        tx.delete_doc(store.SERVICE, store.SUB, account, region, key)
        store.unindex_owned(tx, sub)
    tx.delete_doc(store.SERVICE, store.TOPIC, account, region, name)
    store.written(tx)
    dedup.forget_topic(tx, request["TopicArn"])
    return {}


@service.handler("ListTopics")
def list_topics(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topics, token = store.page(tx, store.TOPIC, ctx.account, ctx.region, request.get("NextToken"))
    return store.listing("Topics", [{"TopicArn": doc["TopicArn"]} for doc in topics], token)


@service.handler("GetTopicAttributes")
def get_topic_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["TopicArn"])
    return {"Attributes": topic_attributes(tx, topic)}


@service.handler("SetTopicAttributes")
def set_topic_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["TopicArn"])
    name = request["AttributeName"]
    value = request.get("AttributeValue") or ""
    if name == "FifoTopic":
        raise store.invalid("AttributeName")
    kept = check_attribute(name, value, topic.get("Fifo", False))
    store.set_attribute(
        topic["Attributes"], name, kept, ("Policy", "DeliveryPolicy", "KmsMasterKeyId", "ArchivePolicy")
    )
    store.save_topic(tx, topic)
    return {}
