"""The account as IAM sees it: its alias, its summary of entities and quotas, and its authorization details.

An account has at most one alias, and an alias names one account in all of AWS, so aliases are kept in
account "" (kind "account-alias", keyed by the alias): creating an alias replaces the account's old one.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.state import Transaction

ALIAS = store.ACCOUNT_ALIAS

# AWS's default quotas, as GetAccountSummary reports them.
QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "PolicyVersionsInUseQuota": 10000,
    "AttachedPoliciesPerUserQuota": 10,
    "AttachedPoliciesPerGroupQuota": 10,
    "AttachedPoliciesPerRoleQuota": 10,
    "GroupsPerUserQuota": 10,
    "UserPolicySizeQuota": 2048,
    "GroupPolicySizeQuota": 5120,
    "RolePolicySizeQuota": 10240,
    "PolicySizeQuota": 6144,
    "AssumeRolePolicySizeQuota": 2048,
    "VersionsPerPolicyQuota": 5,
    "AccessKeysPerUserQuota": 2,
    "SigningCertificatesPerUserQuota": 2,
}


def _aliases(tx: Transaction, account: str) -> list[tuple[str, dict[str, Any]]]:
    rows = tx.list_docs(store.SERVICE, ALIAS, "", store.REGION)
    return [(key, doc) for key, doc in rows if doc["Account"] == account]


@service.handler("CreateAccountAlias")
def create_account_alias(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    alias = request["AccountAlias"]
    taken = tx.get_doc(store.SERVICE, ALIAS, "", store.REGION, alias)
    if taken is not None:
        if taken["Account"] == ctx.account:
            return {}
        raise ServiceError("EntityAlreadyExists", f"The account alias {alias} already exists.", 409)
    for key, _ in _aliases(tx, ctx.account):
        tx.delete_doc(store.SERVICE, ALIAS, "", store.REGION, key)
    tx.put_doc(store.SERVICE, ALIAS, "", store.REGION, alias, {"AccountAlias": alias, "Account": ctx.account})
    return {}


@service.handler("DeleteAccountAlias")
def delete_account_alias(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    alias = request["AccountAlias"]
    doc = tx.get_doc(store.SERVICE, ALIAS, "", store.REGION, alias)
    if doc is None or doc["Account"] != ctx.account:
        raise ServiceError("NoSuchEntity", f"The account alias {alias} cannot be found.", 404)
    tx.delete_doc(store.SERVICE, ALIAS, "", store.REGION, alias)
    return {}


@service.handler("ListAccountAliases")
def list_account_aliases(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    aliases = _aliases(tx_of(ctx), ctx.account)
    return page(((key, doc["AccountAlias"]) for key, doc in aliases), request, "AccountAliases")


@service.handler("GetAccountSummary")
def get_account_summary(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    account = ctx.account
    users, groups, roles = (scan(tx, kind, account) for kind in (store.USER, store.GROUP, store.ROLE))
    devices = scan(tx, store.MFA_DEVICE, account)
    root_keys = [
        doc
        for _, doc in tx.list_docs(store.SERVICE, store.ACCESS_KEY, "", store.REGION, prefix="AKIA")
        if doc.get("Account") == account and doc.get("PrincipalKind") == "root"
    ]
    summary = {
        "Users": len(users),
        "Groups": len(groups),
        "Roles": len(roles),
        "Policies": len(scan(tx, store.POLICY, account)),
        "InstanceProfiles": len(scan(tx, store.INSTANCE_PROFILE, account)),
        "PolicyVersionsInUse": sum(len(doc.get("AttachedPolicies", [])) for doc in (*users, *groups, *roles)),
        "ServerCertificates": 0,
        "MFADevices": len(devices),
        "MFADevicesInUse": sum(1 for d in devices if d.get("UserId")),
        "AccountMFAEnabled": 0,  # the root user's own MFA devices are not kept
        "AccountAccessKeysPresent": int(bool(root_keys)),
        "AccountSigningCertificatesPresent": 0,
        "Providers": len(scan(tx, store.OIDC_PROVIDER, account))
        + len(scan(tx, store.SAML_PROVIDER, account)),
        "GlobalEndpointTokenVersion": 1,
        **QUOTAS,
    }
    return {"SummaryMap": summary}
