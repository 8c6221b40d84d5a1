"""Object Lock: a bucket's lock configuration, each version's retention and legal hold, and what they refuse.

A bucket created with ObjectLockEnabledForBucket (or a versioned bucket given a configuration later,
as AWS now allows) carries "ObjectLock": {ObjectLockEnabled, Rule {DefaultRetention {Mode, Days|Years}}}.
A version's protection lives in its meta: "Retention" {Mode, RetainUntilDate (epoch seconds)} and
"LegalHold" ("ON" | "OFF"), set by PutObject's headers (or the bucket's default retention), by
PutObjectRetention and by PutObjectLegalHold.

A version is protected while a legal hold is ON or its retain-until date is still ahead on fogbank's
clock: deleting it by version id is refused (AccessDenied), except that GOVERNANCE retention yields to a
request with x-amz-bypass-governance-retention. A delete without a version id only adds a delete marker,
which is always allowed. COMPLIANCE retention is never shortened, removed or bypassed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy.actions import Requirement, derived_requirements
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.objects_store import ObjectVersion, get_latest, get_version, update_meta

__all__ = ["check_delete", "lock_headers", "lock_meta", "protected", "require_integrity"]

_DAY = 86400.0
_MODES = ("GOVERNANCE", "COMPLIANCE")
_BYPASS = "x-amz-bypass-governance-retention"


def _access_denied() -> ServiceError:
    return ServiceError("AccessDenied", "Access Denied", 403)


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def require_integrity(ctx: Context) -> None:
    """S3 wants Content-MD5 or an x-amz-checksum on these writes."""
    headers = ctx.request.headers
    if "content-md5" not in headers and not any(
        name.startswith("x-amz-checksum-") or name == "x-amz-trailer" for name in headers
    ):
        raise ServiceError(
            "InvalidRequest", "Missing required header for this request: Content-MD5 OR x-amz-checksum-*", 400
        )


def _missing_configuration() -> ServiceError:
    return ServiceError("InvalidRequest", "Bucket is missing Object Lock Configuration", 400)


def _retained(meta: dict[str, Any], now: float) -> str | None:
    """The mode of a retention still in force, or None."""
    retention = meta.get("Retention")
    if retention and retention["RetainUntilDate"] > now:
        return str(retention["Mode"])
    return None


def protected(meta: dict[str, Any], now: float) -> bool:
    """Whether a version may not be removed (by anyone) as of `now`."""
    return meta.get("LegalHold") == "ON" or _retained(meta, now) is not None


def _bypass(ctx: Context) -> bool:
    return ctx.request.headers.get(_BYPASS, "").strip().lower() == "true"


def check_delete(ctx: Context, version: ObjectVersion | None) -> None:
    """Refuse the permanent removal of a protected version, as S3 does."""
    if version is None:
        return
    now = ctx.clock.time()
    if version.meta.get("LegalHold") == "ON":
        raise _access_denied()
    mode = _retained(version.meta, now)
    if mode == "COMPLIANCE" or (mode == "GOVERNANCE" and not _bypass(ctx)):
        raise _access_denied()


def _future(when: datetime, now: float) -> float:
    stamp = when.timestamp()
    if stamp <= now:
        raise ServiceError("InvalidArgument", "The retain until date must be in the future!", 400)
    return stamp


def lock_meta(
    ctx: Context, bucket: dict[str, Any], request: dict[str, Any], *, integrity: bool = True
) -> dict[str, Any]:
    """The protection a PutObject-like request gives its new version: its headers, else the default.

    `integrity`: whether the request carries a body that S3 requires a Content-MD5 or checksum for
    (PutObject); CopyObject and CreateMultipartUpload send none.
    """
    mode, until, hold = (
        request.get("ObjectLockMode"),
        request.get("ObjectLockRetainUntilDate"),
        request.get("ObjectLockLegalHoldStatus"),
    )
    config = bucket.get("ObjectLock")
    if mode is None and until is None and hold is None:
        default = ((config or {}).get("Rule") or {}).get("DefaultRetention")
        if not default:
            return {}
        if integrity:
            require_integrity(ctx)
        days = default["Days"] if default.get("Days") is not None else default["Years"] * 365
        return {"Retention": {"Mode": default["Mode"], "RetainUntilDate": ctx.clock.time() + days * _DAY}}
    if not config:
        raise _missing_configuration()
    if integrity:
        require_integrity(ctx)
    meta: dict[str, Any] = {}
    if (mode is None) != (until is None):
        raise ServiceError(
            "InvalidArgument",
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
            400,
        )
    if mode is not None:
        if mode not in _MODES:
            raise ServiceError("InvalidArgument", "Unknown wormMode directive.", 400)
        meta["Retention"] = {"Mode": mode, "RetainUntilDate": _future(until, ctx.clock.time())}
    if hold is not None:
        if hold not in ("ON", "OFF"):
            raise ServiceError("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'", 400)
        meta["LegalHold"] = hold
    return meta


def lock_headers(meta: dict[str, Any]) -> dict[str, Any]:
    """The object lock members GetObject and HeadObject report."""
    out: dict[str, Any] = {}
    retention = meta.get("Retention")
    if retention:
        out["ObjectLockMode"] = retention["Mode"]
        out["ObjectLockRetainUntilDate"] = datetime.fromtimestamp(retention["RetainUntilDate"], UTC)
    if meta.get("LegalHold"):
        out["ObjectLockLegalHoldStatus"] = meta["LegalHold"]
    return out


def _with_bypass(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    """A request that bypasses GOVERNANCE retention needs s3:BypassGovernanceRetention on its objects."""
    assert ctx.operation is not None
    needs = derived_requirements(ctx, "s3", ctx.operation, params)
    if not params.get("BypassGovernanceRetention"):
        return needs
    keys = (
        [params["Key"]]
        if "Key" in params
        else [o["Key"] for o in (params.get("Delete") or {}).get("Objects") or []]
    )
    arn = f"arn:aws:s3:::{params['Bucket']}/"
    return [*needs, *(Requirement("s3:BypassGovernanceRetention", arn + key) for key in dict.fromkeys(keys))]


for _operation in ("DeleteObject", "DeleteObjects", "PutObjectRetention"):
    service.authorize(_operation)(_with_bypass)


@service.handler("PutObjectLockConfiguration")
def put_object_lock_configuration(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    require_integrity(ctx)
    bucket = require_bucket(ctx, request["Bucket"])
    spec = request.get("ObjectLockConfiguration") or {}
    if spec.get("ObjectLockEnabled") != "Enabled":
        raise _malformed()
    if not bucket.get("ObjectLock") and bucket.get("Versioning") != "Enabled":
        raise ServiceError(
            "InvalidBucketState",
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            409,
        )
    config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
    default = (spec.get("Rule") or {}).get("DefaultRetention")
    if spec.get("Rule") is not None:
        if not default or default.get("Mode") not in _MODES:
            raise _malformed()
        periods = [default[k] for k in ("Days", "Years") if default.get(k) is not None]
        if len(periods) != 1:
            raise _malformed()
        if periods[0] < 1:
            raise ServiceError(
                "InvalidArgument", "Default retention period must be a positive integer value", 400
            )
        config["Rule"] = {"DefaultRetention": dict(default)}
    bucket["ObjectLock"] = config
    assert ctx.tx is not None
    save_bucket(ctx.tx, bucket)
    return {}


@service.handler("GetObjectLockConfiguration")
def get_object_lock_configuration(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    if not bucket.get("ObjectLock"):
        raise ServiceError(
            "ObjectLockConfigurationNotFoundError",
            "Object Lock configuration does not exist for this bucket",
            404,
            fields={"BucketName": bucket["Name"]},
        )
    return {"ObjectLockConfiguration": bucket["ObjectLock"]}


def _target(ctx: Context, request: dict[str, Any]) -> tuple[dict[str, Any], ObjectVersion]:
    """The bucket (which must have Object Lock) and the version a retention or legal hold request names."""
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    if not bucket.get("ObjectLock"):
        raise _missing_configuration()
    key, version_id = request["Key"], request.get("VersionId")
    if version_id is None:
        version = get_latest(ctx.tx, bucket["Name"], key)
        if version is None or version.is_delete_marker:
            raise ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})
        return bucket, version
    version = get_version(ctx.tx, bucket["Name"], key, version_id)
    if version is None:
        raise ServiceError(
            "NoSuchVersion",
            "The specified version does not exist.",
            404,
            fields={"Key": key, "VersionId": version_id},
        )
    if version.is_delete_marker:
        raise ServiceError(
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            405,
            fields={"Method": "PUT", "ResourceType": "DeleteMarker"},
        )
    return bucket, version


@service.handler("PutObjectRetention")
def put_object_retention(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    require_integrity(ctx)
    _, version = _target(ctx, request)
    spec = request.get("Retention") or {}
    mode, until = spec.get("Mode"), spec.get("RetainUntilDate")
    if (mode is None) != (until is None) or (mode is not None and mode not in _MODES):
        raise _malformed()
    now = ctx.clock.time()
    new_until = _future(until, now) if until is not None else None
    current = version.meta.get("Retention")
    in_force = _retained(version.meta, now)
    if in_force is not None:
        weaker = new_until is None or new_until < current["RetainUntilDate"]
        if in_force == "COMPLIANCE" and (weaker or mode != "COMPLIANCE"):
            raise _access_denied()
        if in_force == "GOVERNANCE" and weaker and not request.get("BypassGovernanceRetention"):
            raise _access_denied()
    meta = {k: v for k, v in version.meta.items() if k != "Retention"}
    if mode is not None:
        meta["Retention"] = {"Mode": mode, "RetainUntilDate": new_until}
    assert ctx.tx is not None
    update_meta(ctx.tx, version, meta)
    return {}


@service.handler("GetObjectRetention")
def get_object_retention(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, version = _target(ctx, request)
    retention = version.meta.get("Retention")
    if not retention:
        raise ServiceError(
            "NoSuchObjectLockConfiguration",
            "The specified object does not have a ObjectLock configuration",
            404,
        )
    until = datetime.fromtimestamp(retention["RetainUntilDate"], UTC)
    return {"Retention": {"Mode": retention["Mode"], "RetainUntilDate": until}}


@service.handler("PutObjectLegalHold")
def put_object_legal_hold(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    require_integrity(ctx)
    _, version = _target(ctx, request)
    status = (request.get("LegalHold") or {}).get("Status")
    if status not in ("ON", "OFF"):
        raise _malformed()
    assert ctx.tx is not None
    update_meta(ctx.tx, version, {**version.meta, "LegalHold": status})
    return {}


@service.handler("GetObjectLegalHold")
def get_object_legal_hold(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, version = _target(ctx, request)
    if not version.meta.get("LegalHold"):
        raise ServiceError(
            "NoSuchObjectLockConfiguration",
            "The specified object does not have a ObjectLock configuration",
            404,
        )
    return {"LegalHold": {"Status": version.meta["LegalHold"]}}
