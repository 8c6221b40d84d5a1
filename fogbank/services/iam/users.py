"""IAM users: create, read, list, rename, delete, tags and permissions boundaries, with AWS's errors.

A user cannot be deleted while anything still hangs off it (credentials, group memberships, policies):
AWS answers DeleteConflict naming the first thing to remove, and so does fogbank.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.access_keys import keys_of
from fogbank.services.iam.entities import already_exists, as_time, find, get, now, put, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.policies import boundary
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

KIND = store.USER

LISTED = ("Path", "UserName", "UserId", "Arn", "CreateDate", "PasswordLastUsed")


def public(
    doc: dict[str, Any], keys: tuple[str, ...] = (*LISTED, "PermissionsBoundary", "Tags")
) -> dict[str, Any]:
    """The User shape AWS answers: GetUser has tags and boundary, listings do not."""
    user = {k: doc[k] for k in keys if doc.get(k) not in (None, [])}
    for stamp in ("CreateDate", "PasswordLastUsed"):
        if stamp in user:
            user[stamp] = as_time(user[stamp])
    return user


@service.handler("CreateUser")
def create_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name = request["UserName"]
    path = request.get("Path", "/")
    check_tags(request.get("Tags", []))
    if find(tx, KIND, ctx.account, name) is not None:
        raise already_exists(KIND, name)
    doc: dict[str, Any] = {
        "Path": path,
        "UserName": name,
        "UserId": unique_id("AIDA"),
        "Arn": f"arn:aws:iam::{ctx.account}:user{path}{name}",
        "CreateDate": now(ctx),
        "Tags": request.get("Tags", []),
        "Groups": [],
        "AttachedPolicies": [],
        "InlinePolicies": {},
    }
    if "PermissionsBoundary" in request:
        doc["PermissionsBoundary"] = boundary(tx, ctx.account, request["PermissionsBoundary"])
    put(tx, KIND, ctx.account, name, doc)
    return {"User": public(doc)}


@service.handler("GetUser")
def get_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    principal = ctx.principal
    assert principal is not None
    name = request.get("UserName")
    if name is None:
        if principal.kind == "root":
            return {
                "User": {
                    "UserId": ctx.account,
                    "Arn": f"arn:aws:iam::{ctx.account}:root",
                    "CreateDate": ctx.clock.now().replace(microsecond=0),
                }
            }
        if principal.kind != "user":
            raise ServiceError(
                "ValidationError", "Must specify userName when calling with non-User credentials", 400
            )
        name = principal.arn.rsplit("/", 1)[-1]
    return {"User": public(get(tx_of(ctx), KIND, ctx.account, name))}


@service.handler("ListUsers")
def list_users(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    prefix = request.get("PathPrefix", "/")
    users = scan(tx_of(ctx), KIND, ctx.account)
    entries = (
        (doc["UserName"].lower(), public(doc, LISTED)) for doc in users if doc["Path"].startswith(prefix)
    )
    return page(entries, request, "Users")


@service.handler("UpdateUser")
def update_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name = request["UserName"]
    doc = get(tx, KIND, ctx.account, name)
    new_name = request.get("NewUserName", doc["UserName"])
    path = request.get("NewPath", doc["Path"])
    renamed = new_name.lower() != name.lower()
    if renamed and find(tx, KIND, ctx.account, new_name) is not None:
        raise already_exists(KIND, new_name)
    tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, name.lower())
    doc.update(UserName=new_name, Path=path, Arn=f"arn:aws:iam::{ctx.account}:user{path}{new_name}")
    put(tx, KIND, ctx.account, new_name, doc)
    for access_key in keys_of(tx, ctx.account, doc["UserId"]):
        key = access_key.pop("AccessKeyId")
        access_key.update(UserName=new_name, Arn=doc["Arn"])
        tx.put_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, key, access_key)
    return {}


def _conflict(what: str) -> ServiceError:
    return ServiceError("DeleteConflict", f"Cannot delete entity, must {what} first.", 409)


def _check_nothing_left(tx: Transaction, account: str, doc: dict[str, Any]) -> None:
    user_id = doc["UserId"]
    if tx.get_doc(store.SERVICE, store.LOGIN_PROFILE, account, store.REGION, user_id) is not None:
        raise _conflict("delete login profile")
    if keys_of(tx, account, user_id):
        raise _conflict("delete access keys")
    if any(d.get("UserId") == user_id for d in scan(tx, store.MFA_DEVICE, account)):
        raise _conflict("delete MFA device")
    if tx.list_docs(store.SERVICE, store.SSH_KEY, account, store.REGION, prefix=user_id + "/", limit=1):
        raise _conflict("delete SSH public keys")
    if tx.list_docs(
        store.SERVICE, store.SERVICE_CREDENTIAL, account, store.REGION, prefix=user_id + "/", limit=1
    ):
        raise _conflict("delete service specific credentials")
    if doc.get("InlinePolicies"):
        raise _conflict("delete policies")
    if doc.get("AttachedPolicies"):
        raise _conflict("detach all policies")
    if doc.get("Groups"):
        raise _conflict("remove user from all groups")


@service.handler("DeleteUser")
def delete_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["UserName"])
    _check_nothing_left(tx, ctx.account, doc)
    tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, doc["UserName"].lower())
    return {}


tagging_operations(
    "User",
    find=lambda ctx, request, _operation: get(tx_of(ctx), KIND, ctx.account, request["UserName"]),
    save=lambda ctx, doc: put(tx_of(ctx), KIND, ctx.account, doc["UserName"], doc),
)


@service.handler("PutUserPermissionsBoundary")
def put_user_permissions_boundary(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["UserName"])
    doc["PermissionsBoundary"] = boundary(tx, ctx.account, request["PermissionsBoundary"])
    put(tx, KIND, ctx.account, doc["UserName"], doc)
    return {}


@service.handler("DeleteUserPermissionsBoundary")
def delete_user_permissions_boundary(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = get(tx, KIND, ctx.account, request["UserName"])
    doc.pop("PermissionsBoundary", None)
    put(tx, KIND, ctx.account, doc["UserName"], doc)
    return {}
