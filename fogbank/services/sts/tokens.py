"""GetSessionToken and GetFederationToken: temporary credentials for an IAM user (or the root user).

GetSessionToken's session is the user itself for a while, with MFA remembered when a code was given, so
that policies asking for aws:MultiFactorAuthPresent let it through. GetFederationToken's session is a
federated user whose permissions are the calling user's intersected with the session policies passed
here: with none, it can do nothing (AWS's rule). Neither may be called with session credentials.
Sessions of the root user last an hour at most: a longer request is cut to an hour, as AWS documents.
GetSessionToken needs no permission; GetFederationToken needs sts:GetFederationToken.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sts import service
from fogbank.services.sts.sessions import (
    SessionGrant,
    check_names,
    mfa_authenticated_at,
    mint,
    session_policies,
)

__all__ = ["get_federation_token", "get_session_token"]

DEFAULT_SECONDS = 43200
ROOT_MAXIMUM = 3600


def _lifetime(ctx: Context, request: dict[str, Any]) -> timedelta:
    assert ctx.principal is not None
    if ctx.principal.kind == "root":
        return timedelta(seconds=min(request.get("DurationSeconds", ROOT_MAXIMUM), ROOT_MAXIMUM))
    return timedelta(seconds=request.get("DurationSeconds", DEFAULT_SECONDS))


def _refuse_sessions(ctx: Context, operation: str) -> None:
    assert ctx.principal is not None
    if ctx.principal.kind not in ("user", "root"):
        raise ServiceError("AccessDenied", f"Cannot call {operation} with session credentials", 403)


@service.authorize("GetSessionToken")
def authentication_is_not_authorized(ctx: Context, request: dict[str, Any]) -> list[Any]:
    """GetSessionToken needs no permission: AWS does not let policies control authentication."""
    return []


@service.handler("GetSessionToken")
def get_session_token(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    principal, tx = ctx.principal, ctx.tx
    assert principal is not None and tx is not None
    _refuse_sessions(ctx, "GetSessionToken")
    check_names(ctx, request)
    lifetime = _lifetime(ctx, request)
    mfa_at = mfa_authenticated_at(ctx, request)
    grant = SessionGrant(
        account=principal.account,
        arn=principal.arn,
        user_id=principal.user_id,
        kind=principal.kind,
        source_arn=principal.arn,
        session_name=principal.arn.rsplit("/", 1)[-1] if principal.kind == "user" else principal.account,
        expiration=ctx.clock.now() + lifetime,
        mfa_authenticated_at=mfa_at,
    )
    return {"Credentials": mint(tx, grant)}


@service.handler("GetFederationToken")
def get_federation_token(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    principal, tx = ctx.principal, ctx.tx
    assert principal is not None and tx is not None
    _refuse_sessions(ctx, "GetFederationToken")
    check_names(ctx, request)
    lifetime = _lifetime(ctx, request)
    policies = session_policies(request)
    name, account = request["Name"], principal.account
    grant = SessionGrant(
        account=account,
        arn=f"arn:aws:sts::{account}:federated-user/{name}",
        user_id=f"{account}:{name}",
        kind="federated-user",
        source_arn=principal.arn,
        session_name=name,
        expiration=ctx.clock.now() + lifetime,
        policies=policies,
    )
    return {
        "Credentials": mint(tx, grant),
        "FederatedUser": {"FederatedUserId": grant.user_id, "Arn": grant.arn},
        **policies.packed_size_member(),
    }
