"""RestoreObject: temporary copies of GLACIER and DEEP_ARCHIVE objects, timed by fogbank's clock.

A restore is a timestamp pair in the version's meta["Restore"]: when the retrieval completes (its tier's
time after the request) and for how many days the copy stays. Nothing runs when time passes: GET, HEAD
and RestoreObject compare the timestamps with the clock when they read them, so `fogbank clock advance`
completes retrievals and expires copies at once. As S3 says, a copy expires at midnight UTC after its
days have run from completion.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket
from fogbank.services.s3.objects_store import ObjectVersion, update_meta
from fogbank.services.s3.versions import resolve

__all__ = ["ARCHIVED", "readable", "restore_header"]

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
_HOUR = 3600.0
_DAY = 86400.0
# Retrieval times by storage class and tier.
_TIERS = {
    "GLACIER": {"Expedited": 5 * 60.0, "Standard": 5 * _HOUR, "Bulk": 12 * _HOUR},
    "DEEP_ARCHIVE": {"Standard": 12 * _HOUR, "Bulk": 48 * _HOUR},
}


def _state(meta: dict[str, Any], now: float) -> str | None:
    """ "ongoing", "restored", or None (never restored, or the copy has expired)."""
    restore = meta.get("Restore")
    if not restore:
        return None
    if now < restore["CompletesAt"]:
        return "ongoing"
    return "restored" if now < _expiry(restore) else None


def _expiry(restore: dict[str, Any]) -> float:
    return math.ceil((restore["CompletesAt"] + restore["Days"] * _DAY) / _DAY) * _DAY


def readable(version: ObjectVersion, now: float) -> bool:
    """Whether GetObject may read the bytes: archived objects only while a restored copy exists."""
    return version.storage_class not in ARCHIVED or _state(version.meta, now) == "restored"


def restore_header(meta: dict[str, Any], now: float) -> str | None:
    """The x-amz-restore header for an object with a restore in progress or a restored copy."""
    state = _state(meta, now)
    if state == "ongoing":
        return 'ongoing-request="true"'
    if state == "restored":
        expiry = datetime.fromtimestamp(_expiry(meta["Restore"]), UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        return f'ongoing-request="false", expiry-date="{expiry}"'
    return None


@service.handler("RestoreObject")
def restore_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "POST")
    if version.storage_class not in ARCHIVED:
        raise ServiceError(
            "InvalidObjectState",
            "Restore is not allowed for the object's current storage class",
            403,
            fields={"StorageClass": version.storage_class},
        )
    spec = request.get("RestoreRequest") or {}
    days = spec.get("Days")
    if days is None or days < 1:
        raise ServiceError("InvalidArgument", "Days must be a positive integer", 400)
    tier = (spec.get("GlacierJobParameters") or {}).get("Tier") or spec.get("Tier") or "Standard"
    durations = _TIERS[version.storage_class]
    if tier not in durations:
        raise ServiceError(
            "InvalidArgument",
            f"{tier} retrieval is not supported for the {version.storage_class} storage class",
            400,
        )
    now = ctx.clock.time()
    state = _state(version.meta, now)
    if state == "ongoing":
        raise ServiceError("RestoreAlreadyInProgress", "Object restore is already in progress", 409)
    if state == "restored":
        # Restoring a restored copy again only sets how long it stays, counted from now.
        restore = {**version.meta["Restore"], "CompletesAt": now, "Days": days}
    else:
        restore = {"Tier": tier, "Days": days, "RequestedAt": now, "CompletesAt": now + durations[tier]}
    update_meta(ctx.tx, version, {**version.meta, "Restore": restore})
    return {}
