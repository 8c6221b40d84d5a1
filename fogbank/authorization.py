"""The authorize stage's work: every request of an IAM principal is evaluated by the policy engine.

Theory of operation: the operation's requirements (IAM actions, resource ARNs, service condition keys)
come from `fogbank.policy.actions`. For each requirement the stage gathers the policies AWS would
consult — the principal's identity policies and permissions boundary (from IAM's store), the session's
policies (from its session document), and the resource's own policy when the owning service has one
(`Service.resource_policy`) — builds the request context (the global condition keys fogbank knows), and
asks the engine. A denial raises the service's AccessDenied in AWS's words. Every decision for an IAM
principal is kept in the decision log so `fogbank explain REQUEST_ID` can show it.

The stage reads in one read-only transaction. While the operation's requirements are computed it is
`ctx.tx` (None again after; dispatch sets ctx.tx to the handler's write transaction), so a service's
requirement override (`@service.authorize`) reads state there and must not open a transaction of its
own or write: what a request would create, its handler creates. A service's resource-policy hook gets
the same transaction as an argument.

Root principals skip identity policies (AWS evaluates none for them), so a root request costs nothing here
unless the service has resource policies, whose explicit denies bind root too. A service's hook answers
one policy, or `ResourcePolicies`: several (a KMS key's policy and its grants), and whether they must
allow even within the resource's own account (a KMS key policy must, for IAM users and root alike).
Unsigned requests are refused, except S3's: those are evaluated as the anonymous principal "*", which
only a resource's own policy (a bucket policy or ACL) can allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fogbank.auth.credentials import Principal
from fogbank.context import Context
from fogbank.decisions import DecisionLog
from fogbank.errors import ServiceError
from fogbank.policy import (
    AuthzRequest,
    Decision,
    LabelledPolicy,
    PolicySet,
    PrincipalContext,
    evaluate,
    parse_policy,
)
from fogbank.policy.actions import Requirement, requirements
from fogbank.services import registry
from fogbank.services.iam import store
from fogbank.services.iam.identity_policies import ManagedPolicies, identity_policy_set
from fogbank.services.iam.last_accessed import record_service_access
from fogbank.state import Transaction

__all__ = [
    "ResourcePolicies",
    "authorize_request",
    "principal_context",
    "principal_tags",
    "request_context",
    "access_denied",
]

PRINCIPAL_TYPES = {
    "root": "Account",
    "user": "User",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
}


@dataclass(frozen=True, slots=True)
class ResourcePolicies:
    """A resource's own policies when one policy is not the whole answer."""

    policies: tuple[LabelledPolicy, ...]
    required: bool = False  # they must allow even within the resource's own account


def _resource_side(
    found: LabelledPolicy | ResourcePolicies | None,
) -> tuple[tuple[LabelledPolicy, ...], bool]:
    if found is None:
        return (), False
    if isinstance(found, ResourcePolicies):
        return found.policies, found.required
    return (found,), False


def authorize_request(ctx: Context, log: DecisionLog) -> None:
    principal = ctx.principal
    assert principal is not None and ctx.operation is not None and ctx.service_name is not None
    service = registry().get(ctx.service_name)
    resource_policy = service.resource_policy if service is not None else None
    if principal.kind == "anonymous":
        # Only S3 lets a policy or ACL grant unsigned requests; they are evaluated as the principal "*".
        if ctx.operation.auth_type == "none" or ctx.service_name != "s3" or resource_policy is None:
            _anonymous(ctx)
            return
    if principal.kind == "root" and resource_policy is None:
        return
    denied: tuple[Requirement, Decision] | None = None
    with ctx.db.transaction(write=False) as tx:
        # A requirement override reads in this transaction, as ctx.tx, rather than opening its own.
        ctx.tx = tx
        try:
            needs = requirements(ctx, ctx.service_name, ctx.operation, ctx.input)
        finally:
            ctx.tx = None
        root = principal.kind == "root"
        who = principal_context(tx, principal)
        identity, boundary, session, tags, session_doc = _cached_principal_policies(tx, principal)
        base: dict[str, object] | None = None
        for need in needs:
            found = resource_policy(ctx, tx, need.resource) if resource_policy is not None else None
            resource, required = _resource_side(found)
            if root and not required and _same_account(principal, need) and not _may_deny(resource):
                # The engine allows root in its own account when no resource policy can deny it (none has
                # a Deny statement: a default topic or queue policy), and an allowed root decision is not
                # logged: the request context would go unread.
                continue
            if base is None:
                base = request_context(ctx, principal, tags, session_doc)
            policies = PolicySet(
                identity=identity,
                resource=resource,
                boundary=boundary,
                session=session,
                resource_required=required,
            )
            context = {**base, **need.context} if need.context else base
            request = AuthzRequest(who, need.action, need.resource, need.resource_account, context)
            decision = evaluate(request, policies)
            if not root or not decision.allowed:
                log.record(ctx.request_id, ctx.clock.now(), decision)
            if not decision.allowed:
                denied = (need, decision)
                break
    if denied is not None:
        log.persist(ctx.request_id)
        if principal.kind == "anonymous":
            raise ServiceError("AccessDenied", "Access Denied", 403)
        raise access_denied(ctx, principal, *denied)
    if principal.kind in ("user", "assumed-role"):
        # Access advisor's history (GenerateServiceLastAccessedDetails) comes from these requests.
        entity = (
            principal.role_arn if principal.kind == "assumed-role" and principal.role_arn else principal.arn
        )
        for need in needs:
            prefix = need.action.split(":", 1)[0]
            record_service_access(ctx.db, entity, prefix, need.action, ctx.region, ctx.clock.now())


