"""Bucket lifecycle: the configuration's operations, and the daily job that performs its actions.

Put/Get/DeleteBucketLifecycleConfiguration keep the rules on the bucket document (lifecycle_rules.py
validates them). Putting a configuration schedules the job "s3.lifecycle" for the bucket at the next
midnight UTC on fogbank's clock, as S3 evaluates lifecycle once a day. When the clock reaches it (or is
advanced past it) the job performs every action due by now — transitions, expirations, noncurrent
version actions, removal of expired object delete markers, aborts of stale multipart uploads — each as
of the midnight it came due, then schedules itself for the next midnight.

Expiration respects Object Lock: a protected version is never removed (a versioned bucket's current
version still gets its delete marker, which removes nothing). GetObject and HeadObject report the
expiration a rule sets for the current version (`expiration_header`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fogbank import scheduler
from fogbank.clock import OFFSET_KEY
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.lifecycle_rules import (
    DAY,
    check_rules,
    due_after,
    matches,
    output_rules,
    stored_rules,
)
from fogbank.services.s3.object_lock import protected, require_integrity
from fogbank.services.s3.objects_store import (
    NULL_VERSION,
    ObjectVersion,
    abort_uploads,
    put_delete_marker,
    remove_version,
    scan_versions,
    set_storage_class,
)
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.state import Transaction

__all__ = ["expiration_header"]

JOB = "lifecycle"
PAGE = 1000
SMALL_OBJECT = 128 * 1024
DEFAULT_MINIMUM = "all_storage_classes_128K"
_MINIMUMS = (DEFAULT_MINIMUM, "varies_by_storage_class")
# Lifecycle only moves objects down this ladder, never back up.
_RANK = {
    "STANDARD": 0,
    "REDUCED_REDUNDANCY": 0,
    "INTELLIGENT_TIERING": 1,
    "STANDARD_IA": 2,
    "ONEZONE_IA": 3,
    "GLACIER_IR": 4,
    "GLACIER": 5,
    "DEEP_ARCHIVE": 6,
}
_SMALL_OK = frozenset({"GLACIER", "DEEP_ARCHIVE"})  # under varies_by_storage_class


def _http_date(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _next_run(now: float) -> datetime:
    """The first midnight UTC strictly after `now`."""
    return datetime.fromtimestamp((math.floor(now / DAY) + 1) * DAY, UTC)


@service.handler("PutBucketLifecycleConfiguration")
def put_bucket_lifecycle_configuration(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    require_integrity(ctx)
    bucket = require_bucket(ctx, request["Bucket"])
    minimum = request.get("TransitionDefaultMinimumObjectSize") or DEFAULT_MINIMUM
    if minimum not in _MINIMUMS:
        raise ServiceError("InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize", 400)
    rules = check_rules(request.get("LifecycleConfiguration") or {})
    bucket["Lifecycle"] = {"Rules": rules, "TransitionDefaultMinimumObjectSize": minimum}
    assert ctx.tx is not None
    save_bucket(ctx.tx, bucket)
    scheduler.schedule(
        ctx.tx, f"s3.{JOB}", bucket["Name"], _next_run(ctx.clock.time()), {"Bucket": bucket["Name"]}
    )
    return {"TransitionDefaultMinimumObjectSize": minimum}


def _configured(ctx: Context, name: str) -> dict[str, Any]:
    bucket = require_bucket(ctx, name)
    if not bucket.get("Lifecycle"):
        raise ServiceError(
            "NoSuchLifecycleConfiguration",
            "The lifecycle configuration does not exist",
            404,
            fields={"BucketName": name},
        )
    return dict(bucket["Lifecycle"])


@service.handler("GetBucketLifecycleConfiguration")
def get_bucket_lifecycle_configuration(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    config = _configured(ctx, request["Bucket"])
    return {
        "Rules": output_rules(config["Rules"]),
        "TransitionDefaultMinimumObjectSize": config.get(
            "TransitionDefaultMinimumObjectSize", DEFAULT_MINIMUM
        ),
    }


@service.handler("DeleteBucketLifecycle")
def delete_bucket_lifecycle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    assert ctx.tx is not None
    if bucket.pop("Lifecycle", None) is not None:
        save_bucket(ctx.tx, bucket)
    scheduler.cancel(ctx.tx, f"s3.{JOB}", bucket["Name"])
    return {}


def _tags(version: ObjectVersion) -> list[dict[str, str]]:
    return list(version.meta.get("TagSet") or [])


def _expiry(rule: dict[str, Any], version: ObjectVersion) -> float | None:
    expiration = rule.get("Expiration") or {}
    if expiration.get("Date") is not None:
        return float(expiration["Date"])
    if expiration.get("Days") is not None:
        return due_after(version.last_modified, expiration["Days"])
    return None


def _enabled(bucket: dict[str, Any], version: ObjectVersion) -> Iterator[dict[str, Any]]:
    for rule in stored_rules(bucket):
        if rule["Status"] == "Enabled" and matches(rule, version.key, version.size, _tags(version)):
            yield rule


def expiration_header(bucket: dict[str, Any], version: ObjectVersion) -> dict[str, str]:
    """x-amz-expiration for the current version of an object a rule will expire."""
    if not version.is_latest or version.is_delete_marker:
        return {}
    found = [
        (t, rule["ID"]) for rule in _enabled(bucket, version) if (t := _expiry(rule, version)) is not None
    ]
    if not found:
        return {}
    when, rule_id = min(found)
    return {"Expiration": f'expiry-date="{_http_date(when)}", rule-id="{rule_id}"'}


def _now(tx: Transaction) -> float:
    """fogbank's time, read as the clock reads it (a job runs without a request's clock)."""
    return time.time() + float(tx.get_setting(OFFSET_KEY) or 0.0)


def _may_transition(minimum: str, rule: dict[str, Any], size: int, storage_class: str) -> bool:
    """The default minimum object size for transitions, unless the rule's filter names its own."""
    conditions = (rule.get("Filter") or {}).get("And", rule.get("Filter") or {})
    if size >= SMALL_OBJECT or conditions.get("ObjectSizeGreaterThan") is not None:
        return True
    return minimum == "varies_by_storage_class" and storage_class in _SMALL_OK


