"""Policy evaluation: one request against the policies that apply to it, decided as AWS documents.

In order: an explicit Deny in any policy denies. The root user of the resource's own account is then
allowed (it has no identity-based policies). Principals with no identity-based policies (anonymous
callers, services, web identities, SAML assertions, root of another account) need a resource-based
policy that allows them. Otherwise:

- same account: a resource-based policy that names the caller itself (user ARN, session ARN, or `*`)
  allows by itself, whatever the permissions boundary or session policies say; one that names the role
  behind a session allows when the boundary and session policies allow too; one that names only the
  account delegates to identity-based policies. Without such a grant, an identity-based policy must
  allow, and so must the boundary (if set) and a session policy (if the session has any). Role trust
  policies (and KMS key policies, by `resource_required`) are the exception AWS makes: they must allow
  in the same account too, at least by naming the account.
- cross-account: the identity side (identity, boundary, session, as above) and a resource-based policy
  must both allow.

`evaluate` is the fast path: it only looks at statements indexed under the action's service and stops
at the first explicit Deny. A Decision's `traces` are worked out when asked for, by a second pass over
every statement that says for each why it matched or not; the two share the same matchers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fogbank.policy.grammar import Policy, Statement
from fogbank.policy.match import Grant, not_principal_applies, principal_grant
from fogbank.policy.variables import as_text

__all__ = [
    "PrincipalContext",
    "AuthzRequest",
    "LabelledPolicy",
    "PolicySet",
    "Decision",
    "PolicyTrace",
    "StatementTrace",
    "evaluate",
]

IDENTITY = "identity-based policy"
RESOURCE = "resource-based policy"
BOUNDARY = "permissions boundary"
SESSION = "session policy"

# Principals that hold no identity-based policies: only a resource-based policy can allow them.
_WITHOUT_IDENTITY = frozenset({"root", "anonymous", "service", "web-identity", "saml"})


@dataclass(frozen=True, slots=True)
class PrincipalContext:
    arn: str
    account: str
    kind: str  # root | user | assumed-role | federated-user | anonymous | service | web-identity | saml
    user_id: str = ""
    username: str | None = None
    role_arn: str | None = None
    service: str | None = None
    federated: str | None = None


@dataclass(frozen=True, slots=True)
class AuthzRequest:
    principal: PrincipalContext
    action: str
    resource: str
    resource_account: str | None = None
    context: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LabelledPolicy:
    label: str
    policy: Policy


@dataclass(frozen=True, slots=True)
class PolicySet:
    identity: Sequence[LabelledPolicy] = ()
    resource: Sequence[LabelledPolicy] = ()
    boundary: LabelledPolicy | None = None
    session: Sequence[LabelledPolicy] | None = None
    # The resource-based policy must allow even within its own account, as AWS requires of KMS key
    # policies; trust policies (parsed as kind "trust") always are.
    resource_required: bool = False


@dataclass(frozen=True, slots=True)
class StatementTrace:
    index: int
    sid: str | None
    effect: str
    matched: bool
    why: str


@dataclass(frozen=True, slots=True)
class PolicyTrace:
    label: str
    kind: str  # IDENTITY | RESOURCE | BOUNDARY | SESSION
    statements: tuple[StatementTrace, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    # allowed | explicit-deny | no-identity-allow | no-resource-allow | no-boundary-allow | no-session-allow
    reason: str
    denied_by: str | None
    request: AuthzRequest = field(repr=False, compare=False)
    policies: PolicySet = field(repr=False, compare=False)

    @property
    def traces(self) -> tuple[PolicyTrace, ...]:
        return _traces(self.request, self.policies)

    def because(self) -> str:
        action = self.request.action
        if self.reason == "explicit-deny":
            assert self.denied_by is not None
            article = "an" if self.denied_by[0] in "aeiou" else "a"
            return f"with an explicit deny in {article} {self.denied_by}"
        kind = {
            "no-identity-allow": IDENTITY,
            "no-resource-allow": RESOURCE,
            "no-boundary-allow": BOUNDARY,
            "no-session-allow": SESSION,
        }.get(self.reason)
        return f"because no {kind} allows the {action} action" if kind else ""

    def as_dict(self) -> dict[str, object]:
        request = self.request
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "denied_by": self.denied_by,
            "because": self.because(),
            "principal": request.principal.arn,
            "action": request.action,
            "resource": request.resource,
            "resource_account": request.resource_account or request.principal.account,
            "traces": [
                {
                    "label": trace.label,
                    "kind": trace.kind,
                    "statements": [
                        {
                            "index": s.index,
                            "sid": s.sid,
                            "effect": s.effect,
                            "matched": s.matched,
                            "why": s.why,
                        }
                        for s in trace.statements
                    ],
                }
                for trace in self.traces
            ],
        }


class _Prepared:
    """One request, in the shape the matchers read: lower-cased action, context keys lower-cased lazily."""

    __slots__ = ("written_action", "action", "service", "resource", "principal", "_raw", "_context")

    def __init__(self, request: AuthzRequest) -> None:
        self.written_action = request.action
        self.action = request.action.lower()
        self.service = self.action.partition(":")[0]
        self.resource = request.resource
        self.principal = request.principal
        self._raw = request.context
        self._context: dict[str, object] | None = None

    @property
    def context(self) -> dict[str, object]:
        if self._context is None:
            self._context = {key.lower(): value for key, value in self._raw.items()}
        return self._context

    def resolve(self, key: str) -> str | None:
        principal = self.principal
        if key == "aws:username" and principal.username is not None:
            return principal.username
        if key == "aws:userid" and principal.user_id:
            return principal.user_id
        return as_text(self.context.get(key))


def _applies(statement: Statement, request: _Prepared) -> Grant | None:
    """Whether the statement applies to the request; for a resource policy, what its match is worth."""
    if statement.actions.match(request.action, request.resolve) == statement.not_action:
        return None
    resources = statement.resources
    if resources is not None and resources.match(request.resource, request.resolve) == statement.not_resource:
        return None
    grant: Grant | None = "direct"
    if statement.principal is not None:
        if statement.not_principal:
            grant = "direct" if not_principal_applies(statement.principal, request.principal) else None
        else:
            grant = principal_grant(statement.principal, request.principal)
        if grant is None:
            return None
    if statement.conditions:
        context = request.context
        for condition in statement.conditions:
            if not condition.holds(context, request.resolve):
                return None
    return grant


class _Denied(Exception):
    def __init__(self, denied_by: str) -> None:
        self.denied_by = denied_by


def _allows(policies: Sequence[LabelledPolicy], request: _Prepared, kind: str) -> bool:
    """Whether any statement allows; raises _Denied at the first statement that denies."""
    allowed = False
    for labelled in policies:
        for statement in labelled.policy.candidates(request.service):
            if _applies(statement, request) is not None:
                if statement.effect == "Deny":
                    raise _Denied(kind)
                allowed = True
    return allowed


_GRANT_RANK = {"direct": 3, "role": 2, "account": 1}


def _resource_grant(policies: Sequence[LabelledPolicy], request: _Prepared) -> Grant | None:
    best: Grant | None = None
    for labelled in policies:
        for statement in labelled.policy.candidates(request.service):
            grant = _applies(statement, request)
            if grant is None:
                continue
            if statement.effect == "Deny":
                raise _Denied(RESOURCE)
            if best is None or _GRANT_RANK[grant] > _GRANT_RANK[best]:
                best = grant
    return best


def evaluate(request: AuthzRequest, policies: PolicySet) -> Decision:
    prepared = _Prepared(request)
    principal = request.principal
    try:
        reason = _decide(prepared, principal, request.resource_account or principal.account, policies)
    except _Denied as denied:
        return Decision(False, "explicit-deny", denied.denied_by, request, policies)
    return Decision(reason == "allowed", reason, None, request, policies)


def _decide(
    request: _Prepared, principal: PrincipalContext, resource_account: str, policies: PolicySet
) -> str:
    has_identity = principal.kind not in _WITHOUT_IDENTITY
    identity = _allows(policies.identity, request, IDENTITY) if has_identity else False
    grant = _resource_grant(policies.resource, request)
    boundary = True
    if has_identity and policies.boundary is not None:
        boundary = _allows((policies.boundary,), request, BOUNDARY)
    session = True
    if has_identity and policies.session is not None:
        session = _allows(policies.session, request, SESSION)
    same_account = bool(principal.account) and principal.account == resource_account
    if not has_identity:
        # The root user of the resource's account needs no identity policy, except where the resource's
        # own policy is the authority (KMS key policies, role trust policies): it binds root too.
        if principal.kind == "root" and same_account and not policies.resource_required:
            return "allowed"
        return "allowed" if grant is not None else "no-resource-allow"
    if same_account:
        if grant == "direct":
            return "allowed"
        # A grant to the role behind a session stands in for an identity-based allow.
        side = _identity_side(identity or grant == "role", boundary, session)
        required = policies.resource_required or any(p.policy.kind == "trust" for p in policies.resource)
        if side != "allowed" or not required:
            return side
        return "allowed" if grant is not None else "no-resource-allow"
    side = _identity_side(identity, boundary, session)
    if side != "allowed":
        return side
    return "allowed" if grant is not None else "no-resource-allow"


def _identity_side(identity: bool, boundary: bool, session: bool) -> str:
    if not identity:
        return "no-identity-allow"
    if not boundary:
        return "no-boundary-allow"
    if not session:
        return "no-session-allow"
    return "allowed"


def _traces(request: AuthzRequest, policies: PolicySet) -> tuple[PolicyTrace, ...]:
    prepared = _Prepared(request)
    groups: list[tuple[str, Sequence[LabelledPolicy]]] = [
        (IDENTITY, policies.identity),
        (RESOURCE, policies.resource),
        (BOUNDARY, (policies.boundary,) if policies.boundary is not None else ()),
        (SESSION, policies.session or ()),
    ]
    return tuple(
        PolicyTrace(
            labelled.label,
            kind,
            tuple(_explain(statement, prepared) for statement in labelled.policy.statements),
        )
        for kind, labelled_policies in groups
        for labelled in labelled_policies
    )


def _listed(patterns: Sequence[str]) -> str:
    return "[" + ", ".join(patterns) + "]"


def _explain(statement: Statement, request: _Prepared) -> StatementTrace:
    def trace(matched: bool, why: str) -> StatementTrace:
        return StatementTrace(statement.index, statement.sid, statement.effect, matched, why)

    action = request.written_action
    written = _listed(statement.actions.patterns)
    hit = statement.actions.which(request.action, request.resolve)
    if statement.not_action:
        if hit is not None:
            return trace(False, f"Action {action} matched NotAction {hit}")
        reasons = [f"Action {action} not in NotAction {written}"]
    else:
        if hit is None:
            return trace(False, f"Action {action} not in {written}")
        reasons = [f"Action {action} matched {hit}"]
    resources = statement.resources
    if resources is not None:
        hit = resources.which(request.resource, request.resolve)
        if statement.not_resource:
            if hit is not None:
                return trace(False, f"Resource {request.resource} matched NotResource {hit}")
            reasons.append(f"Resource {request.resource} not in NotResource {_listed(resources.patterns)}")
        else:
            if hit is None:
                return trace(False, f"Resource {request.resource} not in {_listed(resources.patterns)}")
            reasons.append(f"Resource {request.resource} matched {hit}")
    spec = statement.principal
    if spec is not None:
        caller = request.principal.arn
        if statement.not_principal:
            if not not_principal_applies(spec, request.principal):
                return trace(False, f"Principal {caller} in NotPrincipal {_listed(spec.written)}")
            reasons.append(f"Principal {caller} not in NotPrincipal {_listed(spec.written)}")
        else:
            grant = principal_grant(spec, request.principal)
            if grant is None:
                return trace(False, f"Principal {caller} not in {_listed(spec.written)}")
            named = {"direct": "named", "role": "named by its role", "account": "named by its account"}[grant]
            reasons.append(f"Principal {caller} {named}")
    for condition in statement.conditions:
        if not condition.holds(request.context, request.resolve):
            return trace(False, condition.why_not(request.context, request.resolve))
    if statement.conditions:
        reasons.append("conditions hold")
    return trace(True, "; ".join(reasons))