def _may_deny(policies: tuple[LabelledPolicy, ...]) -> bool:
    return any(statement.effect == "Deny" for each in policies for statement in each.policy.statements)


def _same_account(principal: Principal, need: Requirement) -> bool:
    # As the engine judges it: a requirement without a resource account is in the principal's.
    return bool(principal.account) and principal.account == (need.resource_account or principal.account)


def _anonymous(ctx: Context) -> None:
    assert ctx.operation is not None
    if ctx.operation.auth_type == "none":
        return
    if ctx.signing_name == "s3" or ctx.service_name in ("s3", "s3control"):
        raise ServiceError("AccessDenied", "Access Denied", 403)
    raise ServiceError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)


def principal_context(tx: Transaction, principal: Principal) -> PrincipalContext:
    username = principal.arn.rsplit("/", 1)[-1] if principal.kind == "user" else None
    return PrincipalContext(
        arn=principal.arn,
        account=principal.account,
        kind=principal.kind,
        user_id=principal.user_id,
        username=username,
        role_arn=principal.role_arn,
    )


PrincipalPolicies = tuple[
    tuple[LabelledPolicy, ...],
    LabelledPolicy | None,
    tuple[LabelledPolicy, ...] | None,
    dict[str, str],
    dict[str, Any] | None,
]

_CACHE_SIZE = 4096
# (account, principal ARN, access key) -> (IAM generation of the account, what was gathered). A request
# reads one generation number instead of the principal's user, groups and policies while nothing in
# its account's IAM changed.
_policy_cache: dict[tuple[str, str, str | None], tuple[int, PrincipalPolicies]] = {}


def _cached_principal_policies(tx: Transaction, principal: Principal) -> PrincipalPolicies:
    if principal.kind in ("root", "anonymous"):
        return (), None, None, {}, None
    key = (principal.account, principal.arn, principal.access_key)
    generation = tx.doc_generation(store.SERVICE, principal.account)
    cached = _policy_cache.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    gathered = _principal_policies(tx, principal)
    if len(_policy_cache) >= _CACHE_SIZE:
        _policy_cache.clear()
    _policy_cache[key] = (generation, gathered)
    return gathered


def _principal_policies(
    tx: Transaction, principal: Principal
) -> tuple[
    tuple[LabelledPolicy, ...],
    LabelledPolicy | None,
    tuple[LabelledPolicy, ...] | None,
    dict[str, str],
    dict[str, Any] | None,
]:
    """Identity policies, boundary, session policies, principal tags and the session document."""
    if principal.kind == "root":
        return (), None, None, {}, None
    session_doc = None
    if principal.access_key is not None and principal.access_key.startswith("ASIA"):
        session_doc = tx.get_doc(store.SERVICE, store.SESSION, "", store.REGION, principal.access_key)
    identity, boundary = identity_policy_set(tx, principal)
    tags = principal_tags(tx, principal)
    session: tuple[LabelledPolicy, ...] | None = None
    # A federation token made without a policy has no permissions: its session policies are "none".
    if session_doc is not None and (
        session_doc.get("SessionPolicies")
        or session_doc.get("SessionPolicyArns")
        or principal.kind == "federated-user"
    ):
        session = tuple(_session_policies(tx, principal, session_doc))
    if session_doc is not None:
        tags = {**tags, **session_doc.get("SessionTags", {})}
    return tuple(identity), boundary, session, tags, session_doc


