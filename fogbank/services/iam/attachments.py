"""Managed policies attached to users, groups and roles, and who a policy is attached to.

An identity keeps the ARNs of its attached policies (AttachedPolicies); at most ten each, AWS's default
quota. The same handlers serve the three kinds of identity: only the names differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import get, name_of, path_of, put, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.policies import require
from fogbank.services.iam.roles import modifiable

__all__ = ["IDENTITIES", "Identity", "load"]

ATTACHED_PER_IDENTITY = 10


@dataclass(frozen=True, slots=True)
class Identity:
    noun: str  # as in the operation names: User, Group, Role
    kind: str  # the store's document kind

    @property
    def name_member(self) -> str:
        return f"{self.noun}Name"

    @property
    def id_member(self) -> str:
        return f"{self.noun}Id"


IDENTITIES = (Identity("User", store.USER), Identity("Group", store.GROUP), Identity("Role", store.ROLE))


def load(ctx: Context, identity: Identity, name: str, *, changing: bool) -> dict[str, Any]:
    """The identity's document; `changing` refuses a service-linked role, which only AWS may change."""
    doc = get(tx_of(ctx), identity.kind, ctx.account, name)
    if changing and identity.kind == store.ROLE:
        modifiable(doc)
    return doc


def _register(identity: Identity) -> None:
    noun = identity.noun

    @service.handler(f"Attach{noun}Policy")
    def attach(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[identity.name_member], changing=True)
        arn = request["PolicyArn"]
        require(tx_of(ctx), ctx.account, arn)
        attached = doc.setdefault("AttachedPolicies", [])
        if arn in attached:
            return {}
        if len(attached) >= ATTACHED_PER_IDENTITY:
            raise ServiceError(
                "LimitExceeded", f"Cannot exceed quota for PoliciesPer{noun}: {ATTACHED_PER_IDENTITY}", 409
            )
        attached.append(arn)
        put(tx_of(ctx), identity.kind, ctx.account, doc[identity.name_member], doc)
        return {}

    @service.handler(f"Detach{noun}Policy")
    def detach(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[identity.name_member], changing=True)
        arn = request["PolicyArn"]
        if arn not in doc.get("AttachedPolicies", []):
            raise ServiceError("NoSuchEntity", f"Policy {arn} was not found.", 404)
        doc["AttachedPolicies"].remove(arn)
        put(tx_of(ctx), identity.kind, ctx.account, doc[identity.name_member], doc)
        return {}

    @service.handler(f"ListAttached{noun}Policies")
    def list_attached(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[identity.name_member], changing=False)
        prefix = request.get("PathPrefix", "/")
        entries = (
            (f"{name_of(arn).lower()} {arn}", {"PolicyName": name_of(arn), "PolicyArn": arn})
            for arn in doc.get("AttachedPolicies", [])
            if path_of(arn).startswith(prefix)
        )
        return page(entries, request, "AttachedPolicies")


for _identity in IDENTITIES:
    _register(_identity)


@service.handler("ListEntitiesForPolicy")
def list_entities_for_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    arn = request["PolicyArn"]
    require(tx, ctx.account, arn)
    wanted = request.get("EntityFilter")
    usage = request.get("PolicyUsageFilter")
    prefix = request.get("PathPrefix", "/")
    entries: list[tuple[str, tuple[str, dict[str, str]]]] = []
    for identity in IDENTITIES:
        if wanted not in (None, identity.noun):
            continue
        for doc in scan(tx, identity.kind, ctx.account):
            as_policy = usage != "PermissionsBoundary" and arn in doc.get("AttachedPolicies", [])
            bounded = doc.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") == arn
            if (as_policy or (usage != "PermissionsPolicy" and bounded)) and doc["Path"].startswith(prefix):
                name = doc[identity.name_member]
                item = {identity.name_member: name, identity.id_member: doc[identity.id_member]}
                entries.append((f"{identity.noun} {name.lower()}", (identity.noun, item)))
    result = page(entries, request, "Entities")
    chosen = result.pop("Entities")
    for noun in ("Group", "User", "Role"):
        result[f"Policy{noun}s"] = [item for kind, item in chosen if kind == noun]
    return result
