"""IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.

The simulator asks the same engine that enforces requests, with the same policies the authorize stage
would gather, so a simulation, a live request and `fogbank explain` agree. It evaluates exactly the
context the caller supplies (ContextEntries): keys a live request carries implicitly, such as
aws:SourceIp, must be given to be seen, as in AWS.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fogbank.auth.credentials import Principal
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import (
    AuthzRequest,
    Decision,
    LabelledPolicy,
    PolicyError,
    PolicyKind,
    PolicySet,
    PrincipalContext,
    evaluate,
    parse_policy,
)
from fogbank.policy.evaluate import BOUNDARY
from fogbank.policy.positions import statement_spans
from fogbank.services.iam import service, store
from fogbank.services.iam.identity_policies import group_policies, identity_policy_set
from fogbank.services.iam.policies import AWS_PREFIX

__all__ = ["simulate_custom_policy", "simulate_principal_policy"]

DECISIONS = {"allowed": "allowed", "explicit-deny": "explicitDeny"}


@service.handler("SimulateCustomPolicy")
def simulate_custom_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity = _inputs(request.get("PolicyInputList", []), "PolicyInputList", "identity")
    boundary = _boundary(request)
    caller = request.get("CallerArn") or f"arn:aws:iam::{ctx.account}:user/SimulatedUser"
    return _simulate(ctx, request, _caller(caller), identity, boundary, custom=True)


@service.handler("SimulatePrincipalPolicy")
def simulate_principal_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    source = request["PolicySourceArn"]
    parts = source.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        raise ServiceError("InvalidInput", f"Invalid ARN {source}.", 400)
    account, resource = parts[4], parts[5]
    kind, _, name = resource.partition("/")
    name = name.rsplit("/", 1)[-1]
    if account != ctx.account:
        raise ServiceError("NoSuchEntity", f"The entity {source} cannot be found.", 404)
    boundary: LabelledPolicy | None = None
    if kind == "user":
        principal = Principal(account=account, arn=source, user_id="", kind="user")
        policies, boundary = identity_policy_set(ctx.tx, principal)
        found = ctx.tx.get_doc(store.SERVICE, store.USER, account, store.REGION, name.lower()) is not None
    elif kind == "role":
        principal = Principal(account=account, arn=source, user_id="", kind="assumed-role", role_arn=source)
        policies, boundary = identity_policy_set(ctx.tx, principal)
        found = ctx.tx.get_doc(store.SERVICE, store.ROLE, account, store.REGION, name.lower()) is not None
    elif kind == "group":
        group = group_policies(ctx.tx, account, name)
        found, policies = group is not None, group or []
    else:
        raise ServiceError("InvalidInput", f"Invalid ARN {source}: not a user, group or role.", 400)
    if not found:
        raise ServiceError("NoSuchEntity", f"The entity {source} cannot be found.", 404)
    policies = [*policies, *_inputs(request.get("PolicyInputList", []), "PolicyInputList", "identity")]
    if request.get("PermissionsBoundaryPolicyInputList"):
        boundary = _boundary(request)
    caller = request.get("CallerArn") or (source if kind == "user" else f"arn:aws:iam::{account}:user/{name}")
    return _simulate(ctx, request, _caller(caller), policies, boundary, custom=False)


def _simulate(
    ctx: Context,
    request: dict[str, Any],
    caller: PrincipalContext,
    identity: Sequence[LabelledPolicy],
    boundary: LabelledPolicy | None,
    *,
    custom: bool,
) -> dict[str, Any]:
    resource_policy = None
    if request.get("ResourcePolicy"):
        resource_policy = _parse(request["ResourcePolicy"], "resource", "ResourcePolicy")
    resources = request.get("ResourceArns") or ["*"]
    owner = request.get("ResourceOwner")
    context = _context(request.get("ContextEntries", []))
    results = []
    for action in request["ActionNames"]:
        for resource in resources:
            policies = PolicySet(
                identity=tuple(identity),
                resource=(LabelledPolicy("ResourcePolicy", resource_policy),) if resource_policy else (),
                boundary=boundary,
            )
            owner_account = owner.split(":")[4] if owner and owner.startswith("arn:") else owner
            authz = AuthzRequest(caller, action, resource, owner_account or None, context)
            results.append(_result(evaluate(authz, policies), context, custom))
    start = int(request.get("Marker") or 0)
    limit = request.get("MaxItems", 100)
    page = results[start : start + limit]
    answer: dict[str, Any] = {"EvaluationResults": page, "IsTruncated": start + limit < len(results)}
    if answer["IsTruncated"]:
        answer["Marker"] = str(start + limit)
    return answer


def _result(decision: Decision, context: dict[str, object], custom: bool) -> dict[str, Any]:
    request = decision.request
    outcome = DECISIONS.get(decision.reason, "implicitDeny")
    matched = []
    for policy, trace in zip(_policies_in_order(decision.policies), decision.traces, strict=True):
        if trace.kind == BOUNDARY:
            continue
        spans = statement_spans(policy.policy.text)
        for statement in trace.statements:
            if statement.matched and (statement.effect == "Deny") == (outcome == "explicitDeny"):
                matched.append(_matched(policy, statement.index, spans, custom))
    result: dict[str, Any] = {
        "EvalActionName": request.action,
        "EvalResourceName": request.resource,
        "EvalDecision": outcome,
        "MatchedStatements": matched,
        "MissingContextValues": _missing(decision.policies, context),
    }
    if decision.policies.boundary is not None:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": decision.reason != "no-boundary-allow"
            and decision.denied_by != "permissions boundary"
        }
    return result


def _policies_in_order(policies: PolicySet) -> list[LabelledPolicy]:
    """The policies in the order Decision.traces lists them."""
    ordered = [*policies.identity, *policies.resource]
    if policies.boundary is not None:
        ordered.append(policies.boundary)
    ordered += list(policies.session or ())
    return ordered


def _matched(
    policy: LabelledPolicy, index: int, spans: list[tuple[tuple[int, int], tuple[int, int]]], custom: bool
) -> dict[str, Any]:
    source_id, source_type = _source(policy.label, custom)
    statement: dict[str, Any] = {"SourcePolicyId": source_id, "SourcePolicyType": source_type}
    if index < len(spans):
        (start_line, start_column), (end_line, end_column) = spans[index]
        statement["StartPosition"] = {"Line": start_line, "Column": start_column}
        statement["EndPosition"] = {"Line": end_line, "Column": end_column}
    return statement


def _source(label: str, custom: bool) -> tuple[str, str]:
    """SourcePolicyId and SourcePolicyType from the label the policy was gathered under."""
    if label == "ResourcePolicy":
        return "ResourcePolicy", "resource"
    if label.startswith("PolicyInputList."):
        return label, "IAM Policy" if custom else "none"
    if " inline " in label:
        owner, name = label.split(" inline ", 1)
        return name, owner.split("/", 1)[0]
    arn = label.split(" ", 1)[0]
    name = arn.rsplit("/", 1)[-1]
    return name, "aws-managed" if arn.startswith(AWS_PREFIX) else "user-managed"


def _missing(policies: PolicySet, context: dict[str, object]) -> list[str]:
    present = {key.lower() for key in context}
    missing: dict[str, None] = {}
    for labelled in _policies_in_order(policies):
        for statement in labelled.policy.statements:
            for condition in statement.conditions:
                if condition.key_lc not in present and not condition.if_exists and condition.family != "null":
                    missing[condition.key] = None
    return list(missing)


def _inputs(texts: Sequence[str], name: str, kind: PolicyKind) -> list[LabelledPolicy]:
    return [
        LabelledPolicy(f"{name}.{i + 1}", _parse(text, kind, f"{name}.{i + 1}"))
        for i, text in enumerate(texts)
    ]


def _boundary(request: dict[str, Any]) -> LabelledPolicy | None:
    texts = request.get("PermissionsBoundaryPolicyInputList", [])
    if not texts:
        return None
    return LabelledPolicy(
        "PermissionsBoundaryPolicyInputList.1",
        _parse(texts[0], "boundary", "PermissionsBoundaryPolicyInputList.1"),
    )


def _parse(text: str, kind: PolicyKind, where: str) -> Any:
    try:
        return parse_policy(text, kind)
    except PolicyError as error:
        raise ServiceError("InvalidInput", f"{where}: {error}", 400) from None


def _caller(arn: str) -> PrincipalContext:
    parts = arn.split(":", 5)
    account = parts[4] if len(parts) == 6 else ""
    resource = parts[5] if len(parts) == 6 else ""
    if resource == "root":
        return PrincipalContext(arn=arn, account=account, kind="root", user_id=account)
    if resource.startswith("user/"):
        name = resource.rsplit("/", 1)[-1]
        return PrincipalContext(arn=arn, account=account, kind="user", username=name)
    if resource.startswith("assumed-role/"):
        role = resource.split("/")[1]
        role_arn = f"arn:aws:iam::{account}:role/{role}"
        return PrincipalContext(arn=arn, account=account, kind="assumed-role", role_arn=role_arn)
    raise ServiceError(
        "InvalidInput", f"Invalid CallerArn {arn}: must be a user or an assumed-role ARN.", 400
    )


def _context(entries: Sequence[dict[str, Any]]) -> dict[str, object]:
    context: dict[str, object] = {}
    for entry in entries:
        kind = entry.get("ContextKeyType", "string")
        values = [_typed(kind.removesuffix("List"), value) for value in entry.get("ContextKeyValues", [])]
        key = entry["ContextKeyName"]
        context[key] = values if kind.endswith("List") else (values[0] if values else None)
    return context


def _typed(kind: str, value: str) -> object:
    try:
        if kind == "numeric":
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "boolean":
            return value.strip().lower() == "true"
        if kind == "date":
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        if kind == "binary":
            return base64.b64decode(value)
    except ValueError:
        raise ServiceError(
            "InvalidInput", f"Invalid {kind} context value {json.dumps(value)}.", 400
        ) from None
    return value
