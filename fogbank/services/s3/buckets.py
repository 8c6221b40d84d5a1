"""S3 buckets: naming, creation and deletion, location, listing, and the owner's view of them.

A bucket is a document keyed by its globally unique name (see store.py). Its owner also keeps an
index document per bucket (kind "owned-bucket", under the owner's account), so that ListBuckets and
the per-account quota read one account's buckets in name order without scanning everyone's.

`require_bucket` is how every bucket and object operation finds its bucket: NoSuchBucket when it is
missing, AccessDenied when another account owns it, unless the bucket's policy or ACLs (evaluated by the
authorize stage) let the caller in.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.objects_store import forget_bucket, has_versions
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.specs import loader
from fogbank.state import Transaction

__all__ = ["is_shared", "owner", "require_bucket", "save_bucket"]

OWNED = "owned-bucket"
MAX_BUCKETS_PAGE = 10_000

_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# LocationConstraint values AWS accepts that are not region names.
_LEGACY_CONSTRAINTS = {"EU": "eu-west-1"}


def owner(account: str) -> dict[str, str]:
    """The Owner element: S3 names accounts by a 64-hex canonical user id."""
    return {"ID": hashlib.sha256(f"fogbank-canonical-{account}".encode()).hexdigest()}


def no_such_bucket(name: str) -> ServiceError:
    return ServiceError(
        "NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": name}
    )


def require_bucket(ctx: Context, name: str) -> dict[str, Any]:
    """The bucket document, if it exists and the caller's account owns it."""
    assert ctx.tx is not None
    doc = ctx.tx.get_doc(SERVICE, BUCKET, "", "", name)
    if doc is None:
        raise no_such_bucket(name)
    if doc["Account"] != ctx.account and not is_shared(doc):
        # S3 names the bucket's region even when it refuses, so SDKs can tell a redirect from a denial.
        raise ServiceError(
            "AccessDenied", "Access Denied", 403, headers={"x-amz-bucket-region": doc["Region"]}
        )
    return doc


def is_shared(doc: dict[str, Any]) -> bool:
    """The bucket has a policy or ACL grants: the authorize stage already evaluated them, with the owner
    as the resource's account, so a caller of another account (or anonymous) got here by their grant."""
    enabled = doc.get("Ownership", "BucketOwnerEnforced") != "BucketOwnerEnforced"
    acls = enabled and bool(doc.get("Acl") or doc.get("ObjectAcls"))
    return bool(doc.get("Policy")) or acls


def save_bucket(tx: Transaction, doc: dict[str, Any]) -> None:
    tx.put_doc(SERVICE, BUCKET, "", "", doc["Name"], doc)


def check_bucket_name(name: str) -> None:
    """AWS's naming rules for general purpose buckets."""
    valid = (
        _NAME.fullmatch(name) is not None
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
        and not _is_ip(name)
    )
    if not valid:
        raise ServiceError(
            "InvalidBucketName", "The specified bucket is not valid.", 400, fields={"BucketName": name}
        )


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


@cache
def _location_constraints() -> frozenset[str]:
    """The constraints S3 accepts: the model's list (fogbank's patch lifts it from input validation)."""
    raw = loader().load_service_model("s3", "service-2")
    return frozenset(raw["shapes"]["BucketLocationConstraint"]["enum"])


def _bucket_region(ctx: Context, constraint: str | None) -> str:
    """The region a CreateBucket request puts the bucket in, or AWS's error for its constraint."""
    if constraint is None or constraint == "":
        if ctx.region != "us-east-1":
            raise ServiceError(
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific endpoint "
                "this request was sent to.",
                400,
            )
        return "us-east-1"
    if constraint not in _location_constraints():
        raise ServiceError(
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            400,
            fields={"LocationConstraint": constraint},
        )
    region = _LEGACY_CONSTRAINTS.get(constraint, constraint)
    # The us-east-1 endpoint (s3.amazonaws.com) creates buckets in any region; the others only in theirs.
    if ctx.region != "us-east-1" and region != ctx.region:
        raise ServiceError(
            "IllegalLocationConstraintException",
            f"The {constraint} location constraint is incompatible for the region specific endpoint "
            "this request was sent to.",
            400,
        )
    return region


