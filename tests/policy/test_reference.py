"""Property test: the engine decides generated policy sets exactly as a plain reference evaluator does.

The reference below reads the JSON documents itself and follows AWS's documented evaluation logic one
step at a time, with naive character-by-character wildcard matching and no compilation, indexing or
caching. The vocabulary is small so that hundreds of cases cover every combination of rule and element.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.policy import AuthzRequest, LabelledPolicy, PolicySet, PrincipalContext, evaluate, parse_policy

from .helpers import ACCOUNT, ANONYMOUS, BOB, CAROL, OTHER, ROOT, SESSION

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances", "iam:CreateUser"]
ACTION_PATTERNS = [
    "*",
    "s3:*",
    "s3:Get*",
    "s3:?utObject",
    "ec2:*",
    "iam:CreateUser",
    "S3:GETOBJECT",
    "*:List*",
]
RESOURCES = ["arn:aws:s3:::b/k", "arn:aws:s3:::b/x/y", "arn:aws:s3:::other/k", "arn:aws:s3:::b/bob", "*"]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::other/?",
    "arn:aws:s3:::b/${aws:username}",
    "arn:aws:s3:::b/k",
]
CONDITIONS: list[tuple[str, str, Any]] = [
    ("StringEquals", "aws:username", "bob"),
    ("StringNotEquals", "aws:username", "bob"),
    ("StringLike", "aws:PrincipalTag/team", "r*"),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
    ("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"),
    ("NumericLessThan", "s3:max-keys", "10"),
    ("BoolIfExists", "aws:SecureTransport", "true"),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"]),
    ("Null", "aws:PrincipalTag/team", "true"),
]
PRINCIPALS = [BOB, SESSION, CAROL, ROOT, ANONYMOUS]
NAMED = ["*", BOB.arn, SESSION.arn, SESSION.role_arn, ACCOUNT, OTHER, CAROL.arn]


# ---- the reference -----------------------------------------------------------------------------------


def glob(pattern: str, value: str) -> bool:
    if not pattern:
        return not value
    if pattern[0] == "*":
        return any(glob(pattern[1:], value[i:]) for i in range(len(value) + 1))
    if not value:
        return False
    return (pattern[0] == "?" or pattern[0] == value[0]) and glob(pattern[1:], value[1:])


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def condition_holds(
    operator: str, key: str, wanted: Any, context: dict[str, Any], username: str | None
) -> bool:
    present = {k.lower(): v for k, v in context.items()}.get(key.lower())
    values = listed(wanted)
    if operator == "Null":
        return (present is None) == (values[0] == "true")
    if operator.startswith("ForAllValues:"):
        return all(v in values for v in present or [])
    if operator.startswith("ForAnyValue:"):
        return any(v in values for v in present or [])
    if present is None:
        return operator in ("StringNotEquals", "NotIpAddress", "BoolIfExists")
    if operator == "StringEquals":
        return present in values
    if operator == "StringNotEquals":
        return present not in values
    if operator == "StringLike":
        return any(glob(v, present) for v in values)
    if operator in ("IpAddress", "NotIpAddress"):
        inside = ipaddress.ip_address(present) in ipaddress.ip_network(values[0])
        return inside if operator == "IpAddress" else not inside
    if operator == "NumericLessThan":
        return float(present) < float(values[0])
    if operator == "BoolIfExists":
        return str(present).lower() == values[0]
    raise AssertionError(operator)


def principal_named(entry: Any, who: PrincipalContext) -> str | None:
    """How a Principal element names `who`: 'self', 'role', 'account', or None."""
    if entry == "*":
        return "self"
    best = None
    for name in listed(entry["AWS"]):
        arn = f"arn:aws:iam::{name}:root" if name.isdigit() else name
        if arn == "*" or arn == who.arn:
            return "self"
        if arn == who.role_arn:
            best = "role"
        elif who.account and arn == f"arn:aws:iam::{who.account}:root" and best is None:
            best = "self" if who.kind == "root" else "account"
    return best


def excluded_by_not_principal(entry: Any, who: PrincipalContext) -> bool:
    names = {f"arn:aws:iam::{n}:root" if n.isdigit() else n for n in listed(entry["AWS"])}
    if "*" in names:
        return True
    identities = {who.arn, who.role_arn, f"arn:aws:iam::{who.account}:root" if who.account else None} - {None}
    return identities <= names


def statement_applies(
    s: dict[str, Any], action: str, resource: str, who: PrincipalContext, context: dict
) -> Any:
    """None when the statement does not apply; otherwise how it names the caller ('self' if it does not)."""
    if "Action" in s and not any(glob(p.lower(), action.lower()) for p in listed(s["Action"])):
        return None
    if "NotAction" in s and any(glob(p.lower(), action.lower()) for p in listed(s["NotAction"])):
        return None
    written = listed(s.get("Resource", s.get("NotResource", [])))
    patterns = [p.replace("${aws:username}", who.username or "\0") for p in written]
    resource_matched = any("\0" not in p and glob(p, resource) for p in patterns)
    if resource_matched != ("Resource" in s):
        return None
    named = "self"
    if "Principal" in s:
        named = principal_named(s["Principal"], who)
        if named is None:
            return None
    if "NotPrincipal" in s and excluded_by_not_principal(s["NotPrincipal"], who):
        return None
    for operator, block in s.get("Condition", {}).items():
        for key, wanted in block.items():
            if not condition_holds(operator, key, wanted, context, who.username):
                return None
    return named


def reference(
    who: PrincipalContext,
    action: str,
    resource: str,
    resource_account: str,
    context: dict,
    identity: list[str],
    resource_docs: list[str],
    boundary: str | None,
    session: list[str] | None,
    required: bool,
) -> tuple[bool, str, str | None]:
    def matches(docs: list[str]) -> list[tuple[str, Any]]:
        found = []
        for doc in docs:
            for s in listed(json.loads(doc)["Statement"]):
                named = statement_applies(s, action, resource, who, context)
                if named is not None:
                    found.append((s["Effect"], named))
        return found

    has_identity = who.kind in ("user", "assumed-role")
    identity_hits = matches(identity) if has_identity else []
    resource_hits = matches(resource_docs)
    boundary_hits = matches([boundary]) if has_identity and boundary is not None else []
    session_hits = matches(session) if has_identity and session is not None else []
    for hits, where in [
        (identity_hits, "identity-based policy"),
        (resource_hits, "resource-based policy"),
        (boundary_hits, "permissions boundary"),
        (session_hits, "session policy"),
    ]:
        if any(effect == "Deny" for effect, _ in hits):
            return False, "explicit-deny", where
    same_account = who.account == resource_account and who.account != ""
    grants = {named for effect, named in resource_hits if effect == "Allow"}
    if who.kind == "root" and same_account and not required:
        return True, "allowed", None
    if not has_identity:
        return (True, "allowed", None) if grants else (False, "no-resource-allow", None)
    identity_ok = any(effect == "Allow" for effect, _ in identity_hits)
    boundary_ok = boundary is None or any(effect == "Allow" for effect, _ in boundary_hits)
    session_ok = session is None or any(effect == "Allow" for effect, _ in session_hits)
    if same_account and "self" in grants:
        return True, "allowed", None
    if same_account and "role" in grants:
        identity_ok = True
    if not identity_ok:
        return False, "no-identity-allow", None
    if not boundary_ok:
        return False, "no-boundary-allow", None
    if not session_ok:
        return False, "no-session-allow", None
    if (not same_account or required) and not grants:
        return False, "no-resource-allow", None
    return True, "allowed", None


# ---- generated cases ---------------------------------------------------------------------------------


def one_or_many(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(elements, st.lists(elements, min_size=1, max_size=3))


conditions = st.dictionaries(st.sampled_from(range(len(CONDITIONS))), st.just(None), max_size=2).map(
    lambda chosen: {CONDITIONS[i][0]: {CONDITIONS[i][1]: CONDITIONS[i][2]} for i in chosen}
)


@st.composite
def statements(draw: st.DrawFn, with_principal: bool) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    statement["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(
        one_or_many(st.sampled_from(ACTION_PATTERNS))
    )
    statement["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(
        one_or_many(st.sampled_from(RESOURCE_PATTERNS))
    )
    if with_principal:
        named = draw(
            st.one_of(st.just("*"), st.builds(lambda n: {"AWS": n}, one_or_many(st.sampled_from(NAMED))))
        )
        statement["NotPrincipal" if named != "*" and draw(st.integers(0, 4)) == 0 else "Principal"] = named
    condition = draw(conditions)
    if condition:
        statement["Condition"] = condition
    return statement


def document(with_principal: bool) -> st.SearchStrategy[str]:
    return st.lists(statements(with_principal), min_size=1, max_size=3).map(
        lambda ss: json.dumps({"Version": "2012-10-17", "Statement": ss})
    )


def documents(with_principal: bool, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(document(with_principal), max_size=max_size)


contexts = st.fixed_dictionaries(
    {},
    optional={
        "aws:SourceIp": st.sampled_from(["10.1.2.3", "192.168.0.1", "2001:db8::1"]),
        "aws:PrincipalTag/team": st.sampled_from(["red", "blue"]),
        "s3:max-keys": st.sampled_from([1, 10, "50"]),
        "aws:SecureTransport": st.booleans(),
        "aws:TagKeys": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    who=st.sampled_from(PRINCIPALS),
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from(RESOURCES),
    resource_account=st.sampled_from([ACCOUNT, OTHER]),
    context=contexts,
    identity=documents(False, 3),
    resource_docs=documents(True, 2),
    boundary=st.one_of(st.none(), document(False)),
    session=st.one_of(st.none(), documents(False, 2)),
    required=st.booleans(),
)
def test_engine_agrees_with_reference(
    who: PrincipalContext,
    action: str,
    resource: str,
    resource_account: str,
    context: dict[str, Any],
    identity: list[str],
    resource_docs: list[str],
    boundary: str | None,
    session: list[str] | None,
    required: bool,
) -> None:
    if who.kind in ("root", "anonymous"):
        identity, boundary, session = [], None, None
    policies = PolicySet(
        identity=[
            LabelledPolicy(f"identity {i}", parse_policy(d, "identity")) for i, d in enumerate(identity)
        ],
        resource=[
            LabelledPolicy(f"resource {i}", parse_policy(d, "resource")) for i, d in enumerate(resource_docs)
        ],
        boundary=LabelledPolicy("boundary", parse_policy(boundary, "boundary")) if boundary else None,
        session=None
        if session is None
        else [LabelledPolicy("s", parse_policy(d, "session")) for d in session],
        resource_required=required,
    )
    decision = evaluate(AuthzRequest(who, action, resource, resource_account, context), policies)
    expected = reference(
        who, action, resource, resource_account, context, identity, resource_docs, boundary, session, required
    )
    assert (decision.allowed, decision.reason, decision.denied_by) == expected

    documents_in_order = [*identity, *resource_docs, *([boundary] if boundary else []), *(session or [])]
    traced = [s.matched for trace in decision.traces for s in trace.statements]
    applies = [
        statement_applies(s, action, resource, who, context) is not None
        for doc in documents_in_order
        for s in listed(json.loads(doc)["Statement"])
    ]
    assert traced == applies
