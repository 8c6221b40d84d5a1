"""Object Ownership: Put/Get/DeleteBucketOwnershipControls.

Kept in the bucket document as `Ownership`: absent means BucketOwnerEnforced (the default for new
buckets, ACLs disabled); "" means the controls were deleted, which S3 treats as ObjectWriter.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import owner, require_bucket, save_bucket
from fogbank.services.s3.public_access import check_owner

__all__ = ["ENFORCED", "ownership"]

ENFORCED = "BucketOwnerEnforced"
_SETTINGS = (ENFORCED, "BucketOwnerPreferred", "ObjectWriter")


def ownership(doc: dict[str, Any]) -> str:
    return str(doc.get("Ownership", ENFORCED) or "ObjectWriter")


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


@service.handler("PutBucketOwnershipControls")
def put_bucket_ownership_controls(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    rules = (request.get("OwnershipControls") or {}).get("Rules") or []
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in _SETTINGS:
        raise _malformed()
    setting = rules[0]["ObjectOwnership"]
    owner_id = owner(doc["Account"])["ID"]
    grants = doc.get("Acl") or []
    if setting == ENFORCED and any(g["Grantee"].get("ID") != owner_id for g in grants):
        raise ServiceError(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
            400,
        )
    doc["Ownership"] = setting
    save_bucket(ctx.tx, doc)
    return {}


@service.handler("GetBucketOwnershipControls")
def get_bucket_ownership_controls(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    if doc.get("Ownership", ENFORCED) == "":
        raise ServiceError(
            "OwnershipControlsNotFoundError",
            "The bucket ownership controls were not found",
            404,
            fields={"BucketName": doc["Name"]},
        )
    return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership(doc)}]}}


@service.handler("DeleteBucketOwnershipControls")
def delete_bucket_ownership_controls(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    doc["Ownership"] = ""
    save_bucket(ctx.tx, doc)
    return {}
