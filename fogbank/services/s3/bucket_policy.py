"""Bucket policies: Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus.

The policy is kept as written in the bucket document (`Policy`). It is validated on write by the policy
engine's grammar, and every Resource must lie within the bucket. While Block Public Access's
BlockPublicPolicy applies (bucket or account), a public policy is refused. policy_hook.py evaluates it.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import PolicyError, parse_policy
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.public_access import check_owner, effective, is_public_policy

__all__ = ["check_policy"]

_NOT_JSON = "Policies must be valid JSON and the first byte must be '{'"


def _malformed(message: str) -> ServiceError:
    return ServiceError("MalformedPolicy", message, 400)


def _resources(statement: Any) -> list[str]:
    if not isinstance(statement, dict):
        return []
    value = statement.get("Resource", statement.get("NotResource", []))
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def check_policy(bucket: str, text: str) -> None:
    """MalformedPolicy unless `text` is a valid resource policy on `bucket` alone."""
    if not text.startswith("{"):
        raise _malformed(_NOT_JSON)
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise _malformed(_NOT_JSON) from exc
    statements = raw.get("Statement") if isinstance(raw, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        for resource in _resources(statement):
            if resource != f"arn:aws:s3:::{bucket}" and not resource.startswith(f"arn:aws:s3:::{bucket}/"):
                raise _malformed("Policy has invalid resource")
    try:
        parse_policy(text, "resource")
    except PolicyError as exc:
        raise _malformed(str(exc)) from exc


@service.handler("PutBucketPolicy")
def put_bucket_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None and ctx.principal is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    text = request["Policy"]
    check_policy(doc["Name"], text)
    if effective(ctx.tx, doc)["BlockPublicPolicy"] and is_public_policy(text):
        raise ServiceError(
            "AccessDenied",
            f"User: {ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "
            f'"arn:aws:s3:::{doc["Name"]}" because public policies are blocked by the BlockPublicPolicy '
            "block public access setting.",
            403,
        )
    doc["Policy"] = text
    save_bucket(ctx.tx, doc)
    return {}


def _stored(ctx: Context, request: dict[str, Any]) -> str:
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    if not doc.get("Policy"):
        raise ServiceError(
            "NoSuchBucketPolicy", "The bucket policy does not exist", 404, fields={"BucketName": doc["Name"]}
        )
    return str(doc["Policy"])


@service.handler("GetBucketPolicy")
def get_bucket_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": _stored(ctx, request)}


@service.handler("GetBucketPolicyStatus")
def get_bucket_policy_status(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"PolicyStatus": {"IsPublic": is_public_policy(_stored(ctx, request))}}


@service.handler("DeleteBucketPolicy")
def delete_bucket_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    doc.pop("Policy", None)
    save_bucket(ctx.tx, doc)
    return {}
