"""KMS aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases, with AWS's naming rules.

An alias is `alias/` then letters, digits, `/`, `_` and `-`; `alias/aws/` names AWS managed keys and
is AWS's own. UpdateAlias retargets an alias to another key of the same type and usage: the manual
rotation pattern, where applications name the alias and the key behind it changes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import service, store
from fogbank.services.kms.managed import MANAGED_SERVICES
from fogbank.services.kms.paging import page
from fogbank.services.kms.resolve import (
    check_customer_managed,
    check_not_pending_deletion,
    key_of,
    now,
    tx_of,
)

__all__: list[str] = []

_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")


def _check_name(name: str) -> None:
    if not name.startswith("alias/"):
        raise ServiceError("ValidationException", 'Alias must start with the prefix "alias/".', 400)
    if not _NAME.match(name):
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
            400,
        )
    if name.startswith("alias/aws/"):
        raise ServiceError("NotAuthorizedException", "Cannot create alias with prefix 'alias/aws/'", 400)


def _target(ctx: Context, ref: str, action: str) -> dict[str, Any]:
    if ref.startswith("alias/") or ":alias/" in ref:
        raise ServiceError("ValidationException", "Aliases must refer to keys. Not aliases", 400)
    doc = key_of(ctx, ref)
    check_customer_managed(ctx, doc, action)
    check_not_pending_deletion(doc)
    return doc


def _public(alias: dict[str, Any]) -> dict[str, Any]:
    out = dict(alias)
    for name in ("CreationDate", "LastUpdatedDate"):
        if name in out:
            out[name] = datetime.fromisoformat(out[name])
    return out


@service.handler("CreateAlias")
def create_alias(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    _check_name(name)
    tx = tx_of(ctx)
    arn = f"arn:aws:kms:{ctx.region}:{ctx.account}:{name}"
    if tx.get_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name) is not None:
        raise ServiceError("AlreadyExistsException", f"An alias with the name {arn} already exists", 400)
    key = _target(ctx, request["TargetKeyId"], "CreateAlias")
    moment = now(ctx).isoformat()
    alias = {
        "AliasName": name,
        "AliasArn": arn,
        "TargetKeyId": key["KeyId"],
        "CreationDate": moment,
        "LastUpdatedDate": moment,
    }
    tx.put_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name, alias)
    return {}


def _existing(ctx: Context, name: str) -> dict[str, Any]:
    if name.startswith("alias/aws/"):
        raise ServiceError("NotAuthorizedException", "Cannot modify alias with prefix 'alias/aws/'", 400)
    alias = tx_of(ctx).get_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name)
    if alias is None:
        raise ServiceError(
            "NotFoundException", f"Alias arn:aws:kms:{ctx.region}:{ctx.account}:{name} is not found.", 400
        )
    return alias


@service.handler("UpdateAlias")
def update_alias(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    alias = _existing(ctx, name)
    old = key_of(ctx, alias["TargetKeyId"])
    new = _target(ctx, request["TargetKeyId"], "UpdateAlias")
    if (old["KeySpec"] == "SYMMETRIC_DEFAULT") != (new["KeySpec"] == "SYMMETRIC_DEFAULT") or old[
        "KeyUsage"
    ] != new["KeyUsage"]:
        raise ServiceError(
            "ValidationException",
            f"Alias {alias['AliasArn']} cannot be changed from a key of type {old['KeySpec']} and usage "
            f"{old['KeyUsage']} to a key of type {new['KeySpec']} and usage {new['KeyUsage']}.",
            400,
        )
    alias.update(TargetKeyId=new["KeyId"], LastUpdatedDate=now(ctx).isoformat())
    tx_of(ctx).put_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name, alias)
    return {}


@service.handler("DeleteAlias")
def delete_alias(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AliasName"]
    _existing(ctx, name)
    tx_of(ctx).delete_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name)
    return {}


@service.handler("ListAliases")
def list_aliases(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    stored = {
        name: _public(alias)
        for name, alias in tx_of(ctx).list_docs(store.SERVICE, store.ALIAS, ctx.account, ctx.region)
    }
    # AWS lists every AWS managed alias, with no target until the service first uses its key.
    for managed in MANAGED_SERVICES:
        name = f"alias/aws/{managed}"
        stored.setdefault(
            name, {"AliasName": name, "AliasArn": f"arn:aws:kms:{ctx.region}:{ctx.account}:{name}"}
        )
    entries = [stored[name] for name in sorted(stored)]
    if "KeyId" in request:
        key_id = key_of(ctx, request["KeyId"])["KeyId"]
        entries = [alias for alias in entries if alias.get("TargetKeyId") == key_id]
    return page(entries, request, "Aliases", default=50)
