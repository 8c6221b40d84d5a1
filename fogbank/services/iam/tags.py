"""Tags on IAM users, roles, instance profiles and customer managed policies: AWS's rules for them.

An entity keeps its tags as a list of {Key, Value} in the order they were first set. Keys match
case-insensitively (tagging `env` replaces `Env`) and keep the caller's latest spelling. At most 50
tags per entity; keys 1–128 and values 0–256 characters of letters, digits, spaces and `_.:/=+-@`;
the `aws:` prefix is AWS's own.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.iam.iam_pagination import page

__all__ = ["MAX_TAGS", "check_tags", "list_tags", "tag", "untag"]

MAX_TAGS = 50
_PUNCTUATION = set("_.:/=+-@")
_KEY_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"
_VALUE_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"


def _allowed(text: str) -> bool:
    # The model's \p{L}\p{Z}\p{N} classes, which Python's re cannot spell.
    return all(c in _PUNCTUATION or unicodedata.category(c)[0] in ("L", "Z", "N") for c in text)


def _invalid(value: str, where: str, pattern: str) -> ServiceError:
    return ServiceError(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}",
        400,
    )


def check_tags(tags: list[dict[str, str]]) -> None:
    """Refuse a request's tags as AWS does (lengths and count are the model's, checked before us)."""
    seen: set[str] = set()
    for index, item in enumerate(tags, 1):
        key, value = item["Key"], item.get("Value", "")
        if not _allowed(key):
            raise _invalid(key, f"tags.{index}.member.key", _KEY_PATTERN)
        if not _allowed(value):
            raise _invalid(value, f"tags.{index}.member.value", _VALUE_PATTERN)
        if key.lower().startswith("aws:"):
            raise ServiceError("InvalidInput", "Tag keys starting with 'aws:' are reserved for AWS use.", 400)
        if key.lower() in seen:
            raise ServiceError(
                "InvalidInput",
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                400,
            )
        seen.add(key.lower())


def tag(doc: dict[str, Any], tags: list[dict[str, str]]) -> None:
    """Add or replace `tags` on the entity document."""
    check_tags(tags)
    current = {item["Key"].lower(): item for item in doc.get("Tags", [])}
    for item in tags:
        current[item["Key"].lower()] = {"Key": item["Key"], "Value": item.get("Value", "")}
    if len(current) > MAX_TAGS:
        raise ServiceError(
            "LimitExceeded", f"The number of tags has reached the maximum limit of {MAX_TAGS}.", 409
        )
    doc["Tags"] = list(current.values())


def untag(doc: dict[str, Any], keys: list[str]) -> None:
    """Remove the tags with these keys; keys the entity does not have are ignored, as AWS does."""
    gone = {key.lower() for key in keys}
    doc["Tags"] = [item for item in doc.get("Tags", []) if item["Key"].lower() not in gone]


def list_tags(doc: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    return page(((f"{i:04d}", t) for i, t in enumerate(doc.get("Tags", []))), request, "Tags")
