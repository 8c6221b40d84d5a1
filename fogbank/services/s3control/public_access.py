"""Put/Get/DeletePublicAccessBlock for an account: the settings OR'ed with every bucket's own.

The document lives with S3's state (public_access.py in the s3 package reads it for every bucket the
account owns). The AccountId comes from the request's host prefix; it must be the caller's account.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3.public_access import (
    ACCOUNT_BLOCK,
    account_settings,
    no_configuration,
    parse_settings,
)
from fogbank.services.s3.store import SERVICE
from fogbank.services.s3control import service


def _account(ctx: Context, request: dict[str, Any]) -> str:
    account = str(request.get("AccountId") or ctx.uri_params.get("AccountId") or "")
    if account != ctx.account:
        raise ServiceError("AccessDenied", "Access Denied", 403)
    return account


@service.handler("PutPublicAccessBlock")
def put_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    account = _account(ctx, request)
    settings = parse_settings(request.get("PublicAccessBlockConfiguration"))
    ctx.tx.put_doc(SERVICE, ACCOUNT_BLOCK, account, "", "settings", settings)
    return {}


@service.handler("GetPublicAccessBlock")
def get_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    settings = account_settings(ctx.tx, _account(ctx, request))
    if settings is None:
        raise no_configuration()
    return {"PublicAccessBlockConfiguration": settings}


@service.handler("DeletePublicAccessBlock")
def delete_public_access_block(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    ctx.tx.delete_doc(SERVICE, ACCOUNT_BLOCK, _account(ctx, request), "", "settings")
    return {}
