"""Lifecycle rules as values: AWS's validation of a configuration, filters, and when an action is due.

A configuration is kept on the bucket document as "Lifecycle": the rules in AWS member names, with
dates as epoch seconds (JSON has no datetime). Every time here is epoch seconds on fogbank's clock.

S3 evaluates lifecycle once a day: an action's time is its object's creation (or, for noncurrent
actions, the moment a newer version replaced it) plus the rule's days, rounded up to the next
midnight UTC; a rule with a Date acts from that midnight on.
"""

from __future__ import annotations

import math
import secrets
from datetime import UTC, datetime
from typing import Any

from fogbank.errors import ServiceError

__all__ = ["DAY", "check_rules", "due_after", "matches", "output_rules", "stored_rules"]

DAY = 86400.0
MAX_RULES = 1000
MAX_ID = 255
# Transitions S3 refuses before an object is this many days old (current and noncurrent alike).
_MIN_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")


def next_midnight(when: float) -> float:
    """The first midnight UTC at or after `when`."""
    return math.ceil(when / DAY) * DAY


def due_after(start: float, days: int) -> float:
    """When an action `days` after `start` comes due: rounded up to the next midnight UTC."""
    return next_midnight(start + days * DAY)


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidArgument", message, 400)


def _epoch(value: datetime) -> float:
    stamp = value.timestamp()
    if stamp % DAY:
        raise _invalid("'Date' must be at midnight GMT")
    return stamp


def _check_days(days: int | None, what: str, action: str) -> None:
    if days is not None and days < 1:
        raise _invalid(f"'{what}' for {action} action must be a positive integer")


def _transitions(items: list[dict[str, Any]], days_key: str) -> list[dict[str, Any]]:
    out = []
    for item in items:
        cls = item.get("StorageClass")
        if cls not in _CLASSES:
            raise _malformed()
        days = item.get(days_key)
        dated = days_key == "Days" and item.get("Date") is not None
        if (days is None) != dated:
            raise _malformed()
        if days is not None:
            if days < 0:
                raise _invalid(f"'{days_key}' in Transition action must be nonnegative")
            minimum = _MIN_DAYS.get(cls, 0)
            if days < minimum:
                raise _invalid(
                    f"'{days_key}' in {'Transition' if days_key == 'Days' else 'NoncurrentVersionTransition'}"
                    f" action must be greater than or equal to {minimum} for storageClass '{cls}'"
                )
        entry = {k: v for k, v in item.items() if k != "Date"}
        if item.get("Date") is not None:
            entry["Date"] = _epoch(item["Date"])
        out.append(entry)
    if len({t["StorageClass"] for t in out}) != len(out):
        raise _invalid("'StorageClass' must be different for 'Transition' actions in same 'Rule'")
    return out


_FILTER_MEMBERS = ("Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan")