def _session_policies(tx: Transaction, principal: Principal, doc: Mapping[str, Any]) -> list[LabelledPolicy]:
    policies = [
        LabelledPolicy(f"session policy {index + 1} of {principal.arn}", parse_policy(text, "session"))
        for index, text in enumerate(doc.get("SessionPolicies", []))
    ]
    managed = ManagedPolicies(tx, principal.account)
    for arn in doc.get("SessionPolicyArns", []):
        policy = managed.get(arn, "session")
        if policy is not None:
            policies.append(policy)
    return policies


def principal_tags(tx: Transaction, principal: Principal) -> dict[str, str]:
    if principal.kind == "user":
        name = principal.arn.rsplit("/", 1)[-1]
        doc = tx.get_doc(store.SERVICE, store.USER, principal.account, store.REGION, name.lower())
    elif principal.kind == "assumed-role" and principal.role_arn:
        name = principal.role_arn.rsplit("/", 1)[-1]
        doc = tx.get_doc(store.SERVICE, store.ROLE, principal.account, store.REGION, name.lower())
    else:
        return {}
    return {tag["Key"]: tag["Value"] for tag in (doc or {}).get("Tags", [])}


def request_context(
    ctx: Context, principal: Principal, tags: Mapping[str, str], session_doc: Mapping[str, Any] | None
) -> dict[str, object]:
    """The global condition keys fogbank knows for this request."""
    now = ctx.clock.now()
    principal_arn = (
        principal.role_arn if principal.kind == "assumed-role" and principal.role_arn else principal.arn
    )
    context: dict[str, object] = {
        "aws:SourceIp": client_ip(ctx),
        "aws:CurrentTime": now,
        "aws:EpochTime": int(now.timestamp()),
        "aws:SecureTransport": ctx.request.scheme == "https",
        "aws:UserAgent": ctx.request.headers.get("user-agent", ""),
        "aws:PrincipalArn": principal_arn,
        "aws:PrincipalAccount": principal.account,
        "aws:PrincipalType": PRINCIPAL_TYPES.get(principal.kind, principal.kind),
        "aws:userid": principal.user_id,
        "aws:RequestedRegion": ctx.region,
        "aws:ViaAWSService": False,
    }
    if principal.kind == "user":
        context["aws:username"] = principal.arn.rsplit("/", 1)[-1]
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    if session_doc is not None:
        mfa = bool(session_doc.get("MfaAuthenticated"))
        context["aws:MultiFactorAuthPresent"] = mfa
        if mfa and session_doc.get("MfaAuthenticatedAt"):
            at = datetime.fromisoformat(str(session_doc["MfaAuthenticatedAt"]))
            context["aws:MultiFactorAuthAge"] = int((now - at).total_seconds())
        if session_doc.get("SourceIdentity"):
            context["aws:SourceIdentity"] = session_doc["SourceIdentity"]
    return context


def client_ip(ctx: Context) -> str:
    """The caller's address: the connection's, or with --trust-proxy the first X-Forwarded-For hop."""
    if ctx.settings.trust_proxy:
        forwarded = ctx.request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",", 1)[0].strip()
    return ctx.request.client_ip


def access_denied(ctx: Context, principal: Principal, need: Requirement, decision: Decision) -> ServiceError:
    """AWS's AccessDenied for the service: its modelled code and status, and AWS's sentence."""
    message = (
        f"User: {principal.arn} is not authorized to perform: {need.action} on resource: {need.resource} "
        f"{decision.because()}"
    )
    code, status = _access_denied_shape(ctx)
    if ctx.protocol == "ec2":
        from fogbank.services.sts.messages import encode_authorization_message

        encoded = encode_authorization_message(ctx.db, decision.as_dict())
        return ServiceError(
            "UnauthorizedOperation",
            f"You are not authorized to perform this operation. User: {principal.arn} is not authorized to "
            f"perform: {need.action} on resource: {need.resource} {decision.because()}. "
            f"Encoded authorization failure message: {encoded}",
            403,
        )
    return ServiceError(code, message, status)


_DENIED_NAMES = ("AccessDeniedException", "AccessDenied", "AccessDeniedFault", "AuthorizationErrorException")


def _access_denied_shape(ctx: Context) -> tuple[str, int]:
    assert ctx.service is not None
    if ctx.protocol in ("query", "rest-xml"):
        default = ("AccessDenied", 403)
    else:
        default = ("AccessDeniedException", 403)
    for shape in ctx.service.error_shapes:
        if shape.name in _DENIED_NAMES:
            error = shape.metadata.get("error", {})
            return str(error.get("code", shape.name)), int(error.get("httpStatusCode", default[1]))
    return default
