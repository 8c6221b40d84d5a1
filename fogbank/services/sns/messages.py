"""Publish and PublishBatch: AWS's checks on a message, then fan-out (publish.py).

Checks, in AWS's words: an empty message, a subject that is not one line of printable ASCII up to 100
characters, MessageStructure json without a "default" string, message attributes (names, types, values),
256 KiB for the message with its attributes, and the FIFO rules (MessageGroupId required on FIFO topics,
a deduplication id unless ContentBasedDeduplication, no MessageDeduplicationId on standard topics).
A publish may name a topic (TopicArn, or a topic's TargetArn), a platform endpoint (TargetArn) or a phone
number (PhoneNumber, recorded by sms.py).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import encryption, service, store, urls
from fogbank.services.sns.publish import Outgoing, fan_out
from fogbank.state import Transaction

__all__ = ["outgoing", "MAX_MESSAGE_BYTES"]

MAX_MESSAGE_BYTES = 262144
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,256}$")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
MAX_BATCH = 10


def _value_invalid(message: str) -> ServiceError:
    return ServiceError("ParameterValueInvalid", message, 400)


def check_attributes(attributes: dict[str, dict[str, Any]]) -> int:
    """Refuse message attributes as AWS does; return their size in bytes (names, types and values)."""
    size = 0
    for name, value in attributes.items():
        if not _ATTRIBUTE_NAME.match(name) or ".." in name or name.startswith(".") or name.endswith("."):
            raise _value_invalid(f"Invalid attribute name: {name}")
        if name.lower().startswith(("aws.", "amazon.")):
            raise _value_invalid(f"Invalid attribute name: {name}")
        data_type = value.get("DataType", "")
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise _value_invalid(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String."
            )
        if base == "Binary":
            blob = value.get("BinaryValue")
            if not blob:
                raise _value_invalid(
                    f"The message attribute '{name}' with type 'Binary' must use field 'Binary'."
                )
            size += len(name.encode()) + len(data_type) + len(blob)
            continue
        text = value.get("StringValue")
        if text is None or text == "":
            raise _value_invalid(
                f"The message attribute '{name}' must contain non-empty message attribute value for message "
                f"attribute type '{data_type}'."
            )
        if base == "Number":
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise _value_invalid(f"Could not cast message attribute '{name}' value to number.") from None
            if not number.is_finite():
                raise _value_invalid(f"Could not cast message attribute '{name}' value to number.")
        elif data_type == "String.Array":
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if not isinstance(items, list):
                raise ServiceError(
                    "InvalidParameter",
                    f"Invalid parameter: MessageAttributes Reason: Message attribute '{name}' of type "
                    f"'String.Array' has an invalid value.",
                    400,
                )
        size += len(name.encode()) + len(data_type) + len(text.encode())
    return size


def outgoing(
    topic: dict[str, Any] | None,
    message: str,
    structure: str | None,
    subject: str | None,
    attributes: dict[str, dict[str, Any]],
    group_id: str | None,
    dedup_id: str | None,
) -> Outgoing:
    """The checked message for `topic` (None for a phone number or an endpoint), or AWS's error."""
    if message is None or message == "":
        raise store.invalid("Empty message")
    if subject is not None:
        if subject == "" or len(subject) > 100 or not all(32 <= ord(c) < 127 for c in subject):
            raise store.invalid("Subject")
    per_protocol = None
    if structure is not None:
        if structure != "json":
            raise store.invalid("MessageStructure")
        try:
            per_protocol = json.loads(message)
        except ValueError:
            per_protocol = None
        if not isinstance(per_protocol, dict):
            raise store.invalid("Message Structure - JSON message body failed to parse")
        if not isinstance(per_protocol.get("default"), str):
            raise store.invalid("Message Structure - No default entry in JSON message body")
        per_protocol = {k: v if isinstance(v, str) else json.dumps(v) for k, v in per_protocol.items()}
    size = len(message.encode()) + check_attributes(attributes)
    if size > MAX_MESSAGE_BYTES:
        raise store.invalid("Message too long")
    fifo = bool(topic and topic.get("Fifo"))
    if fifo:
        if not group_id:
            raise store.invalid("The MessageGroupId parameter is required for FIFO topics")
        if not dedup_id and topic["Attributes"].get("ContentBasedDeduplication") != "true":
            raise store.invalid(
                "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                "provided explicitly"
            )
    elif dedup_id is not None:
        raise store.invalid(
            "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is "
            "not "
            "valid for this topic type"
        )
    for member, value in (("MessageGroupId", group_id), ("MessageDeduplicationId", dedup_id)):
        if value is not None and (len(value) > 128 or not all(33 <= ord(c) < 127 for c in value)):
            raise store.invalid(
                f"{member} Reason: {member} must be alphanumeric and punctuation, 1 to 128 characters"
            )
    return Outgoing(
        message=per_protocol["default"] if per_protocol else message,
        subject=subject,
        attributes=attributes,
        per_protocol=per_protocol,
        group_id=group_id,
        dedup_id=dedup_id,
    )


