"""Instance profiles: the container that hands one role to an EC2 instance.

A profile holds at most one role (AWS's quota InstanceSessionsPerInstanceProfile); it names its role,
and answers it in full, as the role is now.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import already_exists, as_time, find, get, now, put, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.roles import LISTED, profiles_of
from fogbank.services.iam.roles import public as public_role
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = ["public"]

KIND = store.INSTANCE_PROFILE
ROLES_PER_PROFILE = 1


def public(tx: Transaction, account: str, doc: dict[str, Any], *, tags: bool = True) -> dict[str, Any]:
    roles = (find(tx, store.ROLE, account, name) for name in doc.get("Roles", []))
    profile = {k: doc[k] for k in ("Path", "InstanceProfileName", "InstanceProfileId", "Arn")}
    profile["CreateDate"] = as_time(doc["CreateDate"])
    profile["Roles"] = [public_role(role, LISTED) for role in roles if role is not None]
    if tags and doc.get("Tags"):
        profile["Tags"] = doc["Tags"]
    return profile


@service.handler("CreateInstanceProfile")
def create_instance_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name, path = request["InstanceProfileName"], request.get("Path", "/")
    check_tags(request.get("Tags", []))
    if find(tx, KIND, ctx.account, name) is not None:
        raise already_exists(KIND, name)
    doc = {
        "Path": path,
        "InstanceProfileName": name,
        "InstanceProfileId": unique_id("AIPA"),
        "Arn": f"arn:aws:iam::{ctx.account}:instance-profile{path}{name}",
        "CreateDate": now(ctx),
        "Roles": [],
        "Tags": request.get("Tags", []),
    }
    put(tx, KIND, ctx.account, name, doc)
    return {"InstanceProfile": public(tx, ctx.account, doc)}


@service.handler("GetInstanceProfile")
def get_instance_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    return {
        "InstanceProfile": public(tx, ctx.account, get(tx, KIND, ctx.account, request["InstanceProfileName"]))
    }


@service.handler("ListInstanceProfiles")
def list_instance_profiles(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    prefix = request.get("PathPrefix", "/")
    entries = (
        (d["InstanceProfileName"].lower(), public(tx, ctx.account, d, tags=False))
        for d in scan(tx, KIND, ctx.account)
        if d["Path"].startswith(prefix)
    )
    return page(entries, request, "InstanceProfiles")


@service.handler("ListInstanceProfilesForRole")
def list_instance_profiles_for_role(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    role = get(tx, store.ROLE, ctx.account, request["RoleName"])
    entries = (
        (d["InstanceProfileName"].lower(), public(tx, ctx.account, d, tags=False))
        for d in profiles_of(tx, ctx.account, role["RoleName"])
    )
    return page(entries, request, "InstanceProfiles")


@service.handler("DeleteInstanceProfile")
def delete_instance_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["InstanceProfileName"])
    if doc.get("Roles"):
        raise ServiceError(
            "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409
        )
    tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, doc["InstanceProfileName"].lower())
    return {}


@service.handler("AddRoleToInstanceProfile")
def add_role_to_instance_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["InstanceProfileName"])
    role = get(tx, store.ROLE, ctx.account, request["RoleName"])
    if role["RoleName"].lower() in (r.lower() for r in doc["Roles"]):
        raise ServiceError(
            "EntityAlreadyExists", f"Role {role['RoleName']} already exists in this instance profile.", 409
        )
    if len(doc["Roles"]) >= ROLES_PER_PROFILE:
        raise ServiceError(
            "LimitExceeded",
            f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_PROFILE}",
            409,
        )
    doc["Roles"].append(role["RoleName"])
    put(tx, KIND, ctx.account, doc["InstanceProfileName"], doc)
    return {}


@service.handler("RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["InstanceProfileName"])
    name = request["RoleName"]
    if name.lower() not in (r.lower() for r in doc["Roles"]):
        raise ServiceError("NoSuchEntity", f"The role with name {name} cannot be found.", 404)
    doc["Roles"] = [r for r in doc["Roles"] if r.lower() != name.lower()]
    put(tx, KIND, ctx.account, doc["InstanceProfileName"], doc)
    return {}


tagging_operations(
    "InstanceProfile",
    find=lambda ctx, request, _operation: get(tx_of(ctx), KIND, ctx.account, request["InstanceProfileName"]),
    save=lambda ctx, doc: put(tx_of(ctx), KIND, ctx.account, doc["InstanceProfileName"], doc),
)
