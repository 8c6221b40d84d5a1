"""Sending authorization: an identity's own policies (v1 Put/Get/List/DeleteIdentityPolicy), and the hook
that makes them the identity's resource policy, so that another account may send as the identity.

Policies are kept in the identity document ({"policies": {name: text}}), shared with v2's
Create/Get/Update/DeleteEmailIdentityPolicy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fogbank.authorization import ResourcePolicies
from fogbank.errors import ServiceError
from fogbank.policy import LabelledPolicy, PolicyError, parse_policy
from fogbank.services.ses import service, store

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.state import Transaction

__all__ = ["identity_policies", "check_policy", "check_policy_name", "MAX_POLICIES"]

MAX_POLICIES = 20
_POLICY_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_policy_name(name: str) -> str | None:
    """What is wrong with a policy name, or None."""
    if not _POLICY_NAME.fullmatch(name):
        return "Policy name must be 1 to 64 letters, digits, dashes and underscores."
    return None


def check_policy(text: str) -> str | None:
    """What is wrong with a policy document, or None."""
    try:
        parse_policy(text, "resource")
    except PolicyError as error:
        return str(error.message)
    return None


def identity_policies(ctx: Context, tx: Transaction, resource_arn: str) -> ResourcePolicies | None:
    """The policies of the identity `resource_arn` names; None for anything else."""
    ref = store.parse_identity_arn(resource_arn)
    if ref is None:
        return None
    doc = store.identity_in(tx, ref)
    if doc is None or not doc.get("policies"):
        return None
    return ResourcePolicies(
        tuple(
            LabelledPolicy(f"policy {name} of {ref.arn}", parse_policy(text, "resource"))
            for name, text in sorted(doc["policies"].items())
        )
    )


service.resource_policies(identity_policies)


@service.handler("PutIdentityPolicy")
def put_identity_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["Identity"], v2=False)
    name = request["PolicyName"]
    problem = check_policy_name(name)
    if problem:
        raise ServiceError("InvalidParameterValue", problem, 400)
    problem = check_policy(request["Policy"])
    if problem:
        raise ServiceError("InvalidPolicy", f"Policy is not valid: {problem}", 400)
    policies = doc.setdefault("policies", {})
    if name not in policies and len(policies) >= MAX_POLICIES:
        raise ServiceError("LimitExceeded", f"An identity can have at most {MAX_POLICIES} policies.", 400)
    policies[name] = request["Policy"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("GetIdentityPolicies")
def get_identity_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["Identity"], v2=False)
    policies = doc.get("policies", {})
    return {"Policies": {name: policies[name] for name in request["PolicyNames"] if name in policies}}


@service.handler("ListIdentityPolicies")
def list_identity_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyNames": sorted(store.existing_identity(ctx, request["Identity"], v2=False).get("policies", {}))
    }


@service.handler("DeleteIdentityPolicy")
def delete_identity_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["Identity"], v2=False)
    doc.get("policies", {}).pop(request["PolicyName"], None)
    store.put_identity(ctx, doc)
    return {}