def _transition(
    tx: Transaction,
    version: ObjectVersion,
    rules: list[dict[str, Any]],
    since: float,
    now: float,
    minimum: str,
    member: str,
    days_key: str,
) -> None:
    """Move a version to the furthest storage class its rules have made due by now."""
    target = version.storage_class
    for rule in rules:
        for step in rule.get(member) or []:
            when = step["Date"] if step.get("Date") is not None else due_after(since, step[days_key])
            cls = step["StorageClass"]
            if (
                when <= now
                and _RANK[cls] > _RANK.get(target, 0)
                and _may_transition(minimum, rule, version.size, cls)
            ):
                target = cls
    if target != version.storage_class:
        set_storage_class(tx, version, target)


def _groups(tx: Transaction, name: str) -> Iterator[list[ObjectVersion]]:
    """Every key's versions, newest first, one key at a time."""
    start: str | None = None
    after_seq: int | None = None
    group: list[ObjectVersion] = []
    while True:
        page = scan_versions(tx, name, start=start, after_seq=after_seq, limit=PAGE)
        for version in page:
            if group and group[0].key != version.key:
                yield group
                group = []
            group.append(version)
        if len(page) < PAGE:
            break
        start, after_seq = page[-1].key, page[-1].seq
    if group:
        yield group


