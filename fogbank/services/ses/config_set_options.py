"""SES v1 configuration-set options: tracking (custom redirect domain), delivery (TLS policy), reputation
metrics. They live in the configuration set's `options` in v2's shapes, so both APIs read the same values.
fogbank tracks no opens or clicks, so the tracking domain is kept and described only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import service, store

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["describe_options"]


def describe_options(doc: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """DescribeConfigurationSet's option members, in v1's shapes."""
    options = doc.get("options", {})
    out: dict[str, Any] = {}
    if "trackingOptions" in wanted and "TrackingOptions" in options:
        out["TrackingOptions"] = {"CustomRedirectDomain": options["TrackingOptions"]["CustomRedirectDomain"]}
    if "deliveryOptions" in wanted and "TlsPolicy" in options.get("DeliveryOptions", {}):
        out["DeliveryOptions"] = {"TlsPolicy": options["DeliveryOptions"]["TlsPolicy"]}
    if "reputationOptions" in wanted:
        reputation = options.get("ReputationOptions", {})
        out["ReputationOptions"] = {
            "SendingEnabled": doc["sending_enabled"],
            "ReputationMetricsEnabled": reputation.get("ReputationMetricsEnabled", False),
        }
        if "LastFreshStart" in reputation:
            out["ReputationOptions"]["LastFreshStart"] = reputation["LastFreshStart"]
    return out


def _tracking_error(code: str, name: str, message: str) -> ServiceError:
    return ServiceError(code, message, 400, fields={"ConfigurationSetName": name})


def _check_domain(name: str, domain: str | None) -> None:
    if not domain or "." not in domain or any(c.isspace() or c in "/:@" for c in domain):
        raise ServiceError(
            "InvalidTrackingOptions",
            f"Invalid custom redirect domain <{domain}> for configuration set {name}.",
            400,
        )


def _set_tracking(ctx: Context, request: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Create (refused if one is set up) or update (refused if none is) the custom redirect domain."""
    doc = store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)
    options = doc.setdefault("options", {})
    if create and "TrackingOptions" in options:
        raise _tracking_error(
            "TrackingOptionsAlreadyExistsException",
            doc["name"],
            f"A custom tracking domain is already set up for configuration set {doc['name']}.",
        )
    if not create and "TrackingOptions" not in options:
        raise _no_tracking(doc["name"])
    domain = request["TrackingOptions"].get("CustomRedirectDomain")
    _check_domain(doc["name"], domain)
    options.setdefault("TrackingOptions", {})["CustomRedirectDomain"] = domain
    store.put_config_set(ctx, doc)
    return {}


def _no_tracking(name: str) -> ServiceError:
    return _tracking_error(
        "TrackingOptionsDoesNotExistException",
        name,
        f"No custom tracking domain is set up for configuration set {name}.",
    )


@service.handler("CreateConfigurationSetTrackingOptions")
def create_configuration_set_tracking_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _set_tracking(ctx, request, create=True)


@service.handler("UpdateConfigurationSetTrackingOptions")
def update_configuration_set_tracking_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _set_tracking(ctx, request, create=False)


@service.handler("DeleteConfigurationSetTrackingOptions")
def delete_configuration_set_tracking_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)
    if doc.get("options", {}).pop("TrackingOptions", None) is None:
        raise _no_tracking(doc["name"])
    store.put_config_set(ctx, doc)
    return {}


@service.handler("PutConfigurationSetDeliveryOptions")
def put_configuration_set_delivery_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)
    delivery = doc.setdefault("options", {}).setdefault("DeliveryOptions", {})
    delivery["TlsPolicy"] = request.get("DeliveryOptions", {}).get("TlsPolicy", "Optional")
    store.put_config_set(ctx, doc)
    return {}


@service.handler("UpdateConfigurationSetReputationMetricsEnabled")
def update_configuration_set_reputation_metrics_enabled(
    ctx: Context, request: dict[str, Any]
) -> dict[str, Any]:
    doc = store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)
    reputation = doc.setdefault("options", {}).setdefault("ReputationOptions", {})
    reputation["ReputationMetricsEnabled"] = request["Enabled"]
    store.put_config_set(ctx, doc)
    return {}
