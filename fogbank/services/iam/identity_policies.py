"""The identity-based policies and permissions boundary of a principal, as the authorize stage needs them.

For an IAM user: its inline policies, its attached managed policies, and the inline and attached policies
of each of its groups. For an assumed-role session: its role's inline and attached policies. For a
federated user (GetFederationToken): those of the IAM user who asked for the session. The boundary
is the user's or role's PermissionsBoundary. Other principals (root, federated users) have none here.

This runs for every request an IAM principal makes, so it reads each document once: the user or role, each
group, and each customer managed policy (however many identities attach it); AWS managed policies come
from memory, and parsed documents from the policy engine's cache.
"""

from __future__ import annotations

from typing import Any

from fogbank.auth.credentials import Principal
from fogbank.policy import LabelledPolicy, PolicyKind, parse_policy
from fogbank.services.iam import store
from fogbank.services.iam.managed import managed_policy
from fogbank.services.iam.policies import AWS_PREFIX
from fogbank.state import Transaction

__all__ = ["identity_policy_set", "group_policies", "ManagedPolicies"]

_ALL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'


def identity_policy_set(
    tx: Transaction, principal: Principal
) -> tuple[list[LabelledPolicy], LabelledPolicy | None]:
    """(identity policies, permissions boundary or None) of the principal, each labelled for explanations."""
    if principal.kind == "federated-user":
        return _federation_source(tx, principal)
    if principal.kind == "user":
        owner = _read(tx, store.USER, principal.account, principal.arn)
        prefix = "user"
    elif principal.kind == "assumed-role" and principal.role_arn:
        owner = _read(tx, store.ROLE, principal.account, principal.role_arn)
        prefix = "role"
    else:
        return [], None
    if owner is None:
        return [], None
    managed = ManagedPolicies(tx, principal.account)
    name = owner["UserName" if prefix == "user" else "RoleName"]
    policies = _policies_of(owner, f"{prefix}/{name}", managed)
    if prefix == "user":
        for group_name in owner.get("Groups", []):
            group = tx.get_doc(
                store.SERVICE, store.GROUP, principal.account, store.REGION, group_name.lower()
            )
            if group is not None:
                policies += _policies_of(group, f"group/{group['GroupName']}", managed)
    boundary = None
    if "PermissionsBoundary" in owner:
        boundary = managed.get(owner["PermissionsBoundary"]["PermissionsBoundaryArn"], "boundary")
    return policies, boundary


def group_policies(tx: Transaction, account: str, group_name: str) -> list[LabelledPolicy] | None:
    """A group's own inline and attached policies (None when there is no such group)."""
    group = tx.get_doc(store.SERVICE, store.GROUP, account, store.REGION, group_name.lower())
    if group is None:
        return None
    return _policies_of(group, f"group/{group['GroupName']}", ManagedPolicies(tx, account))


def _federation_source(
    tx: Transaction, principal: Principal
) -> tuple[list[LabelledPolicy], LabelledPolicy | None]:
    """A GetFederationToken session has the policies of the user who asked for it (the session policies that
    narrow them are the authorize stage's); the root user's federated sessions have all of root's."""
    session = tx.get_doc(store.SERVICE, store.SESSION, "", store.REGION, principal.access_key or "")
    source = (session or {}).get("SourceArn", "")
    if source.endswith(":root"):
        return [
            LabelledPolicy(f"{source} (the root user's permissions)", parse_policy(_ALL, "identity"))
        ], None
    if ":user/" not in source:
        return [], None
    user = Principal(account=principal.account, arn=source, user_id="", kind="user")
    return identity_policy_set(tx, user)


def _read(tx: Transaction, kind: str, account: str, arn: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, kind, account, store.REGION, arn.rsplit("/", 1)[-1].lower())


def _policies_of(doc: dict[str, Any], label: str, managed: ManagedPolicies) -> list[LabelledPolicy]:
    policies = [
        LabelledPolicy(f"{label} inline {name}", parse_policy(text, "identity"))
        for name, text in doc.get("InlinePolicies", {}).items()
    ]
    for arn in doc.get("AttachedPolicies", []):
        policy = managed.get(arn, "identity")
        if policy is not None:
            policies.append(policy)
    return policies


class ManagedPolicies:
    """Default versions of managed policies, each customer policy read at most once per request."""

    def __init__(self, tx: Transaction, account: str) -> None:
        self._tx = tx
        self._account = account
        self._documents: dict[str, tuple[str, str] | None] = {}

    def _default(self, arn: str) -> tuple[str, str] | None:
        if arn.startswith(AWS_PREFIX):
            found = managed_policy(arn)
            return (found.DefaultVersionId, found.Document) if found is not None else None
        doc = _read(self._tx, store.POLICY, self._account, arn)
        if doc is None or doc["Arn"] != arn:
            return None
        version = doc["DefaultVersionId"]
        return version, doc["Versions"][version]["Document"]

    def get(self, arn: str, kind: PolicyKind) -> LabelledPolicy | None:
        if arn not in self._documents:
            self._documents[arn] = self._default(arn)
        found = self._documents[arn]
        if found is None:
            return None
        version, text = found
        return LabelledPolicy(f"{arn} ({version})", parse_policy(text, kind))
