"""SES v2's account-level suppression list: addresses SES will not send to (a send to one bounces with
bounceSubType OnAccountSuppressionList, see ses/sending.py), and the reasons the list is kept for."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.ses.identities import check_address
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

REASONS = ("BOUNCE", "COMPLAINT")


def _existing(ctx: Context, address: str) -> dict[str, Any]:
    doc = store.suppressed(ctx, address)
    if doc is None:
        raise not_found(f"Email address {address} does not exist on your suppression list.")
    return doc


def _shape(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "EmailAddress": doc["EmailAddress"],
        "Reason": doc["Reason"],
        "LastUpdateTime": datetime.fromisoformat(doc["LastUpdateTime"]),
    }


@service.handler("PutSuppressedDestination")
def put_suppressed_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    address = request["EmailAddress"]
    try:
        check_address(address)
    except ServiceError as exc:
        raise bad_request(f"Invalid email address <{address}>.") from exc
    doc = {
        "EmailAddress": address,
        "Reason": request["Reason"],
        "LastUpdateTime": ctx.clock.now().isoformat(),
    }
    store.tx_of(ctx).put_doc(store.SERVICE, store.SUPPRESSED, ctx.account, ctx.region, address.lower(), doc)
    return {}


@service.handler("GetSuppressedDestination")
def get_suppressed_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["EmailAddress"])
    return {"SuppressedDestination": _shape(doc) | {"Attributes": {}}}


@service.handler("DeleteSuppressedDestination")
def delete_suppressed_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _existing(ctx, request["EmailAddress"])
    address = request["EmailAddress"].lower()
    store.tx_of(ctx).delete_doc(store.SERVICE, store.SUPPRESSED, ctx.account, ctx.region, address)
    return {}


@service.handler("ListSuppressedDestinations")
def list_suppressed_destinations(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    reasons = request.get("Reasons") or list(REASONS)
    start, end = request.get("StartDate"), request.get("EndDate")
    entries = []
    for _, doc in store.tx_of(ctx).list_docs(store.SERVICE, store.SUPPRESSED, ctx.account, ctx.region):
        entry = _shape(doc)
        when = entry["LastUpdateTime"]
        if entry["Reason"] in reasons and (start is None or when >= start) and (end is None or when <= end):
            entries.append(entry)
    return page(entries, request, "SuppressedDestinationSummaries", default=1000, most=1000)


@service.handler("PutAccountSuppressionAttributes")
def put_account_suppression_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    reasons = request.get("SuppressedReasons", [])
    if any(reason not in REASONS for reason in reasons):
        raise bad_request(f"SuppressedReasons may only be {', '.join(REASONS)}.")
    tx = store.tx_of(ctx)
    state = store.account_state(tx, ctx.account, ctx.region)
    store.put_account_state(
        tx, ctx.account, ctx.region, state | {"suppressed_reasons": list(dict.fromkeys(reasons))}
    )
    return {}
