"""What SQS accepts in a message: body characters and size, attributes, delay, group and dedup ids.

`check_message` is the one gate for SendMessage, each SendMessageBatch entry and `deliver`, so a
message is refused the same way wherever it comes from. It raises the ServiceError AWS answers; the
batch handler turns it into the entry's failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.sqs.queues import Queue

__all__ = ["check_message", "check_id", "invalid_value", "message_size"]

# XML 1.0's characters: SQS stores bodies in XML-safe form.
_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_ID = re.compile(r"^[!-~]{1,128}$")
_TYPES = ("String", "Number", "Binary")
MAX_ATTRIBUTES = 10


def invalid_value(name: str, value: object, reason: str) -> ServiceError:
    return ServiceError(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}", 400
    )


def check_id(name: str, value: str) -> None:
    if not _ID.match(value):
        raise invalid_value(
            name,
            value,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )


def _check_body(body: str) -> None:
    bad = _INVALID.search(body)
    if bad is not None:
        raise ServiceError(
            "InvalidMessageContents",
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the message body, the set of "
            "allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
            400,
        )


def _attribute_size(name: str, value: Mapping[str, Any]) -> int:
    size = len(name.encode()) + len(value.get("DataType", "").encode())
    if value.get("StringValue") is not None:
        size += len(value["StringValue"].encode())
    if value.get("BinaryValue") is not None:
        size += len(value["BinaryValue"])
    return size


def message_size(body: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    size = len(body.encode())
    for name, value in (attributes or {}).items():
        size += _attribute_size(name, value)
    return size


def _check_attributes(attributes: Mapping[str, Mapping[str, Any]], kind: str) -> None:
    if len(attributes) > MAX_ATTRIBUTES:
        raise ServiceError(
            "InvalidParameterValue",
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}].",
            400,
        )
    for name, value in attributes.items():
        lowered = name.lower()
        if (
            not _ATTRIBUTE_NAME.match(name)
            or ".." in name
            or name.startswith(".")
            or name.endswith(".")
            or lowered.startswith(("aws.", "amazon."))
        ):
            raise ServiceError(
                "InvalidParameterValue",
                f"Message ({kind}) attribute name '{name}' is invalid. The attribute name can contain A-Z, "
                "a-z, 0-9, underscore (_), hyphen (-), and period (.) characters.",
                400,
            )
        data_type = value.get("DataType")
        if not data_type:
            raise ServiceError(
                "InvalidParameterValue",
                f"The message ({kind}) attribute '{name}' must contain a non-empty message attribute type.",
                400,
            )
        base = data_type.split(".", 1)[0]
        if base not in _TYPES or len(data_type) > 256:
            raise ServiceError(
                "InvalidParameterValue",
                f"The type of message ({kind}) attribute '{name}' is invalid. You must use only the "
                "following supported type prefixes: Binary, Number, String.",
                400,
            )
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise ServiceError(
                "InvalidParameterValue",
                f"Message ({kind}) attribute '{name}' must contain a non-empty value of type '{base}'.",
                400,
            )
        if base == "Binary":
            if not value.get("BinaryValue"):
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Message ({kind}) attribute '{name}' must contain a non-empty value of type 'Binary'.",
                    400,
                )
            continue
        text = value.get("StringValue")
        if not text:
            raise ServiceError(
                "InvalidParameterValue",
                f"Message ({kind}) attribute '{name}' must contain a non-empty value of type '{base}'.",
                400,
            )
        _check_body_characters(text, name, kind)
        if base == "Number":
            _check_number(text, name, kind)


def _check_body_characters(text: str, name: str, kind: str) -> None:
    if _INVALID.search(text):
        raise ServiceError(
            "InvalidParameterValue",
            f"Message ({kind}) attribute '{name}' contains invalid characters.",
            400,
        )


def _check_number(text: str, name: str, kind: str) -> None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or text.strip() != text:
        raise ServiceError(
            "InvalidParameterValue",
            f"Can't cast the value of message ({kind}) attribute '{name}' to a number.",
            400,
        )


def check_message(
    queue: Queue,
    body: str,
    attributes: Mapping[str, Mapping[str, Any]] | None,
    system_attributes: Mapping[str, Mapping[str, Any]] | None,
    delay: int | None,
    group_id: str | None,
    dedup_id: str | None,
) -> None:
    """Refuse the message as AWS would, before anything is written."""
    if not body:
        raise ServiceError("MissingParameter", "The request must contain the parameter MessageBody.", 400)
    _check_body(body)
    if attributes:
        _check_attributes(attributes, "user")
    if system_attributes:
        for name, value in system_attributes.items():
            if name != "AWSTraceHeader":
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Message system attribute name '{name}' is invalid.",
                    400,
                )
            if value.get("DataType") != "String" or not value.get("StringValue"):
                raise ServiceError(
                    "InvalidParameterValue",
                    "Message system attribute 'AWSTraceHeader' must contain a non-empty value of type "
                    "'String'.",
                    400,
                )
    limit = queue.int_attribute("MaximumMessageSize")
    if message_size(body, attributes) > limit:
        raise ServiceError(
            "InvalidParameterValue",
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes.",
            400,
        )
    if delay is not None:
        if queue.fifo:
            raise invalid_value(
                "DelaySeconds", delay, "The request include parameter that is not valid for this queue type."
            )
        if not 0 <= delay <= 900:
            raise invalid_value("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900.")
    if group_id is not None:
        check_id("MessageGroupId", group_id)
    if queue.fifo:
        if group_id is None:
            raise ServiceError(
                "MissingParameter", "The request must contain the parameter MessageGroupId.", 400
            )
        if dedup_id is None and queue.attributes.get("ContentBasedDeduplication") != "true":
            raise ServiceError(
                "InvalidParameterValue",
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                "provided explicitly",
                400,
            )
    if dedup_id is not None:
        if not queue.fifo:
            raise invalid_value(
                "MessageDeduplicationId",
                dedup_id,
                "The request include parameter that is not valid for this queue type.",
            )
        check_id("MessageDeduplicationId", dedup_id)