@service.handler("CreateBucket")
def create_bucket(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    name = request["Bucket"]
    check_bucket_name(name)
    config = request.get("CreateBucketConfiguration") or {}
    region = _bucket_region(ctx, config.get("LocationConstraint"))
    existing = tx.get_doc(SERVICE, BUCKET, "", "", name)
    if existing is not None:
        if existing["Account"] != ctx.account:
            raise ServiceError(
                "BucketAlreadyExists",
                "The requested bucket name is not available. The bucket namespace is shared by all users "
                "of the system. Please select a different name and try again.",
                409,
                fields={"BucketName": name},
            )
        # us-east-1 keeps its legacy answer: creating a bucket you own there again succeeds.
        if existing["Region"] == "us-east-1" and region == "us-east-1":
            return {"Location": f"/{name}", "BucketArn": f"arn:aws:s3:::{name}"}
        raise ServiceError(
            "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it.",
            409,
            fields={"BucketName": name},
        )
    if len(tx.list_docs(SERVICE, OWNED, ctx.account, "")) >= ctx.settings.s3_bucket_quota:
        raise ServiceError("TooManyBuckets", "You have attempted to create more buckets than allowed", 400)
    created = ctx.clock.time()
    doc = {
        "Name": name,
        "Account": ctx.account,
        "Region": region,
        "CreationDate": created,
        "Versioning": "",
        "Tags": [],
    }
    if request.get("ObjectOwnership"):
        doc["Ownership"] = request["ObjectOwnership"]
    if request.get("ObjectLockEnabledForBucket"):
        # Object Lock needs versioning: the bucket starts with both (object_lock.py owns the rest).
        doc["Versioning"] = "Enabled"
        doc["ObjectLock"] = {"ObjectLockEnabled": "Enabled"}
    save_bucket(tx, doc)
    tx.put_doc(SERVICE, OWNED, ctx.account, "", name, {"Region": region, "CreationDate": created})
    location = f"/{name}" if region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": f"arn:aws:s3:::{name}"}


@service.handler("HeadBucket")
def head_bucket(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return {"BucketRegion": doc["Region"], "BucketArn": f"arn:aws:s3:::{doc['Name']}"}


@service.handler("GetBucketLocation")
def get_bucket_location(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    # us-east-1 buckets have no location constraint: the element is empty.
    return {"LocationConstraint": None if doc["Region"] == "us-east-1" else doc["Region"]}


def _token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode("ascii")


def _untoken(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeError) as exc:
        raise ServiceError("InvalidArgument", "The continuation token provided is incorrect", 400) from exc


@service.handler("ListBuckets")
def list_buckets(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    limit = request.get("MaxBuckets")
    if limit is not None and not 1 <= limit <= MAX_BUCKETS_PAGE:
        raise ServiceError(
            "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000", 400
        )
    prefix = request.get("Prefix") or ""
    region = request.get("BucketRegion")
    after = _untoken(request["ContinuationToken"]) if request.get("ContinuationToken") else None
    page = limit or MAX_BUCKETS_PAGE
    found: list[tuple[str, dict[str, Any]]] = []
    # One more than a page tells whether another page follows; a region filter may need several reads.
    while len(found) <= page:
        rows = tx.list_docs(SERVICE, OWNED, ctx.account, "", prefix=prefix, after=after, limit=page + 1)
        for name, doc in rows:
            after = name
            if region is None or doc["Region"] == region:
                found.append((name, doc))
                if len(found) > page:
                    break
        if len(rows) <= page:
            break
    buckets = [
        {
            "Name": name,
            "CreationDate": datetime.fromtimestamp(doc["CreationDate"], UTC),
            "BucketRegion": doc["Region"],
            "BucketArn": f"arn:aws:s3:::{name}",
        }
        for name, doc in found[:page]
    ]
    output: dict[str, Any] = {"Buckets": buckets, "Owner": owner(ctx.account)}
    if prefix:
        output["Prefix"] = prefix
    if len(found) > page:
        output["ContinuationToken"] = _token(buckets[-1]["Name"])
    return output


@service.handler("DeleteBucket")
def delete_bucket(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    if has_versions(tx, doc["Name"]):
        message = "The bucket you tried to delete is not empty"
        if doc.get("Versioning"):
            message += ". You must delete all versions in the bucket."
        raise ServiceError("BucketNotEmpty", message, 409, fields={"BucketName": doc["Name"]})
    forget_bucket(tx, doc["Name"])
    tx.delete_doc(SERVICE, BUCKET, "", "", doc["Name"])
    tx.delete_doc(SERVICE, OWNED, doc["Account"], "", doc["Name"])
    return {}


@service.handler("PutBucketVersioning")
def put_bucket_versioning(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    config = request.get("VersioningConfiguration") or {}
    status = config.get("Status")
    if status not in ("Enabled", "Suspended"):
        raise ServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            400,
        )
    if status == "Suspended" and doc.get("ObjectLock"):
        raise ServiceError(
            "InvalidBucketState",
            "An Object Lock configuration is present on this bucket, so the versioning state cannot be "
            "changed.",
            409,
        )
    doc["Versioning"] = status
    if config.get("MFADelete"):
        _check_mfa(request.get("MFA"))
        doc["MFADelete"] = config["MFADelete"]
    assert ctx.tx is not None
    save_bucket(ctx.tx, doc)
    return {}


def _check_mfa(header: str | None) -> None:
    """x-amz-mfa is "SERIAL CODE": the device's serial number or ARN, a space, and a six-digit code."""
    if header is None:
        raise ServiceError("AccessDenied", "Mfa Authentication must be used for this request", 403)
    serial, _, code = header.partition(" ")
    if not serial or not re.fullmatch(r"\d{6}", code):
        raise ServiceError(
            "InvalidArgument", "Invalid x-amz-mfa header", 400, fields={"ArgumentName": "x-amz-mfa"}
        )


@service.handler("GetBucketVersioning")
def get_bucket_versioning(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    output: dict[str, Any] = {}
    if doc.get("Versioning"):
        output["Status"] = doc["Versioning"]
    if doc.get("MFADelete"):
        output["MFADelete"] = doc["MFADelete"]
    return output
