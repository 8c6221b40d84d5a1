"""SES v2 dedicated IP pools, and the account's dedicated IPs (none: fogbank leases no addresses).

A pool is one document {name, scaling_mode (STANDARD or MANAGED), tags}. AWS allows 50 pools per
region. GetDedicatedIps lists no address, PutDedicatedIpInPool finds none (NotFoundException), and the
auto-warmup switch is kept in the account document for GetAccount.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["POOL"]

POOL = "dedicatedippool"
MAX_POOLS = 50


def _pools(ctx: Context) -> list[dict[str, Any]]:
    return [doc for _, doc in store.tx_of(ctx).list_docs(store.SERVICE, POOL, ctx.account, ctx.region)]


def _pool(ctx: Context, name: str) -> dict[str, Any]:
    doc = store.tx_of(ctx).get_doc(store.SERVICE, POOL, ctx.account, ctx.region, name)
    if doc is None:
        raise not_found(f"Pool {name} does not exist.")
    return doc


@service.handler("CreateDedicatedIpPool")
def create_dedicated_ip_pool(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["PoolName"]
    mode = request.get("ScalingMode", "STANDARD")
    tx = store.tx_of(ctx)
    if tx.get_doc(store.SERVICE, POOL, ctx.account, ctx.region, name) is not None:
        raise ServiceError("AlreadyExistsException", f"Pool {name} already exists.", 400)
    if len(_pools(ctx)) >= MAX_POOLS:
        raise ServiceError("LimitExceededException", f"An account can have at most {MAX_POOLS} pools.", 400)
    doc = {"name": name, "scaling_mode": mode, "tags": request.get("Tags", [])}
    tx.put_doc(store.SERVICE, POOL, ctx.account, ctx.region, name, doc)
    return {}


@service.handler("DeleteDedicatedIpPool")
def delete_dedicated_ip_pool(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = _pool(ctx, request["PoolName"])["name"]
    store.tx_of(ctx).delete_doc(store.SERVICE, POOL, ctx.account, ctx.region, name)
    return {}


@service.handler("GetDedicatedIpPool")
def get_dedicated_ip_pool(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _pool(ctx, request["PoolName"])
    return {"DedicatedIpPool": {"PoolName": doc["name"], "ScalingMode": doc["scaling_mode"]}}


@service.handler("ListDedicatedIpPools")
def list_dedicated_ip_pools(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    names = [doc["name"] for doc in _pools(ctx)]
    return page(names, request, "DedicatedIpPools", default=100, most=1000)


@service.handler("GetDedicatedIps")
def get_dedicated_ips(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if "PoolName" in request:
        _pool(ctx, request["PoolName"])
    return page([], request, "DedicatedIps", default=100, most=1000)


@service.handler("PutDedicatedIpInPool")
def put_dedicated_ip_in_pool(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _pool(ctx, request["DestinationPoolName"])
    raise not_found(f"Dedicated IP {request['Ip']} does not exist.")


@service.handler("PutAccountDedicatedIpWarmupAttributes")
def put_account_dedicated_ip_warmup_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    store.put_account_state(
        tx, ctx.account, ctx.region, state | {"auto_warmup": request.get("AutoWarmupEnabled", False)}
    )
    return {}
