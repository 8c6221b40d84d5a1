"""Queue attributes: which exist, their defaults and ranges, and AWS's errors for bad ones.

`settle` checks the attributes a CreateQueue or SetQueueAttributes names and returns them as the queue
stores and reports them (strings, booleans lower-case, a RedrivePolicy as AWS rewrites it). `report`
answers GetQueueAttributes, the read-only attributes computed as of fogbank's clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from fogbank.errors import ServiceError
from fogbank.policy.grammar import PolicyError, parse_policy
from fogbank.services.sqs import store
from fogbank.services.sqs.names import ref_from_arn
from fogbank.services.sqs.queues import Queue, load_ref
from fogbank.state import Transaction

__all__ = ["ALL", "READ_ONLY", "apply", "check_names", "defaults", "report", "settle"]

_RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1048576),
    "MessageRetentionPeriod": (60, 1209600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43200),
    "KmsDataKeyReusePeriodSeconds": (60, 86400),
}
_BOOLEANS = ("SqsManagedSseEnabled", "ContentBasedDeduplication", "FifoQueue")
_CHOICES = {
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
_SETTABLE = frozenset(
    (*_RANGES, "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled")
)
_FIFO_ONLY = frozenset(("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"))
READ_ONLY = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
ALL = frozenset((*_SETTABLE, *_FIFO_ONLY, "FifoQueue", *READ_ONLY))
_COUNTS = frozenset(READ_ONLY[:3])
# GetQueueAttributes' order for "All", as AWS lists them.
_REPORT_ORDER = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def defaults(fifo: bool) -> dict[str, str]:
    values = {
        "VisibilityTimeout": "30",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }
    if fifo:
        values.update(
            FifoQueue="true",
            ContentBasedDeduplication="false",
            DeduplicationScope="queue",
            FifoThroughputLimit="perQueue",
        )
    return values


def unknown(name: str) -> ServiceError:
    return ServiceError("InvalidAttributeName", f"Unknown Attribute {name}.", 400)


def invalid(name: str, reason: str = "") -> ServiceError:
    suffix = f" Reason: {reason}" if reason else ""
    return ServiceError("InvalidAttributeValue", f"Invalid value for the parameter {name}.{suffix}", 400)


def _parameter(name: str, value: str, reason: str) -> ServiceError:
    return ServiceError(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}", 400
    )


def check_names(names: Iterable[str]) -> None:
    for name in names:
        if name != "All" and name not in ALL:
            raise unknown(name)


def settle(
    tx: Transaction,
    account: str,
    region: str,
    given: Mapping[str, str],
    *,
    fifo: bool,
    creating: bool,
    queue_arn: str,
) -> dict[str, str]:
    """The given attributes checked and as stored; "" for a policy means remove it."""
    settled: dict[str, str] = {}
    for name, raw in given.items():
        value = "" if raw is None else str(raw)
        if name in _FIFO_ONLY and not fifo:
            raise unknown(name)
        if name == "FifoQueue":
            if not creating:
                raise invalid(name, "Modifying queue type is not supported.")
            if value.lower() != str(fifo).lower():
                raise invalid(name)
            if fifo:
                settled[name] = "true"
            continue
        if name not in _SETTABLE and name not in _FIFO_ONLY:
            raise unknown(name)
        settled[name] = _value(tx, account, region, name, value, queue_arn)
    if settled.get("KmsMasterKeyId") and settled.get("SqsManagedSseEnabled") == "true":
        raise invalid(
            "SqsManagedSseEnabled",
            "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE "
            "or SQS SSE.",
        )
    return settled


def _value(tx: Transaction, account: str, region: str, name: str, value: str, queue_arn: str) -> str:
    if name in _RANGES:
        low, high = _RANGES[name]
        if not value.isdigit() or not low <= int(value) <= high:
            raise invalid(name)
        return str(int(value))
    if name in _BOOLEANS:
        if value.lower() not in ("true", "false"):
            raise invalid(name)
        return value.lower()
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise invalid(name)
        return value
    if not value:
        return ""
    if name == "Policy":
        try:
            parse_policy(value, "resource")
        except (PolicyError, ValueError) as exc:
            raise invalid(name) from exc
        return value
    if name == "RedrivePolicy":
        return _redrive_policy(tx, value, queue_arn)
    if name == "RedriveAllowPolicy":
        return _redrive_allow_policy(value)
    return _kms_key(tx, account, region, value)


def _kms_key(tx: Transaction, account: str, region: str, value: str) -> str:
    from fogbank.services.kms.resolve import home, resolve_key

    key_account, key_region = home(account, region, value)
    try:
        resolve_key(tx, key_account, key_region, value, write=False)
    except ServiceError as exc:
        raise invalid("KmsMasterKeyId", exc.message) from exc
    return value


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise _parameter(name, value, "Invalid JSON.")
    return parsed


def _redrive_policy(tx: Transaction, value: str, queue_arn: str) -> str:
    policy = _json_object("RedrivePolicy", value)
    target = policy.get("deadLetterTargetArn")
    count = policy.get("maxReceiveCount")
    if not isinstance(target, str) or count is None:
        raise _parameter(
            "RedrivePolicy",
            value,
            "Redrive policy does not contain mandatory attribute: maxReceiveCount."
            if count is None
            else "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
        )
    try:
        receives = int(count)
    except (TypeError, ValueError):
        receives = 0
    if not 1 <= receives <= 1000:
        raise _parameter(
            "RedrivePolicy",
            value,
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive.",
        )
    ref = ref_from_arn(target)
    dead = load_ref(tx, ref) if ref is not None else None
    if dead is None:
        raise _parameter("RedrivePolicy", value, "Dead-letter target does not exist.")
    if dead.fifo != queue_arn.endswith(".fifo"):
        raise _parameter(
            "RedrivePolicy", value, "Dead-letter queue must be same type of queue as the source."
        )
    allow = dead.attributes.get("RedriveAllowPolicy")
    if allow and not _allows(json.loads(allow), queue_arn):
        raise _parameter(
            "RedrivePolicy",
            value,
            f"Queue {dead.arn} does not allow {queue_arn} to use it as a dead-letter queue.",
        )
    return json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": receives}, separators=(",", ":"))


def _allows(policy: Mapping[str, Any], source_arn: str) -> bool:
    permission = policy.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return True


def _redrive_allow_policy(value: str) -> str:
    policy = _json_object("RedriveAllowPolicy", value)
    permission = policy.get("redrivePermission")
    sources = policy.get("sourceQueueArns")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise _parameter("RedriveAllowPolicy", value, "Invalid value for redrivePermission.")
    if permission == "byQueue":
        if not isinstance(sources, list) or not 1 <= len(sources) <= 10:
            raise _parameter(
                "RedriveAllowPolicy",
                value,
                "sourceQueueArns must contain between 1 and 10 queue ARNs when redrivePermission is byQueue.",
            )
    elif sources:
        raise _parameter(
            "RedriveAllowPolicy",
            value,
            "sourceQueueArns can be specified only when redrivePermission is byQueue.",
        )
    return json.dumps(policy, separators=(",", ":"))


def apply(queue: Queue, settled: Mapping[str, str]) -> None:
    """Put settled attributes into the queue ("" removes an optional one)."""
    for name, value in settled.items():
        if value == "" and name not in _RANGES:
            queue.attributes.pop(name, None)
        else:
            queue.attributes[name] = value
    if queue.attributes.get("KmsMasterKeyId"):
        queue.attributes.setdefault("KmsDataKeyReusePeriodSeconds", "300")
        queue.attributes["SqsManagedSseEnabled"] = "false"
    else:
        queue.attributes.pop("KmsDataKeyReusePeriodSeconds", None)
    if queue.attributes.get("FifoThroughputLimit") == "perMessageGroupId" and (
        queue.attributes.get("DeduplicationScope") != "messageGroup"
    ):
        raise invalid(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope is "
            "messageGroup.",
        )


def report(tx: Transaction, queue: Queue, names: Iterable[str], now: float) -> dict[str, str]:
    wanted = set(names)
    everything = "All" in wanted
    check_names(wanted)
    values = dict(queue.attributes)
    if everything or wanted & _COUNTS:
        visible, inflight, delayed = store.counts(tx, queue.arn, now)
        values["ApproximateNumberOfMessages"] = str(visible)
        values["ApproximateNumberOfMessagesNotVisible"] = str(inflight)
        values["ApproximateNumberOfMessagesDelayed"] = str(delayed)
    values["CreatedTimestamp"] = str(int(queue.created))
    values["LastModifiedTimestamp"] = str(int(queue.modified))
    values["QueueArn"] = queue.arn
    return {name: values[name] for name in _REPORT_ORDER if name in values and (everything or name in wanted)}
