"""STS: who is calling. GetCallerIdentity answers for any principal, and needs no permission."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services import Service

__all__ = ["service"]

service = Service("sts")


@service.handler("GetCallerIdentity")
def get_caller_identity(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    principal = ctx.principal
    assert principal is not None
    return {"UserId": principal.user_id, "Account": principal.account, "Arn": principal.arn}