@service.handler("Publish")
def publish_handler(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    urls.remember(ctx)
    tx = ctx.tx
    assert tx is not None
    topic_arn = request.get("TopicArn")
    target = request.get("TargetArn")
    phone = request.get("PhoneNumber")
    named = [n for n in (topic_arn, target, phone) if n]
    if not named:
        raise store.invalid("TopicArn or TargetArn Reason: no value for required parameter")
    if len(named) > 1:
        raise store.invalid(
            "TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be set"
        )
    args = (
        request.get("Message"),
        request.get("MessageStructure"),
        request.get("Subject"),
        request.get("MessageAttributes") or {},
        request.get("MessageGroupId"),
        request.get("MessageDeduplicationId"),
    )
    now = ctx.clock.now()
    if phone:
        from fogbank.services.sns import sms

        out = outgoing(None, *args)
        sms.publish_to_phone(tx, now, ctx.account, ctx.region, phone, out)
        return {"MessageId": out.message_id}
    arn = topic_arn or target
    if target and ":endpoint/" in target:
        from fogbank.services.sns import endpoints

        out = outgoing(None, *args)
        endpoints.publish_to_endpoint(tx, target)
        return {"MessageId": out.message_id}
    topic, subs = store.publishing(tx, arn, "TopicArn" if topic_arn else "TargetArn")
    out = outgoing(topic, *args)
    _check_encryption(ctx, tx, topic, now)
    message_id = fan_out(tx, now, topic, subs, out)
    result: dict[str, Any] = {"MessageId": message_id}
    if out.sequence_number is not None:
        result["SequenceNumber"] = out.sequence_number
    return result


@service.handler("PublishBatch")
def publish_batch(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    urls.remember(ctx)
    tx = ctx.tx
    assert tx is not None
    entries = request.get("PublishBatchRequestEntries") or []
    if not entries:
        raise ServiceError("EmptyBatchRequest", "The batch request doesn't contain any entries", 400)
    if len(entries) > MAX_BATCH:
        raise ServiceError(
            "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible", 400
        )
    ids = [entry["Id"] for entry in entries]
    if len(set(ids)) != len(ids):
        raise ServiceError(
            "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id", 400
        )
    for entry_id in ids:
        if not _BATCH_ID.match(entry_id):
            raise ServiceError(
                "InvalidBatchEntryId",
                "The Id of a batch entry in a batch request doesn't abide by the specification",
                400,
            )
    topic, subs = store.publishing(tx, request["TopicArn"])
    total = sum(len(entry.get("Message", "").encode()) for entry in entries)
    if total > MAX_MESSAGE_BYTES:
        raise ServiceError(
            "BatchRequestTooLong", "The length of all the messages put together is more than the limit", 400
        )
    now = ctx.clock.now()
    _check_encryption(ctx, tx, topic, now)
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            out = outgoing(
                topic,
                entry.get("Message"),
                entry.get("MessageStructure"),
                entry.get("Subject"),
                entry.get("MessageAttributes") or {},
                entry.get("MessageGroupId"),
                entry.get("MessageDeduplicationId"),
            )
        except ServiceError as error:
            failed.append(
                {"Id": entry["Id"], "Code": error.code, "Message": error.message, "SenderFault": True}
            )
            continue
        message_id = fan_out(tx, now, topic, subs, out)
        done: dict[str, Any] = {"Id": entry["Id"], "MessageId": message_id}
        if out.sequence_number is not None:
            done["SequenceNumber"] = out.sequence_number
        successful.append(done)
    return {"Successful": successful, "Failed": failed}


def _check_encryption(ctx: Context, tx: Transaction, topic: dict[str, Any], now: datetime) -> None:
    key = encryption.check_key(tx, now, topic)
    if key is not None:
        encryption.check_publisher(ctx, tx, key)
