"""The policy grammar: a JSON document in, a validated and compiled `Policy` out, or a `PolicyError`.

`parse_policy(text, kind)` owns every rule of the grammar and its messages (IAM returns them as
MalformedPolicyDocument). Checks run in AWS's order, each over all statements before the next: syntax,
the fields the kind forbids or requires, legacy parsing (ARN shapes, condition values), Sid uniqueness,
actions present, resources present, resource format, action vendors, principals, trust actions.

Compiling does all per-document work once: actions are lower-cased and globbed, resources and
condition values tokenized for policy variables, CIDRs, dates and numbers parsed, and statements
indexed by the service prefix of their actions, so that evaluation only looks at statements that can
match. Documents are cached by (text, kind).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from fogbank.policy.conditions import Condition, compile_condition
from fogbank.policy.match import Glob, PrincipalSpec
from fogbank.policy.variables import tokenize

__all__ = ["PolicyKind", "Policy", "PolicyError", "Statement", "parse_policy"]

PolicyKind = Literal["identity", "resource", "trust", "boundary", "session"]

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_FIELDS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Condition",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
    }
)
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "*"}
)
_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"[A-Za-z0-9*?_-]+")
_PRINCIPAL_ARN = re.compile(r"arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws|cloudfront):[^*?]+")
_ACCOUNT_ID = re.compile(r"\d{12}")

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."


class PolicyError(ValueError):
    """A document that is not a valid policy of its kind; `message` says what is wrong, in AWS's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: Glob  # lower-cased patterns; `actions.patterns` as written
    not_action: bool
    resources: Glob | None  # None: the statement has no Resource (trust policies), so any resource
    not_resource: bool
    principal: PrincipalSpec | None  # None: identity-like policies, which apply to their holder
    not_principal: bool
    conditions: tuple[Condition, ...]
    services: frozenset[str] | None  # lower-cased action vendors; None when any service may match


@dataclass(frozen=True, slots=True)
class Policy:
    text: str
    kind: PolicyKind
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    by_service: Mapping[str, tuple[Statement, ...]] = field(repr=False)
    any_service: tuple[Statement, ...] = field(repr=False)

    def candidates(self, service: str) -> tuple[Statement, ...]:
        """The statements, in order, whose actions can match an action of `service` (lower-cased)."""
        return self.by_service.get(service, self.any_service)

    def principal_arns(self) -> tuple[str, ...]:
        """Every AWS principal ARN the document names (account ids as root ARNs), in order."""
        seen: dict[str, None] = {}
        for statement in self.statements:
            if statement.principal is not None:
                seen.update(dict.fromkeys(sorted(statement.principal.aws)))
        return tuple(seen)


def parse_policy(text: str, kind: PolicyKind) -> Policy:
    """Parse, validate and compile a policy document (cached by text and kind); raise PolicyError."""
    return _parse(text, kind)


@lru_cache(maxsize=4096)
def _parse(text: str, kind: PolicyKind) -> Policy:
    document = _load(text)
    version = document.get("Version")
    raw = document["Statement"]
    statements: list[dict[str, Any]] = raw if isinstance(raw, list) else [raw]
    for statement in statements:
        _check_syntax(statement)
    _check_kind_fields(statements, kind)
    for statement in statements:
        _check_legacy(statement)
    sids = [statement["Sid"] for statement in statements if statement.get("Sid")]
    if len(sids) != len(set(sids)):
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
    if kind != "resource" and any(not _SID.fullmatch(sid) for sid in sids):
        raise PolicyError(
            "Statement IDs (SID) must be alpha-numeric. "
            "Check that your input satisfies the regular expression [0-9A-Za-z]*"
        )
    for statement in statements:
        if not _strings(statement, "Action") and not _strings(statement, "NotAction"):
            raise PolicyError("Policy statement must contain actions.")
    if kind != "trust":
        for statement in statements:
            if not _strings(statement, "Resource") and not _strings(statement, "NotResource"):
                raise PolicyError("Policy statement must contain resources.")
        for statement in statements:
            for resource in _strings(statement, "Resource") + _strings(statement, "NotResource"):
                _check_resource(resource)
    for statement in statements:
        for action in _strings(statement, "Action") + _strings(statement, "NotAction"):
            _check_action(action)
    substitute = version == "2012-10-17"
    compiled = tuple(_compile(index, statement, substitute) for index, statement in enumerate(statements))
    if kind == "trust" and any(
        not pattern.lower().startswith("sts:")
        for statement in compiled
        if not statement.not_action
        for pattern in statement.actions.patterns
    ):
        raise PolicyError("AssumeRole policy may only specify STS AssumeRole actions.")
    return _index(text, kind, version, document.get("Id"), compiled)


def _load(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except (ValueError, TypeError):
        raise PolicyError(SYNTAX) from None
    if not isinstance(document, dict) or "Statement" not in document or set(document) - _TOP_FIELDS:
        raise PolicyError(SYNTAX)
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise PolicyError(SYNTAX)
    if not isinstance(document.get("Id", ""), str):
        raise PolicyError(SYNTAX)
    raw = document["Statement"]
    statements = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(statement, dict) for statement in statements):
        raise PolicyError(SYNTAX)
    return document


def _check_syntax(statement: dict[str, Any]) -> None:
    if set(statement) - _STATEMENT_FIELDS:
        raise PolicyError(SYNTAX)
    for first, second in _EXCLUSIVE:
        if first in statement and second in statement:
            raise PolicyError(SYNTAX)
    if "Effect" not in statement:
        raise PolicyError("Missing required field Effect")
    if statement["Effect"] not in ("Allow", "Deny") or not isinstance(statement.get("Sid", ""), str):
        raise PolicyError(SYNTAX)
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement and not _is_string_list(statement[name]):
            raise PolicyError(SYNTAX)
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(block, dict) for block in condition.values()):
        raise PolicyError(SYNTAX)


