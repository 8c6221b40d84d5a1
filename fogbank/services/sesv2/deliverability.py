"""SES v2 Deliverability dashboard: the subscription (enabled, and its subscribed domains), kept per account
and region. fogbank bills nothing and gathers no placement data; the subscription is active at once and
runs to the end of the calendar month, as AWS bills it. Subscribed domains must be the account's
identities (NotFoundException).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import store
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import not_found

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []


def _month_end(now: datetime) -> datetime:
    """The first moment of the next calendar month."""
    return datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)


@service.handler("PutDeliverabilityDashboardOption")
def put_deliverability_dashboard_option(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    domains = request.get("SubscribedDomains", [])
    for domain in domains:
        if store.identity(ctx, domain["Domain"]) is None:
            raise not_found(f"Domain {domain['Domain']} is not a verified identity.")
    now = ctx.clock.now()
    subscribed = [
        {"Domain": d["Domain"], "SubscriptionStartDate": (d.get("SubscriptionStartDate") or now).isoformat()}
        for d in domains
    ]
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    dashboard = {
        "enabled": request["DashboardEnabled"],
        "domains": subscribed,
        "expires": _month_end(now).isoformat(),
    }
    store.put_account_state(tx, ctx.account, ctx.region, state | {"dashboard": dashboard})
    return {}


@service.handler("GetDeliverabilityDashboardOptions")
def get_deliverability_dashboard_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    dashboard = store.account_state(store.tx_of(ctx), ctx.account, ctx.region).get("dashboard")
    if not dashboard or not dashboard["enabled"]:
        return {"DashboardEnabled": False, "AccountStatus": "DISABLED", "ActiveSubscribedDomains": []}
    return {
        "DashboardEnabled": True,
        "SubscriptionExpiryDate": datetime.fromisoformat(dashboard["expires"]),
        "AccountStatus": "ACTIVE",
        "ActiveSubscribedDomains": [
            {
                "Domain": d["Domain"],
                "SubscriptionStartDate": datetime.fromisoformat(d["SubscriptionStartDate"]),
            }
            for d in dashboard["domains"]
        ],
    }
