"""Inline policies of users, groups and roles: put, get, delete, list.

An identity keeps its inline policies by name (InlinePolicies). AWS caps their total size per identity,
counted without whitespace: 2,048 characters for a user, 5,120 for a group, 10,240 for a role.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.attachments import IDENTITIES, Identity, load
from fogbank.services.iam.entities import check_document, document_size, encoded, put, tx_of
from fogbank.services.iam.iam_pagination import page

SIZE_QUOTAS = {store.USER: 2048, store.GROUP: 5120, store.ROLE: 10240}


def _no_such_policy(identity: Identity, name: str) -> ServiceError:
    return ServiceError(
        "NoSuchEntity", f"The {identity.noun.lower()} policy with name {name} cannot be found.", 404
    )


def _register(identity: Identity) -> None:
    noun, owner = identity.noun, identity.name_member

    @service.handler(f"Put{noun}Policy")
    def put_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[owner], changing=True)
        name, text = request["PolicyName"], request["PolicyDocument"]
        check_document(text, "identity")
        policies = {**doc.get("InlinePolicies", {}), name: text}
        quota = SIZE_QUOTAS[identity.kind]
        if sum(document_size(t) for t in policies.values()) > quota:
            raise ServiceError(
                "LimitExceeded",
                f"Maximum policy size of {quota} bytes exceeded for {noun.lower()} {doc[owner]}",
                409,
            )
        doc["InlinePolicies"] = policies
        put(tx_of(ctx), identity.kind, ctx.account, doc[owner], doc)
        return {}

    @service.handler(f"Get{noun}Policy")
    def get_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[owner], changing=False)
        name = request["PolicyName"]
        text = doc.get("InlinePolicies", {}).get(name)
        if text is None:
            raise _no_such_policy(identity, name)
        return {owner: doc[owner], "PolicyName": name, "PolicyDocument": encoded(text)}

    @service.handler(f"Delete{noun}Policy")
    def delete_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[owner], changing=True)
        name = request["PolicyName"]
        if name not in doc.get("InlinePolicies", {}):
            raise _no_such_policy(identity, name)
        del doc["InlinePolicies"][name]
        put(tx_of(ctx), identity.kind, ctx.account, doc[owner], doc)
        return {}

    @service.handler(f"List{noun}Policies")
    def list_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = load(ctx, identity, request[owner], changing=False)
        return page(((name, name) for name in doc.get("InlinePolicies", {})), request, "PolicyNames")


for _identity in IDENTITIES:
    _register(_identity)
