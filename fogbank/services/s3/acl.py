"""Access control lists: Put/GetBucketAcl, Put/GetObjectAcl, canned ACLs and grants, and what an ACL
allows.

A bucket's grants are kept in its document (`Acl`: [{Grantee, Permission}]), an object version's in its
meta (`Acl`); none kept means the canned `private` (the owner's FULL_CONTROL). While the bucket's
ownership is BucketOwnerEnforced (the default) ACLs are disabled: they grant nothing, and setting one
other than the owner's full control fails with AccessControlListNotSupported. Block Public Access
refuses (BlockPublicAcls) or ignores (IgnorePublicAcls) grants to AllUsers and AuthenticatedUsers.

`acl_policy` turns the grants that reach the caller into a resource policy of their own: AllUsers into
a grant to everyone, AuthenticatedUsers and the caller's account's canonical user into a grant to the
caller's account (which delegates to its identity policies, as an ACL grant to an account does).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import LabelledPolicy, parse_policy
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import create_bucket, owner, require_bucket, save_bucket
from fogbank.services.s3.objects_store import get_latest, get_version, update_meta
from fogbank.services.s3.ownership import ENFORCED, ownership
from fogbank.services.s3.public_access import check_owner, effective
from fogbank.services.s3.versions import resolve, version_header
from fogbank.state import Transaction

__all__ = ["acl_meta", "acl_policy", "request_grants", "check_settable"]

GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS + "global/AllUsers"
AUTHENTICATED = GROUPS + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS + "s3/LogDelivery"
_PUBLIC = (ALL_USERS, AUTHENTICATED)
_PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP")
_HEADERS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantWrite": "WRITE",
    "GrantReadACP": "READ_ACP",
    "GrantWriteACP": "WRITE_ACP",
}
_HEADER_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)')

# What each permission allows, on the bucket and on objects (AWS's ACL permission mapping).
_BUCKET_ACTIONS = {
    "READ": ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
    "WRITE": ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
    "READ_ACP": ["s3:GetBucketAcl"],
    "WRITE_ACP": ["s3:PutBucketAcl"],
}
_OBJECT_ACTIONS = {
    "READ": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"],
    "READ_ACP": ["s3:GetObjectAcl", "s3:GetObjectVersionAcl"],
    "WRITE_ACP": ["s3:PutObjectAcl", "s3:PutObjectVersionAcl"],
}


def _grant(grantee: dict[str, str], permission: str) -> dict[str, Any]:
    return {"Grantee": grantee, "Permission": permission}


def _group(uri: str) -> dict[str, str]:
    return {"Type": "Group", "URI": uri}


def _user(account: str) -> dict[str, str]:
    return {"Type": "CanonicalUser", "ID": owner(account)["ID"]}


def canned(acl: str, account: str, bucket_owner: str) -> list[dict[str, Any]]:
    grants = [_grant(_user(account), "FULL_CONTROL")]
    extra = {
        "private": [],
        "public-read": [_grant(_group(ALL_USERS), "READ")],
        "public-read-write": [_grant(_group(ALL_USERS), "READ"), _grant(_group(ALL_USERS), "WRITE")],
        "authenticated-read": [_grant(_group(AUTHENTICATED), "READ")],
        "bucket-owner-read": [_grant(_user(bucket_owner), "READ")] if bucket_owner != account else [],
        "bucket-owner-full-control": (
            [_grant(_user(bucket_owner), "FULL_CONTROL")] if bucket_owner != account else []
        ),
        "log-delivery-write": [
            _grant(_group(LOG_DELIVERY), "WRITE"),
            _grant(_group(LOG_DELIVERY), "READ_ACP"),
        ],
    }.get(acl)
    if extra is None:
        raise ServiceError(
            "InvalidArgument", "", 400, fields={"ArgumentName": "x-amz-acl", "ArgumentValue": acl}
        )
    return grants + extra


def _header_grants(request: dict[str, Any]) -> list[dict[str, Any]]:
    grants = []
    for member, permission in _HEADERS.items():
        text = request.get(member)
        if not text:
            continue
        for kind, value in _HEADER_GRANTEE.findall(text):
            grants.append(
                _grant(
                    _grantee({"id": "ID", "uri": "URI", "emailAddress": "EmailAddress"}[kind], value),
                    permission,
                )
            )
    return grants


def _grantee(field: str, value: str) -> dict[str, str]:
    if field == "ID":
        return {"Type": "CanonicalUser", "ID": value}
    if field == "URI":
        if not value.startswith(GROUPS) or value not in (ALL_USERS, AUTHENTICATED, LOG_DELIVERY):
            raise ServiceError("InvalidArgument", "Invalid group uri", 400)
        return _group(value)
    # fogbank keeps no e-mail address for accounts, so none resolves.
    raise ServiceError(
        "UnresolvableGrantByEmailAddress",
        "The e-mail address you provided does not match any account on record.",
        400,
        fields={"EmailAddressProvided": value},
    )


def _body_grants(policy: dict[str, Any]) -> list[dict[str, Any]]:
    grants = []
    for grant in policy.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        permission = grant.get("Permission")
        if permission not in _PERMISSIONS:
            raise ServiceError(
                "MalformedACLError",
                "The XML you provided was not well-formed or did not validate against our published schema",
                400,
            )
        kind = grantee.get("Type")
        field = {"CanonicalUser": "ID", "Group": "URI", "AmazonCustomerByEmail": "EmailAddress"}.get(
            str(kind)
        )
        if field is None or not grantee.get(field):
            raise ServiceError(
                "MalformedACLError",
                "The XML you provided was not well-formed or did not validate against our published schema",
                400,
            )
        grants.append(_grant(_grantee(field, str(grantee[field])), str(permission)))
    return grants


def request_grants(ctx: Context, request: dict[str, Any], bucket_owner: str) -> list[dict[str, Any]] | None:
    """The grants a request sets (canned, headers or body), or None when it sets none."""
    if request.get("ACL"):
        return canned(request["ACL"], ctx.account, bucket_owner)
    grants = _header_grants(request)
    if grants:
        return grants
    if request.get("AccessControlPolicy"):
        return _body_grants(request["AccessControlPolicy"])
    return None


def _is_public(grants: list[dict[str, Any]]) -> bool:
    return any(g["Grantee"].get("URI") in _PUBLIC for g in grants)


def _owner_only(grants: list[dict[str, Any]], bucket_owner: str) -> bool:
    owner_id = owner(bucket_owner)["ID"]
    return all(g["Grantee"].get("ID") == owner_id and g["Permission"] == "FULL_CONTROL" for g in grants)


def check_settable(
    ctx: Context, doc: dict[str, Any], grants: list[dict[str, Any]], canned_acl: str | None
) -> None:
    """AWS's refusals of an ACL on this bucket: ACLs disabled, or public ACLs blocked."""
    assert ctx.tx is not None
    # With ACLs disabled, only ACLs that leave the bucket owner in full control are accepted.
    accepted = canned_acl in ("private", "bucket-owner-full-control") or _owner_only(grants, doc["Account"])
    if ownership(doc) == ENFORCED and not accepted:
        raise ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
    if _is_public(grants) and effective(ctx.tx, doc)["BlockPublicAcls"]:
        raise ServiceError("AccessDenied", "Access Denied", 403)


