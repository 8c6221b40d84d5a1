"""STS: who is calling, and temporary credentials.

GetCallerIdentity and GetAccessKeyInfo live here; each other concept has its module: `sessions`
(credential minting and session documents), `assume_role`, `tokens` (GetSessionToken,
GetFederationToken), `web_identity` and `saml` (federation), `trust` (roles' trust policies, also the
resource policy the authorize stage consults), `messages` (encoded authorization messages).
"""

from __future__ import annotations

from typing import Any

from fogbank.auth.credentials import DEFAULT_ACCOUNT
from fogbank.context import Context
from fogbank.services import Service
from fogbank.services.iam import store

__all__ = ["service"]

service = Service("sts")


@service.authorize("GetCallerIdentity")
def no_permission_needed(ctx: Context, request: dict[str, Any]) -> list[Any]:
    """AWS answers GetCallerIdentity even when a policy explicitly denies sts:GetCallerIdentity."""
    return []


@service.handler("GetCallerIdentity")
def get_caller_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """Any principal, and no permission needed; a session answers with its session ARN and id."""
    principal = ctx.principal
    assert principal is not None
    return {"UserId": principal.user_id, "Account": principal.account, "Arn": principal.arn}


@service.handler("GetAccessKeyInfo")
def get_access_key_info(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """The account a key belongs to: the one fogbank issued it in, or the account a default key acts as."""
    assert ctx.tx is not None
    key = request["AccessKeyId"]
    kind = {"AKIA": store.ACCESS_KEY, "ASIA": store.SESSION}.get(key[:4])
    if kind is not None:
        doc = ctx.tx.get_doc(store.SERVICE, kind, "", store.REGION, key)
        if doc is not None:
            return {"Account": doc["Account"]}
    # Any key fogbank did not issue acts as the default account's root (a 12-digit key is too short here).
    return {"Account": DEFAULT_ACCOUNT}


from fogbank.services.sts import (  # noqa: E402,F401  (each registers its handlers)
    assume_role,
    messages,
    saml,
    tokens,
    trust,
    web_identity,
)

service.resource_policies(trust.resource_policy)
