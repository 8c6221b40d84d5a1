"""Console passwords: Create/Get/Update/DeleteLoginProfile and ChangePassword.

A password is checked against the account's password policy (reuse prevention included) and kept
only as a hash; the hashes of earlier passwords are kept, newest first, as many as reuse
prevention can ask for.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now
from fogbank.services.iam.owners import caller_user_name, named_user
from fogbank.services.iam.password_policy import check_password
from fogbank.services.iam.passwords import hash_password, verify_password

__all__ = ["login_profile"]

KEPT_HASHES = 24  # the most PasswordReusePrevention can ask for


def login_profile(tx: Any, account: str, user_id: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, store.LOGIN_PROFILE, account, store.REGION, user_id)


def _require_profile(ctx: Context, user: dict[str, Any]) -> dict[str, Any]:
    profile = login_profile(ctx.tx, ctx.account, user["UserId"])
    if profile is None:
        raise ServiceError("NoSuchEntity", f"Login Profile for User {user['UserName']} cannot be found.", 404)
    return profile


def _set_password(ctx: Context, profile: dict[str, Any], password: str) -> None:
    history = profile.get("PreviousPasswordHashes", [])
    if "PasswordHash" in profile:
        history = [profile["PasswordHash"], *history]
    check_password(ctx.tx, ctx.account, password, history)
    profile["PasswordHash"] = hash_password(password)
    profile["PreviousPasswordHashes"] = history[: KEPT_HASHES - 1]
    profile["PasswordLastChanged"] = now(ctx)


def _save(ctx: Context, profile: dict[str, Any]) -> None:
    assert ctx.tx is not None
    ctx.tx.put_doc(store.SERVICE, store.LOGIN_PROFILE, ctx.account, store.REGION, profile["UserId"], profile)


@service.handler("CreateLoginProfile")
def create_login_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    if login_profile(ctx.tx, ctx.account, user["UserId"]) is not None:
        raise ServiceError(
            "EntityAlreadyExists", f"Login Profile for user {user['UserName']} already exists.", 409
        )
    if "Password" not in request:
        raise ServiceError("ValidationError", "Password is required to create a login profile.", 400)
    profile: dict[str, Any] = {
        "UserId": user["UserId"],
        "CreateDate": now(ctx),
        "PasswordResetRequired": request.get("PasswordResetRequired", False),
    }
    _set_password(ctx, profile, request["Password"])
    _save(ctx, profile)
    return {"LoginProfile": _public(user, profile)}


def _public(user: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "UserName": user["UserName"],
        "CreateDate": as_time(profile["CreateDate"]),
        "PasswordResetRequired": profile["PasswordResetRequired"],
    }


@service.handler("GetLoginProfile")
def get_login_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    return {"LoginProfile": _public(user, _require_profile(ctx, user))}


@service.handler("UpdateLoginProfile")
def update_login_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    profile = _require_profile(ctx, user)
    if "Password" in request:
        _set_password(ctx, profile, request["Password"])
    if "PasswordResetRequired" in request:
        profile["PasswordResetRequired"] = request["PasswordResetRequired"]
    _save(ctx, profile)
    return {}


@service.handler("DeleteLoginProfile")
def delete_login_profile(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    user = named_user(ctx, request)
    _require_profile(ctx, user)
    ctx.tx.delete_doc(store.SERVICE, store.LOGIN_PROFILE, ctx.account, store.REGION, user["UserId"])
    return {}


@service.handler("ChangePassword")
def change_password(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """The calling IAM user changes its own password; it must know the old one."""
    name = caller_user_name(ctx)
    if name is None:
        raise ServiceError(
            "InvalidUserType",
            "The request was rejected because the type of user for the transaction was incorrect.",
            400,
        )
    user = named_user(ctx, {"UserName": name})
    profile = _require_profile(ctx, user)
    if not verify_password(request["OldPassword"], profile["PasswordHash"]):
        raise ServiceError(
            "AccessDenied",
            "Either user is not authorized to perform iam:ChangePassword or entered password is not valid",
            403,
        )
    _set_password(ctx, profile, request["NewPassword"])
    # A user who had to choose a new password has now done so.
    profile["PasswordResetRequired"] = False
    _save(ctx, profile)
    return {}
