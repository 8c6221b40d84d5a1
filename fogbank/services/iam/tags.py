"""Tags on IAM users, roles, instance profiles, customer managed policies, MFA devices and identity
providers: AWS's rules for them, and the Tag/Untag/List...Tags operations every such entity has.

An entity keeps its tags as a list of {Key, Value} in the order they were first set. Keys match
case-insensitively (tagging `env` replaces `Env`) and keep the caller's latest spelling. At most 50
tags per entity; keys 1–128 and values 0–256 characters of letters, digits, spaces and `_.:/=+-@`;
the `aws:` prefix is AWS's own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service
from fogbank.services.iam.iam_pagination import page

__all__ = ["MAX_TAGS", "check_tags", "list_tags", "tag", "tagging_operations", "untag"]

# The entity a tagging request names: (ctx, request, operation name) -> its document, or the entity's error.
Find = Callable[[Context, dict[str, Any], str], dict[str, Any]]
Save = Callable[[Context, dict[str, Any]], None]

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


def tagging_operations(entity: str, find: Find, save: Save) -> None:
    """Register `Tag{entity}`, `Untag{entity}` and `List{entity}Tags` on the entity `find` loads and `save`
    stores. `find` is told the operation because some entities may be listed but not changed by the caller
    (AWS managed policies)."""

    def tag_entity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = find(ctx, request, f"Tag{entity}")
        tag(doc, request["Tags"])
        save(ctx, doc)
        return {}

    def untag_entity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = find(ctx, request, f"Untag{entity}")
        untag(doc, request["TagKeys"])
        save(ctx, doc)
        return {}

    def list_entity_tags(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        return list_tags(find(ctx, request, f"List{entity}Tags"), request)

    service.handler(f"Tag{entity}")(tag_entity)
    service.handler(f"Untag{entity}")(untag_entity)
    service.handler(f"List{entity}Tags")(list_entity_tags)
