"""SES v1 account: the sending quota, send statistics and the account-wide sending switch.

The sandbox is per account and region. AWS leaves it through a support case; fogbank through v2
PutAccountDetails with ProductionAccessEnabled, or its own route POST /_fogbank/ses/sandbox (routes.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import mailbox, sending, service, store

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["set_sending_enabled"]


@service.handler("GetSendQuota")
def get_send_quota(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return sending.quota(ctx)


@service.handler("GetSendStatistics")
def get_send_statistics(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    since = ctx.clock.now() - timedelta(days=14)
    return {"SendDataPoints": mailbox.statistics(store.tx_of(ctx), ctx.account, ctx.region, since)}


def set_sending_enabled(ctx: Context, enabled: bool) -> None:
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    store.put_account_state(tx, ctx.account, ctx.region, state | {"sending_enabled": enabled})


@service.handler("UpdateAccountSendingEnabled")
def update_account_sending_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    set_sending_enabled(ctx, request.get("Enabled", False))
    return {}


@service.handler("GetAccountSendingEnabled")
def get_account_sending_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Enabled": store.account_state(store.tx_of(ctx), ctx.account, ctx.region)["sending_enabled"]}
