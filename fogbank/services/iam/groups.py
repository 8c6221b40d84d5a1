"""IAM groups and their members: create, read (with the members), list, rename, delete, add and remove users.

Membership is kept on the user (its Groups list of group names), so renaming a group rewrites the names
in its members' documents, and a group's members are found by reading the account's users.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import already_exists, as_time, find, get, now, put, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.users import LISTED as USER_LISTED
from fogbank.services.iam.users import public as public_user
from fogbank.state import Transaction

KIND = store.GROUP
GROUPS_PER_USER = 10


def public(doc: dict[str, Any]) -> dict[str, Any]:
    group = {k: doc[k] for k in ("Path", "GroupName", "GroupId", "Arn")}
    group["CreateDate"] = as_time(doc["CreateDate"])
    return group


def _is_member(user: dict[str, Any], group_name: str) -> bool:
    return group_name.lower() in (name.lower() for name in user.get("Groups", []))


def members(tx: Transaction, account: str, group_name: str) -> list[dict[str, Any]]:
    return [user for user in scan(tx, store.USER, account) if _is_member(user, group_name)]


@service.handler("CreateGroup")
def create_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name, path = request["GroupName"], request.get("Path", "/")
    if find(tx, KIND, ctx.account, name) is not None:
        raise already_exists(KIND, name)
    doc = {
        "Path": path,
        "GroupName": name,
        "GroupId": unique_id("AGPA"),
        "Arn": f"arn:aws:iam::{ctx.account}:group{path}{name}",
        "CreateDate": now(ctx),
        "AttachedPolicies": [],
        "InlinePolicies": {},
    }
    put(tx, KIND, ctx.account, name, doc)
    return {"Group": public(doc)}


@service.handler("GetGroup")
def get_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["GroupName"])
    users = (
        (u["UserName"].lower(), public_user(u, USER_LISTED))
        for u in members(tx, ctx.account, doc["GroupName"])
    )
    return {"Group": public(doc), **page(users, request, "Users")}


@service.handler("ListGroups")
def list_groups(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    prefix = request.get("PathPrefix", "/")
    docs = scan(tx_of(ctx), KIND, ctx.account)
    return page(
        ((d["GroupName"].lower(), public(d)) for d in docs if d["Path"].startswith(prefix)), request, "Groups"
    )


@service.handler("ListGroupsForUser")
def list_groups_for_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    user = get(tx, store.USER, ctx.account, request["UserName"])
    groups = (find(tx, KIND, ctx.account, name) for name in user.get("Groups", []))
    return page(((g["GroupName"].lower(), public(g)) for g in groups if g is not None), request, "Groups")


@service.handler("UpdateGroup")
def update_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name = request["GroupName"]
    doc = get(tx, KIND, ctx.account, name)
    new_name = request.get("NewGroupName", doc["GroupName"])
    path = request.get("NewPath", doc["Path"])
    if new_name.lower() != name.lower() and find(tx, KIND, ctx.account, new_name) is not None:
        raise already_exists(KIND, new_name)
    for user in members(tx, ctx.account, doc["GroupName"]):
        user["Groups"] = [new_name if g.lower() == name.lower() else g for g in user["Groups"]]
        put(tx, store.USER, ctx.account, user["UserName"], user)
    tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, name.lower())
    doc.update(GroupName=new_name, Path=path, Arn=f"arn:aws:iam::{ctx.account}:group{path}{new_name}")
    put(tx, KIND, ctx.account, new_name, doc)
    return {}


@service.handler("DeleteGroup")
def delete_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["GroupName"])
    if members(tx, ctx.account, doc["GroupName"]):
        problem = "remove users from group"
    elif doc.get("InlinePolicies"):
        problem = "delete policies"
    elif doc.get("AttachedPolicies"):
        problem = "detach all policies"
    else:
        tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, doc["GroupName"].lower())
        return {}
    raise ServiceError("DeleteConflict", f"Cannot delete entity, must {problem} first.", 409)


@service.handler("AddUserToGroup")
def add_user_to_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    group = get(tx, KIND, ctx.account, request["GroupName"])
    user = get(tx, store.USER, ctx.account, request["UserName"])
    if _is_member(user, group["GroupName"]):
        return {}
    if len(user.get("Groups", [])) >= GROUPS_PER_USER:
        raise ServiceError("LimitExceeded", f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}", 409)
    user["Groups"] = [*user.get("Groups", []), group["GroupName"]]
    put(tx, store.USER, ctx.account, user["UserName"], user)
    return {}


@service.handler("RemoveUserFromGroup")
def remove_user_from_group(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    group = get(tx, KIND, ctx.account, request["GroupName"])
    user = get(tx, store.USER, ctx.account, request["UserName"])
    if not _is_member(user, group["GroupName"]):
        raise ServiceError(
            "NoSuchEntity", f"User {user['UserName']} is not in group {group['GroupName']}.", 404
        )
    user["Groups"] = [g for g in user["Groups"] if g.lower() != group["GroupName"].lower()]
    put(tx, store.USER, ctx.account, user["UserName"], user)
    return {}
