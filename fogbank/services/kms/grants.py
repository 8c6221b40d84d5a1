"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

A grant lets its grantee perform some operations on one key, under optional encryption-context
constraints; authz.py turns each grant into a resource-based policy of its key, so a grant is effective
as soon as it is made (fogbank has no eventual consistency to wait out, so a grant token is never
needed to use a grant; one a request passes must still be a token fogbank issued). Grants live with
their key, in the key's account and region.

The GrantId is 64 hex digits. The GrantToken is opaque to callers; it carries the grant's account,
region and id (and random bytes, since every CreateGrant answers a new token, even for the same grant),
so RetireGrant can find the grant from the token alone. A grant Name makes CreateGrant idempotent: the
same name and parameters on the same key answer the existing grant.

Who may retire a grant is the grant's to say (`may_retire`): its retiring principal, its grantee when
it allows RetireGrant, and the root user of the account that created it. Anyone else needs
kms:RetireGrant on the key, which the authorize stage asks for. RevokeGrant is a key administrator's
action, authorized by the key policy like any other.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fogbank.auth.credentials import Principal
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import PolicyError
from fogbank.policy.actions import Requirement
from fogbank.services.kms import service, store
from fogbank.services.kms.authz import grant_policy
from fogbank.services.kms.paging import page
from fogbank.services.kms.resolve import check_not_pending_deletion, key_of, resolve_key, tx_of
from fogbank.state import Transaction

__all__ = ["check_grant_tokens", "may_retire", "operations_for"]

_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")
_TOKEN_VERSION = 1
_MAX_CONSTRAINT_PAIRS = 8

# The grant operations a key's usage supports, as AWS lists them.
_COMMON = ("CreateGrant", "DescribeKey", "RetireGrant")
_SYMMETRIC = (
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
)
_BY_USAGE = {
    "ENCRYPT_DECRYPT": ("Decrypt", "Encrypt", "GetPublicKey", "ReEncryptFrom", "ReEncryptTo"),
    "SIGN_VERIFY": ("GetPublicKey", "Sign", "Verify"),
    "GENERATE_VERIFY_MAC": ("GenerateMac", "VerifyMac"),
    "KEY_AGREEMENT": ("DeriveSharedSecret", "GetPublicKey"),
    "KEY_ENCAPSULATION": ("Decapsulate", "Encapsulate", "GetPublicKey"),
}


def operations_for(key: Mapping[str, Any]) -> frozenset[str]:
    """The grant operations AWS allows in a grant for `key`."""
    if key["KeySpec"] == "SYMMETRIC_DEFAULT":
        return frozenset((*_COMMON, *_SYMMETRIC))
    return frozenset((*_COMMON, *_BY_USAGE.get(key["KeyUsage"], ())))


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _dry_run() -> ServiceError:
    return ServiceError(
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.", 412
    )


# ---- grant tokens


def _new_token(account: str, region: str, grant_id: str) -> str:
    raw = bytes((_TOKEN_VERSION, len(region))) + account.encode() + region.encode() + bytes.fromhex(grant_id)
    return base64.b64encode(raw + secrets.token_bytes(32)).decode()


def _read_token(token: str) -> tuple[str, str, str]:
    """(account, region, GrantId) of a token fogbank made; InvalidGrantTokenException for anything else."""
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) < 2 or raw[0] != _TOKEN_VERSION or len(raw) != 2 + 12 + raw[1] + 32 + 32:
        raise ServiceError("InvalidGrantTokenException", "Grant token is invalid", 400)
    end = 14 + raw[1]
    try:
        account, region = raw[2:14].decode("ascii"), raw[14:end].decode("ascii")
    except UnicodeDecodeError:
        raise ServiceError("InvalidGrantTokenException", "Grant token is invalid", 400) from None
    return account, region, raw[end : end + 32].hex()


def check_grant_tokens(tokens: list[str]) -> None:
    """Grant tokens a request passes must be tokens fogbank issued."""
    for token in tokens:
        _read_token(token)


# ---- CreateGrant


def _region_of(key: Mapping[str, Any]) -> str:
    return str(key["Arn"]).split(":", 4)[3]


def _key_grants(tx: Transaction, key: Mapping[str, Any]) -> list[dict[str, Any]]:
    grants = [
        grant
        for _, grant in tx.list_docs(store.SERVICE, store.GRANT, key["AWSAccountId"], _region_of(key))
        if grant["KeyId"] == key["KeyId"]
    ]
    return sorted(grants, key=lambda grant: (grant["CreationDate"], grant["GrantId"]))