def _is_string_list(value: object) -> bool:
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(item, str) for item in value)


def _strings(statement: dict[str, Any], name: str) -> list[str]:
    value = statement.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _check_kind_fields(statements: list[dict[str, Any]], kind: PolicyKind) -> None:
    for statement in statements:
        named = [name for name in ("Principal", "NotPrincipal") if name in statement]
        if kind == "identity" and named:
            raise PolicyError("Policy document should not specify a principal.")
        if kind in ("boundary", "session") and named:
            raise PolicyError(f"Has prohibited field {named[0]}")
        if kind in ("resource", "trust") and not named:
            raise PolicyError("Missing required field Principal")
        if kind == "trust":
            for name in ("Resource", "NotResource"):
                if name in statement:
                    raise PolicyError(f"Has prohibited field {name}")


def _check_legacy(statement: dict[str, Any]) -> None:
    for resource in _strings(statement, "Resource") + _strings(statement, "NotResource"):
        if resource != "*" and "::" in resource and resource.count(":") < 5:
            raise PolicyError(LEGACY)


def _check_resource(resource: str) -> None:
    if resource == "*":
        return
    segments = resource.split(":", 5)
    if segments[0] != "arn" or len(segments) < 6 and not segments[-1].endswith("*"):
        raise PolicyError(f'Resource {resource} must be in ARN format or "*".')
    if segments[1] not in _PARTITIONS:
        raise PolicyError(f'Partition "{segments[1]}" is not valid for resource "{resource}".')
    vendor = segments[2] if len(segments) > 2 else "*"
    if vendor != "*" and (not vendor or "*" in vendor or "?" in vendor):
        raise PolicyError("Resource vendor must be fully qualified and cannot contain regexes.")


def _check_action(action: str) -> None:
    if action == "*":
        return
    if ":" not in action:
        raise PolicyError(VENDOR)
    vendor, _, name = action.partition(":")
    if ":" in name:
        raise PolicyError("Actions/Condition can contain only one colon.")
    if not _VENDOR.fullmatch(vendor):
        raise PolicyError(f"Vendor {vendor} is not valid")


def _compile(index: int, statement: dict[str, Any], substitute: bool) -> Statement:
    not_action = "NotAction" in statement
    actions = tuple(_strings(statement, "NotAction" if not_action else "Action"))
    action_glob = Glob.build(
        actions, tuple(tokenize(a.lower(), substitute=False, wildcards=True) for a in actions), arn=False
    )
    not_resource = "NotResource" in statement
    resource_glob = None
    if "Resource" in statement or not_resource:
        resources = tuple(_strings(statement, "NotResource" if not_resource else "Resource"))
        resource_glob = Glob.build(
            resources, tuple(tokenize(r, substitute=substitute, wildcards=True) for r in resources), arn=True
        )
    not_principal = "NotPrincipal" in statement
    principal = None
    if "Principal" in statement or not_principal:
        principal = _principal(statement["NotPrincipal" if not_principal else "Principal"])
    conditions: list[Condition] = []
    for operator, block in statement.get("Condition", {}).items():
        for key, values in block.items():
            try:
                conditions.append(compile_condition(operator, key, values, substitute=substitute))
            except ValueError as error:
                raise PolicyError(str(error)) from None
    return Statement(
        index=index,
        sid=statement.get("Sid") or None,
        effect=statement["Effect"],
        actions=action_glob,
        not_action=not_action,
        resources=resource_glob,
        not_resource=not_resource,
        principal=principal,
        not_principal=not_principal,
        conditions=tuple(conditions),
        services=None if not_action else _services(actions),
    )


def _services(actions: tuple[str, ...]) -> frozenset[str] | None:
    vendors = set()
    for action in actions:
        vendor = action.partition(":")[0].lower()
        if action == "*" or "*" in vendor or "?" in vendor:
            return None
        vendors.add(vendor)
    return frozenset(vendors)


def _principal(value: object) -> PrincipalSpec:
    invalid = PolicyError("Invalid principal in policy")
    if value == "*":
        return PrincipalSpec(True, frozenset(), frozenset(), frozenset(), frozenset(), ("*",))
    if not isinstance(value, dict) or not value or set(value) - _PRINCIPAL_TYPES:
        raise invalid
    named: dict[str, list[str]] = {}
    written: list[str] = []
    for kind, raw in value.items():
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise invalid
        written.extend(values)
        named[kind] = values
    aws: set[str] = set()
    everyone = False
    for arn in named.get("AWS", []):
        if arn == "*":
            everyone = True
        elif _ACCOUNT_ID.fullmatch(arn):
            aws.add(f"arn:aws:iam::{arn}:root")
        elif _PRINCIPAL_ARN.fullmatch(arn):
            aws.add(arn)
        else:
            raise invalid
    for kind in ("Service", "Federated", "CanonicalUser"):
        if any("*" in v or "?" in v for v in named.get(kind, [])):
            raise invalid
    return PrincipalSpec(
        everyone,
        frozenset(aws),
        frozenset(v.lower() for v in named.get("Service", [])),
        frozenset(named.get("Federated", [])),
        frozenset(named.get("CanonicalUser", [])),
        tuple(written),
    )


def _index(
    text: str, kind: PolicyKind, version: str | None, policy_id: str | None, statements: tuple[Statement, ...]
) -> Policy:
    services = {service for statement in statements for service in statement.services or ()}
    by_service = {
        service: tuple(s for s in statements if s.services is None or service in s.services)
        for service in services
    }
    any_service = tuple(s for s in statements if s.services is None)
    return Policy(text, kind, version, policy_id, statements, by_service, any_service)