def _current(
    tx: Transaction, bucket: dict[str, Any], group: list[ObjectVersion], now: float
) -> list[ObjectVersion]:
    """Current-version actions: expiration, else transitions. Returns the key's versions afterwards."""
    latest = group[0]
    if not latest.is_latest or latest.is_delete_marker:
        return group
    rules = list(_enabled(bucket, latest))
    expiries = [t for rule in rules if (t := _expiry(rule, latest)) is not None and t <= now]
    versioning = bucket.get("Versioning", "")
    if expiries:
        if not versioning:
            remove_version(tx, latest.bucket, latest.key, NULL_VERSION)
            return []
        if versioning == "Suspended" and latest.version_id == NULL_VERSION and protected(latest.meta, now):
            return group  # the marker would replace the protected "null" version
        marker = put_delete_marker(tx, latest.bucket, latest.key, versioning, now=min(expiries))
        rest = [v for v in group if v.version_id != marker.version_id]
        latest.is_latest = False
        return [marker, *rest]
    minimum = (bucket.get("Lifecycle") or {}).get("TransitionDefaultMinimumObjectSize", DEFAULT_MINIMUM)
    _transition(tx, latest, rules, latest.last_modified, now, minimum, "Transitions", "Days")
    return group


def _noncurrent(
    tx: Transaction, bucket: dict[str, Any], group: list[ObjectVersion], now: float
) -> list[ObjectVersion]:
    """Noncurrent-version actions, by how long each version has been noncurrent. Returns what is left."""
    minimum = (bucket.get("Lifecycle") or {}).get("TransitionDefaultMinimumObjectSize", DEFAULT_MINIMUM)
    kept = group[:1]
    rank = 0  # noncurrent versions newer than this one
    for newer, version in zip(group, group[1:], strict=False):
        if version.is_delete_marker:
            kept.append(version)
            continue
        since = newer.last_modified
        rules = list(_enabled(bucket, version))
        expired = False
        for rule in rules:
            spec = rule.get("NoncurrentVersionExpiration")
            if not spec or rank < (spec.get("NewerNoncurrentVersions") or 0):
                continue
            if due_after(since, spec["NoncurrentDays"]) <= now and not protected(version.meta, now):
                expired = True
        rank += 1
        if expired:
            remove_version(tx, version.bucket, version.key, version.version_id)
            continue
        _transition(tx, version, rules, since, now, minimum, "NoncurrentVersionTransitions", "NoncurrentDays")
        kept.append(version)
    return kept


def _expired_marker(tx: Transaction, bucket: dict[str, Any], group: list[ObjectVersion]) -> None:
    """A delete marker that is all that is left of its key goes, when a rule asks for that."""
    if len(group) != 1 or not group[0].is_delete_marker:
        return
    marker = group[0]
    for rule in _enabled(bucket, marker):
        if (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker"):
            remove_version(tx, marker.bucket, marker.key, marker.version_id)
            return


def run_lifecycle(tx: Transaction, bucket: dict[str, Any], now: float) -> None:
    """Perform every action of the bucket's enabled rules that has come due by `now`."""
    name = bucket["Name"]
    for group in _groups(tx, name):
        group = _current(tx, bucket, group, now)
        if group:
            group = _noncurrent(tx, bucket, group, now)
            _expired_marker(tx, bucket, group)
    today = math.floor(now / DAY) * DAY
    for rule in stored_rules(bucket):
        abort = rule.get("AbortIncompleteMultipartUpload")
        if rule["Status"] == "Enabled" and abort:
            spec = rule.get("Filter") or {}
            prefix = rule.get("Prefix", spec.get("And", spec).get("Prefix")) or ""
            abort_uploads(tx, name, prefix, today - abort["DaysAfterInitiation"] * DAY)


@service.job(JOB)
def lifecycle_job(tx: Transaction, payload: dict[str, Any]) -> None:
    bucket = tx.get_doc(SERVICE, BUCKET, "", "", payload["Bucket"])
    if bucket is None or not bucket.get("Lifecycle"):
        return
    now = _now(tx)
    run_lifecycle(tx, bucket, now)
    scheduler.schedule(tx, f"s3.{JOB}", bucket["Name"], _next_run(now), payload)
