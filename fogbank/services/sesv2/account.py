"""SES v2 account: GetAccount, PutAccountDetails (production access), PutAccountSendingAttributes,
PutAccountVdmAttributes (kept and returned; fogbank computes no VDM metrics).

Production access: AWS reviews the request; fogbank grants it at once, so PutAccountDetails with
ProductionAccessEnabled leaves the sandbox (as POST /_fogbank/ses/sandbox {"enabled": false} does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.services.ses import sending, store
from fogbank.services.ses.account import set_sending_enabled
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []


@service.handler("GetAccount")
def get_account(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    state = store.account_state(store.tx_of(ctx), ctx.account, ctx.region)
    out: dict[str, Any] = {
        "DedicatedIpAutoWarmupEnabled": state.get("auto_warmup", False),
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": not state["sandbox"],
        "SendQuota": sending.quota(ctx),
        "SendingEnabled": state["sending_enabled"],
        "SuppressionAttributes": {"SuppressedReasons": state["suppressed_reasons"]},
    }
    if "details" in state:
        out["Details"] = state["details"]
    if "vdm" in state:
        out["VdmAttributes"] = state["vdm"]
    return out


@service.handler("PutAccountDetails")
def put_account_details(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if len(request.get("UseCaseDescription") or "") > 5000:
        raise bad_request("UseCaseDescription must be at most 5000 characters long.")
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    details: dict[str, Any] = {
        key: request[key]
        for key in (
            "MailType",
            "WebsiteURL",
            "ContactLanguage",
            "UseCaseDescription",
            "AdditionalContactEmailAddresses",
        )
        if key in request
    }
    if request.get("ProductionAccessEnabled"):
        details["ReviewDetails"] = {"Status": "GRANTED", "CaseId": f"fogbank-{ctx.request_id[:8]}"}
        state = state | {"sandbox": False}
    store.put_account_state(tx, ctx.account, ctx.region, state | {"details": details})
    return {}


@service.handler("PutAccountSendingAttributes")
def put_account_sending_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    set_sending_enabled(ctx, request.get("SendingEnabled", False))
    return {}


@service.handler("PutAccountVdmAttributes")
def put_account_vdm_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    vdm = request["VdmAttributes"]
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    store.put_account_state(tx, ctx.account, ctx.region, state | {"vdm": vdm})
    return {}
