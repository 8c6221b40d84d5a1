"""AssumeRole: a signed caller (IAM user, role session, or root) becomes a session of a role.

What the authorize stage decides: the caller's identity policies and the role's trust policy, combined by
the policy engine, for sts:AssumeRole (and sts:TagSession, sts:SetSourceIdentity when the request sets
tags or a source identity), with the request's condition keys from `assume_role_context`. What the handler
adds: the role must exist (AWS answers AccessDenied, never "no such role"), root callers are held to the
trust policy, durations obey the role's maximum and the one-hour limit of role chaining, an MFA code must
be right, and transitive tags and the source identity of a chained session carry over.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import store
from fogbank.services.sts import service
from fogbank.services.sts.sessions import (
    SessionGrant,
    SessionPolicies,
    caller_session,
    check_names,
    duration,
    mfa_authenticated_at,
    mint,
    session_policies,
)
from fogbank.services.sts.trust import ROLE_ARN, find_role, not_authorized, require_trust

if TYPE_CHECKING:
    from fogbank.policy.actions import Requirement

__all__ = ["assume_role", "assume_role_context", "role_lifetime", "role_session", "start_role_session"]

CHAINED_MAXIMUM = 3600
_CHAINED_MESSAGE = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
)
_MAXIMUM_MESSAGE = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."


def assume_role_context(request: dict[str, Any]) -> dict[str, object]:
    """The condition keys an AssumeRole request itself brings to the trust policy."""
    context: dict[str, object] = {"sts:RoleSessionName": request["RoleSessionName"]}
    if "ExternalId" in request:
        context["sts:ExternalId"] = request["ExternalId"]
    if "SourceIdentity" in request:
        context["sts:SourceIdentity"] = request["SourceIdentity"]
    tags = request.get("Tags", [])
    if tags:
        context["aws:TagKeys"] = [tag["Key"] for tag in tags]
        for tag in tags:
            context[f"aws:RequestTag/{tag['Key']}"] = tag["Value"]
    if "SerialNumber" in request and "TokenCode" in request:
        # The code itself is checked by the handler; a wrong one fails the request whatever policies say.
        context["aws:MultiFactorAuthPresent"] = True
        context["aws:MultiFactorAuthAge"] = 0
    return context


def _actions(request: dict[str, Any]) -> list[str]:
    actions = ["sts:AssumeRole"]
    if request.get("Tags") or request.get("TransitiveTagKeys"):
        actions.append("sts:TagSession")
    if "SourceIdentity" in request:
        actions.append("sts:SetSourceIdentity")
    return actions


@service.authorize("AssumeRole")
def assume_role_requirements(ctx: Context, request: dict[str, Any]) -> list[Requirement]:
    from fogbank.policy.actions import Requirement

    role_arn = request["RoleArn"]
    match = ROLE_ARN.match(role_arn)
    account = match.group(1) if match else None
    context = assume_role_context(request)
    return [
        Requirement(action=action, resource=role_arn, context=context, resource_account=account)
        for action in _actions(request)
    ]


@service.handler("AssumeRole")
def assume_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, principal = ctx.tx, ctx.principal
    assert tx is not None and principal is not None
    check_names(ctx, request)
    role_arn = request["RoleArn"]
    if ROLE_ARN.match(role_arn) is None:
        raise ServiceError("ValidationError", "Request ARN is invalid", 400)
    role = find_role(tx, role_arn)
    if role is None:
        raise not_authorized(principal.arn, "sts:AssumeRole", role_arn)
    caller = caller_session(tx, principal.access_key)
    chained = principal.kind == "assumed-role"
    if chained:
        lifetime = duration(request, default=3600, maximum=CHAINED_MAXIMUM, message=_CHAINED_MESSAGE)
    else:
        lifetime = role_lifetime(request, role)
    mfa_at = mfa_authenticated_at(ctx, request)
    inherited = _transitive_tags(caller)
    policies = session_policies(request, inherited)
    _require_trust(ctx, role, caller, request)
    # A source identity, once set, stays with every session chained from it.
    source_identity = (caller or {}).get("SourceIdentity") or request.get("SourceIdentity")
    grant = role_session(
        role,
        request["RoleSessionName"],
        ctx.clock.now() + lifetime,
        _with_transitive(policies, inherited),
        mfa_authenticated_at=mfa_at,
        source_identity=source_identity,
        external_id=request.get("ExternalId"),
    )
    result: dict[str, Any] = {**start_role_session(ctx, role, grant), **policies.packed_size_member()}
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


def role_lifetime(request: dict[str, Any], role: dict[str, Any]) -> timedelta:
    """DurationSeconds for a role session: an hour by default, at most the role's MaxSessionDuration."""
    maximum = int(role.get("MaxSessionDuration", 3600))
    return duration(request, default=3600, maximum=maximum, message=_MAXIMUM_MESSAGE)