def _check_constraints(constraints: Mapping[str, Any]) -> None:
    for kind in ("EncryptionContextSubset", "EncryptionContextEquals"):
        pairs = constraints.get(kind)
        if pairs is not None and len(pairs) > _MAX_CONSTRAINT_PAIRS:
            raise _validation(
                f"The {kind} grant constraint can include up to {_MAX_CONSTRAINT_PAIRS} "
                "encryption context pairs."
            )


_IDENTITY = (
    "GranteePrincipal",
    "GranteeServicePrincipal",
    "RetiringPrincipal",
    "RetiringServicePrincipal",
    "Constraints",
)


@service.handler("CreateGrant")
def create_grant(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    key = key_of(ctx, request["KeyId"])
    check_not_pending_deletion(key)
    if not request.get("GranteePrincipal") and not request.get("GranteeServicePrincipal"):
        raise _validation("Either GranteePrincipal or GranteeServicePrincipal must be specified.")
    operations = list(dict.fromkeys(request["Operations"]))
    if not operations:
        raise _validation("Grant operations must not be empty.")
    unsupported = [op for op in operations if op not in operations_for(key)]
    if unsupported:
        raise _validation(
            f"Grant operations {unsupported} are not valid for a KMS key with KeySpec {key['KeySpec']} and "
            f"KeyUsage {key['KeyUsage']}."
        )
    constraints = request.get("Constraints") or {}
    _check_constraints(constraints)
    fields: dict[str, Any] = {name: request[name] for name in _IDENTITY if request.get(name)}
    fields["Operations"] = operations
    account, region = key["AWSAccountId"], _region_of(key)
    grant: dict[str, Any] = {"KeyId": key["KeyId"], "GrantId": secrets.token_hex(32), **fields}
    try:
        grant_policy(grant, key["KeySpec"])
    except PolicyError:
        principal = request.get("GranteePrincipal") or request.get("RetiringPrincipal")
        raise ServiceError("InvalidArnException", f"ARN {principal} is not a valid principal.", 400) from None
    if request.get("DryRun"):
        raise _dry_run()
    tx = tx_of(ctx)
    name = request.get("Name")
    if name:
        for existing in _key_grants(tx, key):
            if existing.get("Name") == name and _same(existing, fields):
                return {
                    "GrantToken": _new_token(account, region, existing["GrantId"]),
                    "GrantId": existing["GrantId"],
                }
        grant["Name"] = name
    grant.update(
        CreationDate=ctx.clock.now().isoformat(),
        IssuingAccount=f"arn:aws:iam::{ctx.account}:root",
        GrantToken=_new_token(account, region, grant["GrantId"]),
    )
    tx.put_doc(store.SERVICE, store.GRANT, account, region, grant["GrantId"], grant)
    return {"GrantToken": grant["GrantToken"], "GrantId": grant["GrantId"]}


def _same(existing: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    if sorted(existing["Operations"]) != sorted(fields["Operations"]):
        return False
    return all(existing.get(name) == fields.get(name) for name in _IDENTITY)


# ---- listing


def _entry(grant: Mapping[str, Any], key_arn: str) -> dict[str, Any]:
    entry = {
        name: grant[name]
        for name in (
            "GrantId",
            "Name",
            "GranteePrincipal",
            "GranteeServicePrincipal",
            "RetiringPrincipal",
            "RetiringServicePrincipal",
            "IssuingAccount",
            "Operations",
            "Constraints",
        )
        if grant.get(name)
    }
    return {"KeyId": key_arn, **entry, "CreationDate": datetime.fromisoformat(grant["CreationDate"])}


def _key_arn_of(grant: Mapping[str, Any], account: str, region: str) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{grant['KeyId']}"


@service.handler("ListGrants")
def list_grants(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    key = key_of(ctx, request["KeyId"])
    grants = _key_grants(tx_of(ctx), key)
    grant_id = request.get("GrantId")
    if grant_id is not None:
        grants = [grant for grant in grants if grant["GrantId"] == grant_id]
        if not grants:
            raise ServiceError("InvalidGrantIdException", f"Grant ID {grant_id} is not valid.", 400)
    grantee = request.get("GranteePrincipal")
    if grantee is not None:
        grants = [grant for grant in grants if grant.get("GranteePrincipal") == grantee]
    service_grantee = request.get("GranteeServicePrincipal")
    if service_grantee is not None:
        grants = [grant for grant in grants if grant.get("GranteeServicePrincipal") == service_grantee]
    return page([_entry(grant, key["Arn"]) for grant in grants], request, "Grants", default=50)


@service.handler("ListRetirableGrants")
def list_retirable_grants(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    retiring = request.get("RetiringPrincipal")
    retiring_service = request.get("RetiringServicePrincipal")
    if not retiring and not retiring_service:
        raise _validation("Either RetiringPrincipal or RetiringServicePrincipal must be specified.")
    grants = sorted(
        (
            grant
            for _, grant in tx_of(ctx).list_docs(store.SERVICE, store.GRANT, ctx.account, ctx.region)
            if (retiring and grant.get("RetiringPrincipal") == retiring)
            or (retiring_service and grant.get("RetiringServicePrincipal") == retiring_service)
        ),
        key=lambda grant: (grant["CreationDate"], grant["GrantId"]),
    )
    entries = [_entry(grant, _key_arn_of(grant, ctx.account, ctx.region)) for grant in grants]
    return page(entries, request, "Grants", default=50)


# ---- retiring and revoking


def _invalid_grant_id(grant_id: str) -> ServiceError:
    return ServiceError("InvalidGrantIdException", f"Grant ID {grant_id} is not valid.", 400)


def _find_grant(tx: Transaction, ctx: Context, request: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The grant RetireGrant names, with its account and region: by token, or by key and grant id."""
    token = request.get("GrantToken")
    if token:
        account, region, grant_id = _read_token(token)
        grant = tx.get_doc(store.SERVICE, store.GRANT, account, region, grant_id)
        if grant is None:
            raise ServiceError("NotFoundException", "Grant not found.", 400)
        return account, region, grant
    if not request.get("KeyId") or not request.get("GrantId"):
        raise _validation("Grant token OR (grant ID, key ID) must be specified")
    # Read-only: the authorize stage asks too, and a managed key not yet made has no grants to find.
    key = resolve_key(tx, ctx.account, ctx.region, request["KeyId"], write=False)
    account, region, grant_id = key["AWSAccountId"], _region_of(key), request["GrantId"]
    grant = (
        tx.get_doc(store.SERVICE, store.GRANT, account, region, grant_id)
        if _GRANT_ID.match(grant_id)
        else None
    )
    if grant is None or grant["KeyId"] != key["KeyId"]:
        raise _invalid_grant_id(grant_id)
    return account, region, grant


def may_retire(principal: Principal, grant: Mapping[str, Any]) -> bool:
    """Whether the grant itself lets `principal` retire it."""
    identities = {principal.arn}
    if principal.role_arn:
        identities.add(principal.role_arn)
    if grant.get("RetiringPrincipal") in identities:
        return True
    if grant.get("GranteePrincipal") in identities and "RetireGrant" in grant["Operations"]:
        return True
    return (
        principal.kind == "root" and grant.get("IssuingAccount") == f"arn:aws:iam::{principal.account}:root"
    )


@service.authorize("RetireGrant")
def _retire_requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.principal is not None and ctx.tx is not None  # the authorize stage's read transaction
    try:
        account, region, grant = _find_grant(ctx.tx, ctx, params)
    except ServiceError:
        return []  # the handler answers for a grant that cannot be found
    if may_retire(ctx.principal, grant):
        return []
    return [
        Requirement(
            "kms:RetireGrant",
            _key_arn_of(grant, account, region),
            {"kms:CallerAccount": ctx.account},
            account if account != ctx.account else None,
        )
    ]


@service.handler("RetireGrant")
def retire_grant(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    account, region, grant = _find_grant(tx, ctx, request)
    if request.get("DryRun"):
        raise _dry_run()
    tx.delete_doc(store.SERVICE, store.GRANT, account, region, grant["GrantId"])
    return {}


@service.handler("RevokeGrant")
def revoke_grant(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    key = key_of(ctx, request["KeyId"])
    account, region, grant_id = key["AWSAccountId"], _region_of(key), request["GrantId"]
    grant = (
        tx.get_doc(store.SERVICE, store.GRANT, account, region, grant_id)
        if _GRANT_ID.match(grant_id)
        else None
    )
    if grant is None or grant["KeyId"] != key["KeyId"]:
        raise _invalid_grant_id(grant_id)
    if request.get("DryRun"):
        raise _dry_run()
    tx.delete_doc(store.SERVICE, store.GRANT, account, region, grant_id)
    return {}
