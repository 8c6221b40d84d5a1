"""KMS's authorization rules on the policy engine: the key policy is the authority, grants add to it.

AWS decides a request on a KMS key from its key policy, the caller's IAM policies and the key's grants:

- the key policy is required (`ResourcePolicies.required`): IAM policies count only where it allows the
  account (the "Enable IAM User Permissions" statement names the account root), and the account's root
  user itself needs it to allow;
- each grant of the key is one more resource-based policy, labelled `grant <GrantId>`: its grantee may
  perform its operations, under its encryption-context constraints, so explanations show grants as
  statements like any other;
- an explicit deny in the key policy wins over every allow.

An operation's requirements name the key KMS will use: an alias (name or ARN) is followed to its target
and a ciphertext with no KeyId names its own key, so policies and grants are judged on the key. KMS's
condition keys come from the request and the key: kms:CallerAccount, kms:RequestAlias,
kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:KeyManager, aws:ResourceTag/*, and
CreateGrant's kms:GrantOperations, kms:GranteePrincipal, kms:RetiringPrincipal, kms:GrantConstraintType
and kms:GrantIsForAWSResource. The encryption context keys are derived by fogbank.policy.request_keys.

Requirements are computed in the authorize stage's read-only transaction (ctx.tx): the key is resolved as
of fogbank's clock without changing anything (a key past its DeletionDate is gone; a first use of an AWS
managed key is judged by the key its handler will make), through the account's snapshot (snapshots.py),
which also holds each key's parsed key policy and grants.

RetireGrant is decided by the grant (grants.py `may_retire`): the stage asks for kms:RetireGrant on the key
only when the grant itself does not let the caller retire it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from fogbank.authorization import ResourcePolicies
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import LabelledPolicy, parse_policy
from fogbank.policy.actions import Requirement, derived_requirements
from fogbank.services.kms import ciphertext, service, snapshots, store
from fogbank.services.kms.managed import unmade_key
from fogbank.services.kms.resolve import now
from fogbank.state import Transaction

__all__ = ["KEY_ARN", "CONSTRAINED_OPERATIONS", "grant_policy", "key_policies"]

KEY_ARN = re.compile(r"^arn:aws[\w-]*:kms:([\w-]+):(\d{12}):key/(.+)$")

# The grant operations that take an encryption context: a grant's constraints apply to these only.
CONSTRAINED_OPERATIONS = frozenset(
    {
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
    }
)


# ---- the policies of a key: its key policy and its grants


@service.resource_policies
def key_policies(ctx: Context, tx: Transaction, resource_arn: str) -> ResourcePolicies | None:
    """The key policy and grants of the key `resource_arn` names; None for anything else, or a key that
    does not exist (its handler answers NotFoundException)."""
    match = KEY_ARN.match(resource_arn)
    if match is None:
        return None
    region, account, key_id = match.groups()
    cached = snapshots.snapshot(tx, account, region)
    found = cached.policies.get(key_id)
    if found is None:
        key = tx.get_doc(store.SERVICE, store.KEY, account, region, key_id) or unmade_key(resource_arn)
        if key is None:
            return None
        policy = LabelledPolicy(f"key policy of {key['Arn']}", parse_policy(key["Policy"], "resource"))
        grants = snapshots.grants_of(tx, cached, account, region, key_id)
        found = ResourcePolicies((policy, *(grant_policy(g, key["KeySpec"]) for g in grants)), required=True)
        if len(cached.policies) < snapshots.PER_SNAPSHOT:
            cached.policies[key_id] = found
    return found


def grant_policy(grant: Mapping[str, Any], key_spec: str = "SYMMETRIC_DEFAULT") -> LabelledPolicy:
    """A grant as a resource-based policy: its grantee may perform its operations on the key.

    Constraints apply only to operations that take an encryption context, and only on symmetric keys;
    a constraint key is matched case-insensitively and its value case-sensitively, as AWS does.
    """
    grantee = grant.get("GranteePrincipal")
    principal = {"AWS": grantee} if grantee else {"Service": grant["GranteeServicePrincipal"]}
    operations = grant["Operations"]
    conditions = _constraint_conditions(grant.get("Constraints") or {})
    constrained = [
        op
        for op in operations
        if conditions and key_spec == "SYMMETRIC_DEFAULT" and op in CONSTRAINED_OPERATIONS
    ]
    free = [op for op in operations if op not in constrained]
    statements = []
    if free:
        statements.append(_statement(principal, free, {}))
    if constrained:
        statements.append(_statement(principal, constrained, conditions))
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return LabelledPolicy(f"grant {grant['GrantId']}", parse_policy(text, "resource"))


def _statement(
    principal: dict[str, str], operations: list[str], conditions: dict[str, Any]
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": [f"kms:{op}" for op in operations],
        "Resource": "*",
    }
    if conditions:
        statement["Condition"] = conditions
    return statement


def _constraint_conditions(constraints: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    subset = constraints.get("EncryptionContextSubset")
    equals = constraints.get("EncryptionContextEquals")
    pairs = dict(subset or equals or {})
    if subset is None and equals is None:
        return {}
    conditions: dict[str, Any] = {}
    if pairs:
        conditions["StringEquals"] = {f"kms:EncryptionContext:{k}": v for k, v in pairs.items()}
    if equals is not None:
        if pairs:  # no pair beyond the constraint's
            conditions["ForAllValues:StringEqualsIgnoreCase"] = {"kms:EncryptionContextKeys": list(pairs)}
        else:  # an empty context only
            conditions["Null"] = {"kms:EncryptionContextKeys": "true"}
    return conditions


# ---- what an operation needs authorized


_KEY_MEMBERS = ("KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId")
# Operations whose KeyId does not name the key the operation acts on (ListAliases filters by it), or
# that are decided elsewhere (RetireGrant, below).
_NOT_KEYED = frozenset({"ListAliases", "RetireGrant"})


def _requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    # The authorize stage's read transaction: resolving the key changes nothing, even a first use of an
    # AWS managed key (its handler makes it).
    tx = ctx.tx
    assert ctx.operation is not None and tx is not None
    from fogbank.services.kms.grants import check_grant_tokens  # grants.py builds on this module

    check_grant_tokens(params.get("GrantTokens") or [])
    operation = ctx.operation.name
    moment = now(ctx)
    rewritten = dict(params)
    keys: dict[str, dict[str, Any]] = {}  # key ARN -> document
    requested_alias: str | None = None
    for member in _KEY_MEMBERS:
        value = params.get(member)
        if not isinstance(value, str):
            continue
        key = snapshots.named_key(tx, ctx.account, ctx.region, value, moment)
        keys[key["Arn"]] = key
        rewritten[member] = key["Arn"]
        if "alias/" in value and member in ("KeyId", "DestinationKeyId"):
            requested_alias = "alias/" + value.split("alias/", 1)[1]
    if operation in ("Decrypt", "ReEncrypt"):
        member = "KeyId" if operation == "Decrypt" else "SourceKeyId"
        blob = params.get("CiphertextBlob")
        named = ciphertext.key_arn(blob) if isinstance(blob, bytes) and member not in params else None
        if named is not None and KEY_ARN.match(named):
            try:
                key = snapshots.named_key(tx, ctx.account, ctx.region, named, moment)
            except ServiceError:
                key = None  # the handler answers for a ciphertext whose key is gone
            if key is not None:
                keys[key["Arn"]] = key
                rewritten[member] = key["Arn"]
    needs = derived_requirements(ctx, "kms", ctx.operation, rewritten)
    if operation in ("DeleteAlias", "UpdateAlias"):
        needs += _current_target(ctx, tx, params, keys)
    return [_with_context(ctx, need, keys, params, requested_alias) for need in needs]


def _current_target(
    ctx: Context, tx: Transaction, params: dict[str, Any], keys: dict[str, dict[str, Any]]
) -> list[Requirement]:
    """DeleteAlias and UpdateAlias need their action on the key the alias names now, too."""
    assert ctx.operation is not None
    name = params.get("AliasName")
    alias = tx.get_doc(store.SERVICE, store.ALIAS, ctx.account, ctx.region, name) if name else None
    if alias is None:
        return []
    key = tx.get_doc(store.SERVICE, store.KEY, ctx.account, ctx.region, alias["TargetKeyId"])
    if key is None:
        return []
    keys[key["Arn"]] = key
    return [Requirement(f"kms:{ctx.operation.name}", key["Arn"])]


def _with_context(
    ctx: Context,
    need: Requirement,
    keys: dict[str, dict[str, Any]],
    params: dict[str, Any],
    requested_alias: str | None,
) -> Requirement:
    context: dict[str, object] = {**need.context, "kms:CallerAccount": ctx.account}
    key = keys.get(need.resource)
    if key is not None:
        context.update(
            {
                "kms:KeySpec": key["KeySpec"],
                "kms:KeyUsage": key["KeyUsage"],
                "kms:KeyOrigin": key["Origin"],
                "kms:KeyManager": key.get("KeyManager", "CUSTOMER"),
                "kms:MultiRegion": bool(key.get("MultiRegion")),
            }
        )
        for tag in key.get("Tags", []):
            context[f"aws:ResourceTag/{tag['TagKey']}"] = tag["TagValue"]
    if requested_alias is not None:
        context["kms:RequestAlias"] = requested_alias
    if need.action == "kms:CreateGrant":
        context["kms:GrantOperations"] = list(params.get("Operations", []))
        context["kms:GrantIsForAWSResource"] = False
        for member in ("GranteePrincipal", "RetiringPrincipal"):
            if params.get(member):
                context[f"kms:{member}"] = params[member]
        constraints = params.get("Constraints") or {}
        kinds = [
            kind for kind in ("EncryptionContextEquals", "EncryptionContextSubset") if kind in constraints
        ]
        if kinds:
            context["kms:GrantConstraintType"] = kinds[0]
    return Requirement(need.action, need.resource, context, need.resource_account)


def _register() -> None:
    from fogbank import specs

    model = specs.service_model("kms")
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        members = set(shape.members) if shape is not None else set()
        if name not in _NOT_KEYED and members & {*_KEY_MEMBERS, "AliasName", "CiphertextBlob"}:
            service.authorize(name)(_requirements)


_register()
