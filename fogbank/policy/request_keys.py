"""Condition keys whose values are built from the request rather than copied from one member.

`aws:RequestTag/*` and `aws:TagKeys` from the request's tags however the service spells them,
`kms:EncryptionContext:*` and `kms:EncryptionContextKeys`, `s3:RequestObjectTag/*`, and DynamoDB's
`dynamodb:LeadingKeys` and `dynamodb:Attributes`. An action gets these when the Service Authorization
Reference lists the key for it (`special_fillers`). Keys that are one member's value as sent are mapped
to their member in actions.py and filled here too (`condition_context`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["Params", "Special", "condition_context", "request_tags", "special_fillers"]

Params = dict[str, Any]
Special = Callable[[Params, dict[str, object]], None]  # fills the keys it owns from the request


def condition_context(
    keys: Iterable[tuple[str, str]], fillers: Iterable[Special], params: Params
) -> dict[str, object]:
    """The request's condition keys: each (condition key, member) pair's member value, then the specials'."""
    out: dict[str, object] = {}
    for key, member in keys:
        value = _condition_value(params.get(member))
        if value is not None:
            out[key] = value
    for special in fillers:
        special(params, out)
    return out


def special_fillers(condition_keys: Iterable[str]) -> tuple[Special, ...]:
    """Who fills the action's condition keys (as the reference spells them) that need parsing."""
    lowered = {k.lower() for k in condition_keys}
    return tuple(dict.fromkeys(fn for key, fn in _SPECIALS if key in lowered))


def request_tags(params: Params) -> dict[str, object]:
    out: dict[str, object] = {}
    _request_tags(params, out)
    return out


def _condition_value(value: Any) -> object:
    if isinstance(value, (str, int, float, datetime)):
        return value
    if isinstance(value, list) and value and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    return None


def _tag_pairs(value: Any) -> dict[str, str]:
    """Tags as the services spell them: {k: v}; [{Key, Value}]; [{TagKey, TagValue}]; EC2's
    TagSpecifications [{Tags: [...]}]; S3's {TagSet: [...]}."""
    if isinstance(value, dict):
        if isinstance(value.get("TagSet"), list):
            return _tag_pairs(value["TagSet"])
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
    out: dict[str, str] = {}
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict):
            continue
        if "Tags" in item:
            out.update(_tag_pairs(item["Tags"]))
            continue
        key = item.get("Key", item.get("TagKey", item.get("key")))
        if isinstance(key, str):
            out[key] = str(item.get("Value", item.get("TagValue", item.get("value", ""))))
    return out


def _request_tags(params: Params, out: dict[str, object]) -> None:
    tags: dict[str, str] = {}
    for name in ("Tags", "tags", "TagSpecifications", "TagsList", "Tagging"):
        tags.update(_tag_pairs(params.get(name)))
    for key, value in tags.items():
        out[f"aws:RequestTag/{key}"] = value
    removed = params.get("TagKeys", params.get("tagKeys"))
    if tags or isinstance(removed, list):
        out["aws:TagKeys"] = list(tags) if tags else [str(k) for k in removed or ()]


def _encryption_context(params: Params, out: dict[str, object]) -> None:
    context = params.get("EncryptionContext")
    if isinstance(context, dict) and context:
        for key, value in context.items():
            out[f"kms:EncryptionContext:{key}"] = value
        out["kms:EncryptionContextKeys"] = list(context)


def _object_tags(params: Params, out: dict[str, object]) -> None:
    tagging = params.get("Tagging")
    tags = (
        dict(parse_qsl(tagging, keep_blank_values=True)) if isinstance(tagging, str) else _tag_pairs(tagging)
    )
    for key, value in tags.items():
        out[f"s3:RequestObjectTag/{key}"] = value
    if tags:
        out["s3:RequestObjectTagKeys"] = list(tags)


def _scalar(attribute: Any) -> str | None:
    if isinstance(attribute, dict):
        value = attribute.get("S", attribute.get("N"))
        return value if isinstance(value, str) else None
    return None


def _leading_keys(params: Params, out: dict[str, object]) -> None:
    # Which attribute is the partition key is the table's to say; a one-attribute key can only be it.
    key = params.get("Key")
    if isinstance(key, dict) and len(key) == 1:
        value = _scalar(next(iter(key.values())))
        if value is not None:
            out["dynamodb:LeadingKeys"] = [value]


def _attributes(params: Params, out: dict[str, object]) -> None:
    names: list[str] = []
    if isinstance(params.get("AttributesToGet"), list):
        names = [str(a) for a in params["AttributesToGet"]]
    elif isinstance(params.get("ProjectionExpression"), str):
        aliases = params.get("ExpressionAttributeNames") or {}
        for path in params["ProjectionExpression"].split(","):
            head = re.split(r"[.\[]", path.strip(), maxsplit=1)[0]
            names.append(aliases.get(head, head))
    elif isinstance(params.get("Item"), dict):
        names = list(params["Item"])
    if names:
        out["dynamodb:Attributes"] = list(dict.fromkeys(names))


# Condition keys (lower-case) whose values need more than a member's value, and who fills them.
_SPECIALS: tuple[tuple[str, Special], ...] = (
    ("aws:requesttag/${tagkey}", _request_tags),
    ("aws:tagkeys", _request_tags),
    ("kms:encryptioncontext:${encryptioncontextkey}", _encryption_context),
    ("s3:requestobjecttag/<key>", _object_tags),
    ("dynamodb:leadingkeys", _leading_keys),
    ("dynamodb:attributes", _attributes),
)
