"""Whose credential an operation is about: the user the request names, or the caller.

Operations on a user's credentials take an optional UserName. When it is omitted AWS acts on the
caller: an IAM user (or its GetSessionToken session) acts on itself, the root user on the account's
own root credentials where AWS has such a thing, and any other principal must name a user.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import store
from fogbank.services.iam.entities import get, scan, tx_of

__all__ = ["caller_user_name", "named_user", "target_user", "users_by_id"]


def caller_user_name(ctx: Context) -> str | None:
    """The IAM user name of the caller, or None when the caller is not an IAM user."""
    principal = ctx.principal
    assert principal is not None
    if principal.kind != "user":
        return None
    # A GetSessionToken session speaks for its user: the session's ARN is the user's ARN.
    return principal.arn.rsplit("/", 1)[-1]


def _must_name_user() -> ServiceError:
    return ServiceError(
        "ValidationError", "Must specify userName when calling with non-User credentials", 400
    )


def target_user(ctx: Context, request: dict[str, Any], *, root_allowed: bool) -> dict[str, Any] | None:
    """The user document the request names, or the caller's; None means the root user itself."""
    name = request.get("UserName") or caller_user_name(ctx)
    if name is not None:
        return get(tx_of(ctx), store.USER, ctx.account, name)
    assert ctx.principal is not None
    if ctx.principal.kind == "root" and root_allowed:
        return None
    raise _must_name_user()


def named_user(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """The user document the request names, or the calling IAM user's (root must name a user)."""
    user = target_user(ctx, request, root_allowed=False)
    assert user is not None
    return user


def users_by_id(ctx: Context) -> dict[str, dict[str, Any]]:
    """Every user of the caller's account by UserId, for listings across users."""
    return {doc["UserId"]: doc for doc in scan(tx_of(ctx), store.USER, ctx.account)}
