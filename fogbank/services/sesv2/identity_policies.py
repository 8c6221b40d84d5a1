"""SES v2 sending-authorization policies of an identity: the same policies v1's identity policy operations
keep (fogbank.services.ses.identity_policies), which are the identity's resource policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.ses.identity_policies import (
    MAX_POLICIES,
    check_policy,
    check_policy_name,
    identity_policies,
)
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

service.resource_policies(identity_policies)


def _checked(request: dict[str, Any]) -> None:
    problem = check_policy_name(request["PolicyName"]) or check_policy(request["Policy"])
    if problem:
        raise bad_request(problem)


@service.handler("CreateEmailIdentityPolicy")
def create_email_identity_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["EmailIdentity"], v2=True)
    _checked(request)
    policies = doc.setdefault("policies", {})
    if request["PolicyName"] in policies:
        raise ServiceError("AlreadyExistsException", f"Policy {request['PolicyName']} already exists.", 400)
    if len(policies) >= MAX_POLICIES:
        raise ServiceError(
            "LimitExceededException", f"An identity can have at most {MAX_POLICIES} policies.", 400
        )
    policies[request["PolicyName"]] = request["Policy"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("UpdateEmailIdentityPolicy")
def update_email_identity_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["EmailIdentity"], v2=True)
    _checked(request)
    if request["PolicyName"] not in doc.get("policies", {}):
        raise not_found(f"Policy {request['PolicyName']} does not exist.")
    doc["policies"][request["PolicyName"]] = request["Policy"]
    store.put_identity(ctx, doc)
    return {}


@service.handler("GetEmailIdentityPolicies")
def get_email_identity_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Policies": store.existing_identity(ctx, request["EmailIdentity"], v2=True).get("policies", {})}


@service.handler("DeleteEmailIdentityPolicy")
def delete_email_identity_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_identity(ctx, request["EmailIdentity"], v2=True)
    if request["PolicyName"] not in doc.get("policies", {}):
        raise not_found(f"Policy {request['PolicyName']} does not exist.")
    del doc["policies"][request["PolicyName"]]
    store.put_identity(ctx, doc)
    return {}
