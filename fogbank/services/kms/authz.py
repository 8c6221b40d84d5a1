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
and kms:GrantIsForAWSResource. The encryption context keys are derived by fogbank.policy.actions.

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
from fogbank.services.kms import ciphertext, service, store
from fogbank.services.kms.resolve import resolve_key
from fogbank.state import ReadOnlyError, Transaction

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
    key = tx.get_doc(store.SERVICE, store.KEY, account, region, key_id)
    if key is None:
        return None
    policy = LabelledPolicy(f"key policy of {key['Arn']}", parse_policy(key["Policy"], "resource"))
    return ResourcePolicies((policy, *_grant_policies(tx, key)), required=True)


_CACHE_SIZE = 1024
# (account, region) -> (KMS generation of the account, key id -> its grants). Requests read one
# generation number instead of every grant while no KMS document of the account changed.
_grant_cache: dict[tuple[str, str], tuple[int, dict[str, list[dict[str, Any]]]]] = {}


def _grant_policies(tx: Transaction, key: Mapping[str, Any]) -> tuple[LabelledPolicy, ...]:
    account, region = key["AWSAccountId"], key["Arn"].split(":", 4)[3]
    generation = tx.doc_generation(store.SERVICE, account)
    cached = _grant_cache.get((account, region))
    if cached is None or cached[0] != generation:
        by_key: dict[str, list[dict[str, Any]]] = {}
        for _, grant in tx.list_docs(store.SERVICE, store.GRANT, account, region):
            by_key.setdefault(grant["KeyId"], []).append(grant)
        if len(_grant_cache) >= _CACHE_SIZE:
            _grant_cache.clear()
        cached = (generation, by_key)
        _grant_cache[(account, region)] = cached
    return tuple(grant_policy(grant, key["KeySpec"]) for grant in cached[1].get(key["KeyId"], ()))


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
    assert ctx.operation is not None
    try:
        with ctx.db.transaction(write=False) as tx:
            return _keyed_requirements(ctx, tx, params)
    except ReadOnlyError:
        # The request names an AWS managed key (alias/aws/…) for the first time: it is made now.
        with ctx.db.transaction() as tx:
            return _keyed_requirements(ctx, tx, params)


def _keyed_requirements(ctx: Context, tx: Transaction, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.operation is not None
    from fogbank.services.kms.grants import check_grant_tokens  # grants.py builds on this module

    check_grant_tokens(params.get("GrantTokens") or [])
    operation = ctx.operation.name
    rewritten = dict(params)
    keys: dict[str, dict[str, Any]] = {}  # key ARN -> document
    requested_alias: str | None = None
    for member in _KEY_MEMBERS:
        value = params.get(member)
        if not isinstance(value, str):
            continue
        key = resolve_key(tx, ctx.account, ctx.region, value)
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
                key = resolve_key(tx, ctx.account, ctx.region, named)
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
