"""IAM roles: create (trust policy checked by the policy engine), read, list, update, delete, tags,
permissions boundaries and service-linked roles.

A service-linked role (path /aws-service-role/SERVICE/) belongs to its service: its trust policy, its
policies and its existence are AWS's to change, so those operations answer UnmodifiableEntity.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import (
    already_exists,
    as_time,
    check_document,
    document_size,
    encoded,
    find,
    get,
    now,
    put,
    scan,
    tx_of,
)
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.policies import boundary
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = ["LISTED", "modifiable", "profiles_of", "public"]

KIND = store.ROLE
TRUST_POLICY_SIZE_QUOTA = 2048
SERVICE_ROLE_PATH = "/aws-service-role/"
LISTED = (
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "Description",
    "MaxSessionDuration",
)

# Service-linked role names that AWS does not derive from the service's host name.
_LINKED_NAMES = {
    "lex.amazonaws.com": "AWSServiceRoleForLexBots",
    "channels.lex.amazonaws.com": "AWSServiceRoleForLexChannels",
    "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
    "elasticbeanstalk.amazonaws.com": "AWSServiceRoleForElasticBeanstalk",
    "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
    "ecs.amazonaws.com": "AWSServiceRoleForECS",
    "eks.amazonaws.com": "AWSServiceRoleForAmazonEKS",
    "rds.amazonaws.com": "AWSServiceRoleForRDS",
    "elasticache.amazonaws.com": "AWSServiceRoleForElastiCache",
    "spot.amazonaws.com": "AWSServiceRoleForEC2Spot",
    "cloudtrail.amazonaws.com": "AWSServiceRoleForCloudTrail",
    "config.amazonaws.com": "AWSServiceRoleForConfig",
    "organizations.amazonaws.com": "AWSServiceRoleForOrganizations",
    "guardduty.amazonaws.com": "AWSServiceRoleForAmazonGuardDuty",
    "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService",
    "es.amazonaws.com": "AWSServiceRoleForAmazonElasticsearchService",
    "sso.amazonaws.com": "AWSServiceRoleForSSO",
    "support.amazonaws.com": "AWSServiceRoleForSupport",
    "trustedadvisor.amazonaws.com": "AWSServiceRoleForTrustedAdvisor",
}


def public(doc: dict[str, Any], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The Role shape: GetRole's in full; listings (`keys=LISTED`) without tags, boundary and last use."""
    full = keys is None
    role = {
        k: doc[k]
        for k in (keys or (*LISTED, "PermissionsBoundary", "Tags"))
        if doc.get(k) not in (None, [], "")
    }
    role["CreateDate"] = as_time(doc["CreateDate"])
    role["AssumeRolePolicyDocument"] = encoded(doc["AssumeRolePolicyDocument"])
    if full:
        last = doc.get("RoleLastUsed") or {}
        role["RoleLastUsed"] = {**last, **({"LastUsedDate": as_time(last["LastUsedDate"])} if last else {})}
    return role


def profiles_of(tx: Transaction, account: str, role_name: str) -> list[dict[str, Any]]:
    """The instance profiles that hold the role."""
    wanted = role_name.lower()
    return [
        p
        for p in scan(tx, store.INSTANCE_PROFILE, account)
        if wanted in (r.lower() for r in p.get("Roles", []))
    ]


def modifiable(doc: dict[str, Any]) -> None:
    """Refuse to change a service-linked role, as AWS does."""
    if doc["Path"].startswith(SERVICE_ROLE_PATH):
        raise ServiceError(
            "UnmodifiableEntity",
            f"Cannot perform the operation on the protected role '{doc['RoleName']}' - "
            "this role is only modifiable by AWS",
            400,
        )


def _check_trust_policy(text: str) -> None:
    if document_size(text) > TRUST_POLICY_SIZE_QUOTA:
        raise ServiceError(
            "LimitExceeded", f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE_QUOTA}", 409
        )
    check_document(text, "trust")


def _new_role(ctx: Context, request: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    tx = tx_of(ctx)
    if find(tx, KIND, ctx.account, name) is not None:
        raise already_exists(KIND, name)
    doc: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": unique_id("AROA"),
        "Arn": f"arn:aws:iam::{ctx.account}:role{path}{name}",
        "CreateDate": now(ctx),
        "AssumeRolePolicyDocument": request["AssumeRolePolicyDocument"],
        "MaxSessionDuration": request.get("MaxSessionDuration", 3600),
        "Tags": request.get("Tags", []),
        "AttachedPolicies": [],
        "InlinePolicies": {},
    }
    if request.get("Description"):
        doc["Description"] = request["Description"]
    if "PermissionsBoundary" in request:
        doc["PermissionsBoundary"] = boundary(tx, ctx.account, request["PermissionsBoundary"])
    put(tx, KIND, ctx.account, name, doc)
    return doc