def _mark_shared(ctx: Context, doc: dict[str, Any], grants: list[dict[str, Any]]) -> None:
    """Marks the bucket as one whose objects may be shared with other accounts (buckets.is_shared)."""
    assert ctx.tx is not None
    if not _owner_only(grants, doc["Account"]) and not doc.get("ObjectAcls"):
        doc["ObjectAcls"] = True
        save_bucket(ctx.tx, doc)


def acl_meta(ctx: Context, doc: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The ACL a PutObject sets (x-amz-acl or x-amz-grant-*), checked against the bucket's settings."""
    grants = request_grants(ctx, request, doc["Account"])
    if grants is None:
        return {}
    check_settable(ctx, doc, grants, request.get("ACL"))
    if ownership(doc) == ENFORCED:
        return {}
    _mark_shared(ctx, doc, grants)
    return {"Acl": grants}


def _stored(doc: dict[str, Any], grants: list[dict[str, Any]] | None, account: str) -> list[dict[str, Any]]:
    if ownership(doc) == ENFORCED or grants is None:
        return [_grant(_user(account), "FULL_CONTROL")]
    return grants


def _reaches(grantee: dict[str, str], caller: str, ignore_public: bool) -> str | None:
    """Whom the policy names for a grant that reaches the caller's account (`caller`, "" if anonymous)."""
    uri = grantee.get("URI")
    if uri == ALL_USERS and not ignore_public:
        return "*"
    if caller and uri == AUTHENTICATED and not ignore_public:
        return f"arn:aws:iam::{caller}:root"
    if caller and grantee.get("ID") == owner(caller)["ID"]:
        return f"arn:aws:iam::{caller}:root"
    return None


def acl_policy(
    ctx: Context, tx: Transaction, doc: dict[str, Any], key: str | None, version_id: str | None
) -> LabelledPolicy | None:
    """The bucket's (and with `key`, the object's) ACL grants that reach the caller, as a policy."""
    if ownership(doc) == ENFORCED:
        return None
    caller = ctx.principal.account if ctx.principal is not None else ""
    if caller == doc["Account"]:
        return None  # the owner's own grants add nothing to what its identity policies decide
    ignore = effective(tx, doc)["IgnorePublicAcls"]
    arn = f"arn:aws:s3:::{doc['Name']}"
    statements = []
    table = _OBJECT_ACTIONS if key is not None else _BUCKET_ACTIONS
    grants = list(doc.get("Acl") or [])
    if key is not None:
        version = (
            get_version(tx, doc["Name"], key, version_id) if version_id else get_latest(tx, doc["Name"], key)
        )
        grants = list(version.meta.get("Acl") or []) if version is not None else []
        # WRITE on the bucket lets the grantee write its objects.
        statements += _statements(
            doc.get("Acl") or [], caller, ignore, {"WRITE": _BUCKET_ACTIONS["WRITE"]}, arn + "/*"
        )
    statements += _statements(grants, caller, ignore, table, arn + ("/" + key if key is not None else ""))
    if not statements:
        return None
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return LabelledPolicy(f"ACL of {doc['Name']}", parse_policy(text, "resource"))


def _statements(
    grants: list[dict[str, Any]], caller: str, ignore: bool, table: dict[str, list[str]], resource: str
) -> list[dict[str, Any]]:
    out = []
    for grant in grants:
        who = _reaches(grant["Grantee"], caller, ignore)
        if who is None:
            continue
        permission = grant["Permission"]
        actions = (
            [a for p in table.values() for a in p] if permission == "FULL_CONTROL" else table.get(permission)
        )
        if actions:
            principal: Any = "*" if who == "*" else {"AWS": who}
            out.append({"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resource})
    return out


def _answer(doc_owner: str, grants: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Owner": owner(doc_owner), "Grants": grants}


@service.handler("PutBucketAcl")
def put_bucket_acl(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    check_owner(ctx, doc)
    grants = request_grants(ctx, request, doc["Account"])
    if grants is None:
        raise _missing_acl()
    check_settable(ctx, doc, grants, request.get("ACL"))
    doc["Acl"] = grants
    save_bucket(ctx.tx, doc)
    return {}


def _missing_acl() -> ServiceError:
    return ServiceError(
        "MissingSecurityHeader",
        "Your request was missing a required header",
        400,
        fields={"MissingHeaderName": "x-amz-acl"},
    )


@service.handler("GetBucketAcl")
def get_bucket_acl(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return _answer(doc["Account"], _stored(doc, doc.get("Acl"), doc["Account"]))


@service.handler("PutObjectAcl")
def put_object_acl(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, doc, request["Key"], request.get("VersionId"), "PUT")
    grants = request_grants(ctx, request, doc["Account"])
    if grants is None:
        raise _missing_acl()
    check_settable(ctx, doc, grants, request.get("ACL"))
    update_meta(ctx.tx, version, {**version.meta, "Acl": grants})
    _mark_shared(ctx, doc, grants)
    return version_header(doc, version)


@service.handler("GetObjectAcl")
def get_object_acl(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, doc, request["Key"], request.get("VersionId"), "GET")
    writer = doc["Account"] if ownership(doc) == ENFORCED else str(version.meta.get("Owner", doc["Account"]))
    out = _answer(writer, _stored(doc, version.meta.get("Acl"), writer))
    out.update(version_header(doc, version))
    return out


@service.handler("CreateBucket")
def create_bucket_with_acl(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """CreateBucket, then the ACL it sets (x-amz-acl, x-amz-grant-*), refused as AWS refuses it."""
    assert ctx.tx is not None
    grants = request_grants(ctx, request, ctx.account)
    out = create_bucket(ctx, request)
    if grants is None:
        return out
    doc = require_bucket(ctx, request["Bucket"])
    if ownership(doc) == ENFORCED and not (
        request.get("ACL") in ("private", "bucket-owner-full-control") or _owner_only(grants, ctx.account)
    ):
        raise ServiceError(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
            400,
        )
    check_settable(ctx, doc, grants, request.get("ACL"))
    if ownership(doc) != ENFORCED:
        doc["Acl"] = grants
        save_bucket(ctx.tx, doc)
    return out
