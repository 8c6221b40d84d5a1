"""Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed.

A key id is AKIA and 16 upper-case alphanumerics; its 40-character secret is returned by
CreateAccessKey only. A user (and the root user) has at most two keys. Keys are looked up by id
alone when a request is signed, so they live in account "" (see store.py); a user's keys are found
by its UserId.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.owners import target_user
from fogbank.state import Transaction

__all__ = ["MAX_KEYS", "keys_of"]

MAX_KEYS = 2
# AWS's secrets are base64-alphabet strings.
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def keys_of(tx: Transaction, account: str, user_id: str) -> list[dict[str, Any]]:
    """The access keys of one user (or, given the account id, of the root user), oldest first."""
    rows = tx.list_docs(store.SERVICE, store.ACCESS_KEY, "", store.REGION, prefix="AKIA")
    keys = [
        doc | {"AccessKeyId": key}
        for key, doc in rows
        if doc["Account"] == account and doc["UserId"] == user_id
    ]
    return sorted(keys, key=lambda doc: (doc["CreateDate"], doc["AccessKeyId"]))


def _owner(ctx: Context, request: dict[str, Any]) -> tuple[str, str | None, str]:
    """(UserId, UserName, Arn) of the user whose keys these are; for the root user (account, None, ARN)."""
    user = target_user(ctx, request, root_allowed=True)
    if user is None:
        return ctx.account, None, f"arn:aws:iam::{ctx.account}:root"
    return user["UserId"], user["UserName"], user["Arn"]


def _metadata(doc: dict[str, Any], user_name: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AccessKeyId": doc["AccessKeyId"],
        "Status": doc["Status"],
        "CreateDate": as_time(doc["CreateDate"]),
    }
    if user_name is not None:
        out["UserName"] = user_name
    return out


def _owned_key(ctx: Context, request: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    user_id, user_name, _ = _owner(ctx, request)
    assert ctx.tx is not None
    key_id = request["AccessKeyId"]
    doc = ctx.tx.get_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key_id)
    if doc is None or doc["Account"] != ctx.account or doc["UserId"] != user_id:
        raise ServiceError("NoSuchEntity", f"The Access Key with id {key_id} cannot be found.", 404)
    return doc | {"AccessKeyId": key_id}, user_name


@service.handler("CreateAccessKey")
def create_access_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    user_id, user_name, arn = _owner(ctx, request)
    if len(keys_of(ctx.tx, ctx.account, user_id)) >= MAX_KEYS:
        raise ServiceError("LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}", 409)
    key_id = unique_id("AKIA", 16)
    doc: dict[str, Any] = {
        "Account": ctx.account,
        "UserId": user_id,
        "Arn": arn,
        "SecretAccessKey": "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
        "Status": "Active",
        "CreateDate": now(ctx),
    }
    if user_name is None:
        doc["PrincipalKind"] = "root"
    else:
        doc["UserName"] = user_name
    ctx.tx.put_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key_id, doc)
    created = _metadata(doc | {"AccessKeyId": key_id}, user_name)
    created["SecretAccessKey"] = doc["SecretAccessKey"]
    return {"AccessKey": created}


@service.handler("ListAccessKeys")
def list_access_keys(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    user_id, user_name, _ = _owner(ctx, request)
    keys = keys_of(tx_of(ctx), ctx.account, user_id)
    return page(
        ((doc["AccessKeyId"], _metadata(doc, user_name)) for doc in keys), request, "AccessKeyMetadata"
    )


@service.handler("UpdateAccessKey")
def update_access_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc, _ = _owned_key(ctx, request)
    key_id = doc.pop("AccessKeyId")
    doc["Status"] = request["Status"]
    ctx.tx.put_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key_id, doc)
    return {}


@service.handler("DeleteAccessKey")
def delete_access_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc, _ = _owned_key(ctx, request)
    key_id = doc["AccessKeyId"]
    ctx.tx.delete_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key_id)
    # A deleted key must keep failing, not fall back to acting as a default (root) key.
    ctx.tx.put_doc(
        store.SERVICE, store.DELETED_ACCESS_KEY, "", store.REGION, key_id, {"Account": doc["Account"]}
    )
    return {}


@service.handler("GetAccessKeyLastUsed")
def get_access_key_last_used(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    key_id = request["AccessKeyId"]
    doc = ctx.tx.get_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key_id)
    if doc is None or doc["Account"] != ctx.account:
        raise ServiceError("NoSuchEntity", f"The Access Key with id {key_id} cannot be found.", 404)
    used = doc.get("LastUsed")
    # AWS answers N/A for a key that has not been used yet.
    last_used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    if used:
        last_used = {
            "LastUsedDate": as_time(used["LastUsedDate"]),
            "ServiceName": used["ServiceName"],
            "Region": used["Region"],
        }
    result: dict[str, Any] = {"AccessKeyLastUsed": last_used}
    if "UserName" in doc:
        result["UserName"] = doc["UserName"]
    return result
