"""Block Public Access: a bucket's four settings, the account's (kept here, served by s3control), and
what is public.

A bucket created today has all four settings on, as in AWS: a bucket document without
`PublicAccessBlock` has the default; DeletePublicAccessBlock leaves an empty one, which reads as "no
configuration" (all off). The account's settings are a document of kind "account-public-access-block".
What binds a request is the OR of the two (`effective`).

A policy is public as AWS's policy status says: an Allow to everyone (`*`, or a NotPrincipal) not pinned
by a condition on a fixed value of a key that names who or where the caller is (`is_public_policy`).
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.store import SERVICE
from fogbank.state import Transaction

__all__ = ["SETTINGS", "effective", "account_settings", "is_public_policy", "check_owner", "ACCOUNT_BLOCK"]

SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ACCOUNT_BLOCK = "account-public-access-block"
_DEFAULT = dict.fromkeys(SETTINGS, True)

# Keys whose fixed values make an Allow to everyone non-public (AWS's list for policy status).
_PINNING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:userid",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)


def check_owner(ctx: Context, doc: dict[str, Any]) -> None:
    """Configuration of a bucket is its owner account's alone, whatever its policy grants."""
    if doc["Account"] != ctx.account:
        raise ServiceError(
            "AccessDenied", "Access Denied", 403, headers={"x-amz-bucket-region": doc["Region"]}
        )


def bucket_settings(doc: dict[str, Any]) -> dict[str, bool] | None:
    block = doc.get("PublicAccessBlock", _DEFAULT)
    return {name: bool(block.get(name)) for name in SETTINGS} if block else None


def account_settings(tx: Transaction, account: str) -> dict[str, bool] | None:
    return tx.get_doc(SERVICE, ACCOUNT_BLOCK, account, "", "settings")


def effective(tx: Transaction, doc: dict[str, Any]) -> dict[str, bool]:
    bucket = bucket_settings(doc) or {}
    account = account_settings(tx, doc["Account"]) or {}
    return {name: bool(bucket.get(name) or account.get(name)) for name in SETTINGS}


def parse_settings(config: dict[str, Any] | None) -> dict[str, bool]:
    return {name: bool((config or {}).get(name, False)) for name in SETTINGS}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _everyone(statement: dict[str, Any]) -> bool:
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS", []))


def _public_cidr(value: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return True
    return network.prefixlen == 0


def _pinned(conditions: Any) -> bool:
    """A condition restricts the statement to fixed callers or networks."""
    for operator, block in (conditions or {}).items():
        op = operator.lower().removeprefix("foranyvalue:").removeprefix("forallvalues:")
        if op.startswith("not") or op.startswith("stringnot") or op.startswith("arnnot"):
            continue
        for key, values in (block or {}).items():
            items = [str(v) for v in _as_list(values)]
            if key.lower() == "aws:sourceip" and op.startswith("ipaddress"):
                if items and not any(_public_cidr(v) for v in items):
                    return True
            elif key.lower() in _PINNING_KEYS and not op.endswith("like"):
                if items and not any("*" in v or "?" in v for v in items):
                    return True
    return False


def is_public_policy(text: str) -> bool:
    raw = json.loads(text)
    for statement in _as_list(raw.get("Statement", [])):
        if isinstance(statement, dict) and statement.get("Effect") == "Allow" and _everyone(statement):
            if not _pinned(statement.get("Condition")):
                return True
    return False


@service.handler("PutPublicAccessBlock")
def put_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    doc["PublicAccessBlock"] = parse_settings(request.get("PublicAccessBlockConfiguration"))
    save_bucket(ctx.tx, doc)
    return {}


@service.handler("GetPublicAccessBlock")
def get_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    settings = bucket_settings(doc)
    if settings is None:
        raise no_configuration()
    return {"PublicAccessBlockConfiguration": settings}


@service.handler("DeletePublicAccessBlock")
def delete_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    doc["PublicAccessBlock"] = {}
    save_bucket(ctx.tx, doc)
    return {}


def no_configuration() -> ServiceError:
    return ServiceError(
        "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404
    )