def _scope(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's scope as stored: its Filter, or the deprecated rule-level Prefix, never both."""
    spec = rule.get("Filter")
    if (spec is None) == (rule.get("Prefix") is None):
        raise _malformed()
    if spec is None:
        return {"Prefix": rule["Prefix"]}
    if len([k for k in _FILTER_MEMBERS if k in spec]) > 1:
        raise _malformed()
    conditions = spec.get("And", spec)
    low, high = conditions.get("ObjectSizeGreaterThan"), conditions.get("ObjectSizeLessThan")
    if low is not None and high is not None and low >= high:
        raise _invalid("ObjectSizeGreaterThan must be less than ObjectSizeLessThan")
    return {"Filter": dict(spec)}


def _tags(spec: dict[str, Any]) -> list[dict[str, str]]:
    conditions = spec.get("And", spec)
    return list(conditions.get("Tags") or ([conditions["Tag"]] if conditions.get("Tag") else []))


def _check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise _malformed()
    rule_id = rule.get("ID") or secrets.token_urlsafe(36)[:48]
    if len(rule_id) > MAX_ID:
        raise _invalid("ID length should not exceed allowed limit of 255")
    out: dict[str, Any] = {"ID": rule_id, "Status": rule["Status"], **_scope(rule)}
    actions = (
        "Expiration",
        "Transitions",
        "NoncurrentVersionTransitions",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    )
    if not any(rule.get(a) for a in actions):
        raise ServiceError("InvalidRequest", "At least one action needs to be specified in a rule", 400)
    tags = _tags(rule.get("Filter") or {})
    expiration = rule.get("Expiration")
    if expiration:
        chosen = [k for k in ("Days", "Date", "ExpiredObjectDeleteMarker") if expiration.get(k) is not None]
        if len(chosen) != 1:
            raise _malformed()
        _check_days(expiration.get("Days"), "Days", "Expiration")
        if expiration.get("ExpiredObjectDeleteMarker") is not None and tags:
            raise _invalid("ExpiredObjectDeleteMarker cannot be specified with a tag-based filter")
        out["Expiration"] = dict(expiration)
        if expiration.get("Date") is not None:
            out["Expiration"]["Date"] = _epoch(expiration["Date"])
    if rule.get("Transitions"):
        out["Transitions"] = _transitions(rule["Transitions"], "Days")
        days = [t["Days"] for t in out["Transitions"] if "Days" in t]
        if expiration and expiration.get("Days") is not None and days and expiration["Days"] <= max(days):
            raise _invalid(
                "'Days' in the Expiration action must be greater than 'Days' in the Transition action"
            )
    if rule.get("NoncurrentVersionTransitions"):
        out["NoncurrentVersionTransitions"] = _transitions(
            rule["NoncurrentVersionTransitions"], "NoncurrentDays"
        )
    noncurrent = rule.get("NoncurrentVersionExpiration")
    if noncurrent:
        if noncurrent.get("NoncurrentDays") is None:
            raise _malformed()
        _check_days(noncurrent["NoncurrentDays"], "NoncurrentDays", "NoncurrentVersionExpiration")
        out["NoncurrentVersionExpiration"] = dict(noncurrent)
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort:
        if tags:
            raise _invalid("AbortIncompleteMultipartUpload cannot be specified with Tags.")
        if abort.get("DaysAfterInitiation") is None or abort["DaysAfterInitiation"] < 1:
            raise _invalid(
                "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"
            )
        out["AbortIncompleteMultipartUpload"] = dict(abort)
    return out


def check_rules(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored form of a LifecycleConfiguration, or AWS's error for what is wrong with it."""
    rules = config.get("Rules") or []
    if not rules or len(rules) > MAX_RULES:
        raise _malformed()
    stored = [_check_rule(rule) for rule in rules]
    ids = [rule["ID"] for rule in stored]
    if len(set(ids)) != len(ids):
        raise _invalid("Rule ID must be unique. Found same ID for more than one rule")
    return stored


def _dated(value: dict[str, Any]) -> dict[str, Any]:
    return {k: datetime.fromtimestamp(v, UTC) if k == "Date" else v for k, v in value.items()}


def output_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored rules as GetBucketLifecycleConfiguration returns them."""
    out = []
    for rule in rules:
        item = dict(rule)
        if "Expiration" in item:
            item["Expiration"] = _dated(item["Expiration"])
        if "Transitions" in item:
            item["Transitions"] = [_dated(t) for t in item["Transitions"]]
        out.append(item)
    return out


def stored_rules(bucket: dict[str, Any]) -> list[dict[str, Any]]:
    return list((bucket.get("Lifecycle") or {}).get("Rules") or [])


def matches(rule: dict[str, Any], key: str, size: int, tags: list[dict[str, str]]) -> bool:
    """Whether an object (its key, size and tag set) is in the rule's scope."""
    if "Prefix" in rule:
        return key.startswith(rule["Prefix"] or "")
    spec = rule.get("Filter") or {}
    conditions = spec.get("And", spec)
    if not key.startswith(conditions.get("Prefix") or ""):
        return False
    low, high = conditions.get("ObjectSizeGreaterThan"), conditions.get("ObjectSizeLessThan")
    if low is not None and not size > low:
        return False
    if high is not None and not size < high:
        return False
    have = {(t["Key"], t["Value"]) for t in tags}
    return all((t["Key"], t["Value"]) in have for t in _tags(spec))
