"""IAM users: CreateUser, GetUser, ListUsers, DeleteUser, with AWS's names, paths and errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service
from fogbank.services.iam.ids import unique_id

KIND = "user"


def _no_such_user(name: str) -> ServiceError:
    return ServiceError("NoSuchEntity", f"The user with name {name} cannot be found.", 404)


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    keys = ("Path", "UserName", "UserId", "Arn", "CreateDate", "PermissionsBoundary", "Tags")
    user = {k: doc[k] for k in keys if doc.get(k) not in (None, [])}
    user["CreateDate"] = datetime.fromisoformat(user["CreateDate"])
    return user


@service.handler("CreateUser")
def create_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["UserName"]
    path = request.get("Path", "/")
    assert ctx.tx is not None
    # IAM names are unique case-insensitively within an account.
    if ctx.tx.get_doc("iam", KIND, ctx.account, "", name.lower()) is not None:
        raise ServiceError("EntityAlreadyExists", f"User with name {name} already exists.", 409)
    doc = {
        "Path": path,
        "UserName": name,
        "UserId": unique_id("AIDA"),
        "Arn": f"arn:aws:iam::{ctx.account}:user{path}{name}",
        "CreateDate": ctx.clock.now().replace(microsecond=0).isoformat(),
        "Tags": request.get("Tags", []),
    }
    if "PermissionsBoundary" in request:
        doc["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": request["PermissionsBoundary"],
        }
    ctx.tx.put_doc("iam", KIND, ctx.account, "", name.lower(), doc)
    return {"User": _public(doc)}


@service.handler("GetUser")
def get_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None and ctx.principal is not None
    name = request.get("UserName")
    if name is None:
        if ctx.principal.kind == "root":
            account = ctx.account
            return {
                "User": {
                    "UserId": account,
                    "Arn": f"arn:aws:iam::{account}:root",
                    "CreateDate": ctx.clock.now().replace(microsecond=0),
                }
            }
        name = ctx.principal.arn.rsplit("/", 1)[-1]
    doc = ctx.tx.get_doc("iam", KIND, ctx.account, "", name.lower())
    if doc is None:
        raise _no_such_user(name)
    return {"User": _public(doc)}


@service.handler("ListUsers")
def list_users(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    prefix = request.get("PathPrefix", "/")
    max_items = request.get("MaxItems", 100)
    if not 1 <= max_items <= 1000:
        raise ServiceError(
            "ValidationError",
            f"1 validation error detected: Value '{max_items}' at 'maxItems' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000",
            400,
        )
    rows = ctx.tx.list_docs("iam", KIND, ctx.account, "", after=request.get("Marker"), limit=None)
    users = [(key, doc) for key, doc in rows if doc["Path"].startswith(prefix)]
    page = users[:max_items]
    result: dict[str, Any] = {
        "Users": [_public(doc) for _, doc in page],
        "IsTruncated": len(users) > max_items,
    }
    if result["IsTruncated"]:
        result["Marker"] = page[-1][0]
    return result


@service.handler("DeleteUser")
def delete_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    name = request["UserName"]
    if not ctx.tx.delete_doc("iam", KIND, ctx.account, "", name.lower()):
        raise _no_such_user(name)
    return {}