@service.handler("CreateRole")
def create_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    check_tags(request.get("Tags", []))
    _check_trust_policy(request["AssumeRolePolicyDocument"])
    doc = _new_role(ctx, request, request["RoleName"], request.get("Path", "/"))
    return {"Role": public(doc, (*LISTED, "PermissionsBoundary", "Tags"))}


def linked_role_name(service_name: str) -> str:
    if service_name in _LINKED_NAMES:
        return _LINKED_NAMES[service_name]
    labels = service_name.removesuffix(".amazonaws.com").split(".")
    return "AWSServiceRoleFor" + "".join(part.capitalize() for part in labels[-1].split("-"))


@service.handler("CreateServiceLinkedRole")
def create_service_linked_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    service_name = request["AWSServiceName"]
    if not service_name.endswith(".amazonaws.com"):
        raise ServiceError("InvalidInput", f"Service role name {service_name} is not valid.", 400)
    name = linked_role_name(service_name)
    if request.get("CustomSuffix"):
        name += "_" + request["CustomSuffix"]
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["'
        + service_name
        + '"]},"Action":["sts:AssumeRole"]}]}'
    )
    role = {"AssumeRolePolicyDocument": trust, "Description": request.get("Description")}
    doc = _new_role(ctx, role, name, f"{SERVICE_ROLE_PATH}{service_name}/")
    return {"Role": public(doc, LISTED)}


@service.handler("GetRole")
def get_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Role": public(get(tx_of(ctx), KIND, ctx.account, request["RoleName"]))}


@service.handler("ListRoles")
def list_roles(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    prefix = request.get("PathPrefix", "/")
    docs = scan(tx_of(ctx), KIND, ctx.account)
    entries = ((d["RoleName"].lower(), public(d, LISTED)) for d in docs if d["Path"].startswith(prefix))
    return page(entries, request, "Roles")


def _change(ctx: Context, name: str, *, protected: bool = False) -> tuple[Transaction, dict[str, Any]]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, name)
    if protected:
        modifiable(doc)
    return tx, doc


@service.handler("UpdateRole")
def update_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"])
    if "Description" in request:
        doc["Description"] = request["Description"]
    if "MaxSessionDuration" in request:
        doc["MaxSessionDuration"] = request["MaxSessionDuration"]
    put(tx, KIND, ctx.account, doc["RoleName"], doc)
    return {}


@service.handler("UpdateRoleDescription")
def update_role_description(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"])
    doc["Description"] = request["Description"]
    put(tx, KIND, ctx.account, doc["RoleName"], doc)
    return {"Role": public(doc)}


@service.handler("UpdateAssumeRolePolicy")
def update_assume_role_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"], protected=True)
    _check_trust_policy(request["PolicyDocument"])
    doc["AssumeRolePolicyDocument"] = request["PolicyDocument"]
    put(tx, KIND, ctx.account, doc["RoleName"], doc)
    return {}


@service.handler("DeleteRole")
def delete_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"], protected=True)
    name = doc["RoleName"].lower()
    if profiles_of(tx, ctx.account, name):
        problem = "remove roles from instance profile"
    elif doc.get("InlinePolicies"):
        problem = "delete policies"
    elif doc.get("AttachedPolicies"):
        problem = "detach all policies"
    else:
        tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, name)
        return {}
    raise ServiceError("DeleteConflict", f"Cannot delete entity, must {problem} first.", 409)


tagging_operations(
    "Role",
    find=lambda ctx, request, _operation: get(tx_of(ctx), KIND, ctx.account, request["RoleName"]),
    save=lambda ctx, doc: put(tx_of(ctx), KIND, ctx.account, doc["RoleName"], doc),
)


@service.handler("PutRolePermissionsBoundary")
def put_role_permissions_boundary(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"], protected=True)
    doc["PermissionsBoundary"] = boundary(tx, ctx.account, request["PermissionsBoundary"])
    put(tx, KIND, ctx.account, doc["RoleName"], doc)
    return {}


@service.handler("DeleteRolePermissionsBoundary")
def delete_role_permissions_boundary(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, doc = _change(ctx, request["RoleName"], protected=True)
    doc.pop("PermissionsBoundary", None)
    put(tx, KIND, ctx.account, doc["RoleName"], doc)
    return {}