def role_session(
    role: dict[str, Any], session_name: str, expiration: datetime, policies: SessionPolicies, **extra: Any
) -> SessionGrant:
    """The grant of a session of `role` named `session_name` (any of the three AssumeRole operations)."""
    account = str(role["Arn"]).split(":")[4]
    return SessionGrant(
        account=account,
        arn=f"arn:aws:sts::{account}:assumed-role/{role['RoleName']}/{session_name}",
        user_id=f"{role['RoleId']}:{session_name}",
        kind="assumed-role",
        source_arn=role["Arn"],
        session_name=session_name,
        expiration=expiration,
        policies=policies,
        **extra,
    )


def start_role_session(ctx: Context, role: dict[str, Any], grant: SessionGrant) -> dict[str, Any]:
    """Mint the session and note the role's use; returns Credentials and AssumedRoleUser."""
    assert ctx.tx is not None
    credentials = mint(ctx.tx, grant)
    record_role_use(ctx, role)
    return {
        "Credentials": credentials,
        "AssumedRoleUser": {"AssumedRoleId": grant.user_id, "Arn": grant.arn},
    }


def _require_trust(
    ctx: Context, role: dict[str, Any], caller: dict[str, Any] | None, request: dict[str, Any]
) -> None:
    """The trust policy must name the caller (or its account, or its role): AWS never lets a role be
    assumed on identity policies alone, and the policy engine's same-account rule would, so the handler
    asks for the trust policy's own grant here; the identity side was the authorize stage's."""
    from fogbank.authorization import principal_context, principal_tags, request_context

    tx, principal = ctx.tx, ctx.principal
    assert tx is not None and principal is not None
    tags = {**principal_tags(tx, principal), **((caller or {}).get("SessionTags") or {})}
    context = {**request_context(ctx, principal, tags, caller), **assume_role_context(request)}
    who = principal_context(tx, principal)
    for action in _actions(request):
        require_trust(role, who, action, context)


def _transitive_tags(caller: dict[str, Any] | None) -> dict[str, str]:
    """The tags a chained session must keep: the caller session's transitive ones."""
    if caller is None:
        return {}
    tags: dict[str, str] = caller.get("SessionTags", {})
    return {key: tags[key] for key in caller.get("TransitiveTagKeys", []) if key in tags}


def _with_transitive(policies: SessionPolicies, inherited: dict[str, str]) -> SessionPolicies:
    """Inherited transitive tags stay transitive in the new session: they pass down the whole chain."""
    keys = tuple(dict.fromkeys([*policies.transitive_tag_keys, *inherited]))
    return replace(policies, transitive_tag_keys=keys)


def record_role_use(ctx: Context, role: dict[str, Any]) -> None:
    """RoleLastUsed, as GetRole reports it."""
    assert ctx.tx is not None
    account = str(role["Arn"]).split(":")[4]
    stamp = ctx.clock.now().replace(microsecond=0).isoformat()
    role["RoleLastUsed"] = {"LastUsedDate": stamp, "Region": ctx.region}
    ctx.tx.put_doc(store.SERVICE, store.ROLE, account, store.REGION, str(role["RoleName"]).lower(), role)
