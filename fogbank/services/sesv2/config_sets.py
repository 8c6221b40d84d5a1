"""SES v2 configuration sets and event destinations: the same documents as v1's, over
fogbank.services.ses.config_set_store, in v2's shapes (SnsDestination.TopicArn, event types in capitals)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.services.ses import config_set_store, store
from fogbank.services.ses.config_set_store import V2
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

_OPTIONS = (
    "TrackingOptions",
    "DeliveryOptions",
    "ReputationOptions",
    "SuppressionOptions",
    "VdmOptions",
    "ArchivingOptions",
    "MessageSecurityOptions",
)


def _existing(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return store.existing_config_set(ctx, request["ConfigurationSetName"], v2=True)


@service.handler("CreateConfigurationSet")
def create_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = config_set_store.create(ctx, request["ConfigurationSetName"], v2=True)
    doc["sending_enabled"] = request.get("SendingOptions", {}).get("SendingEnabled", True)
    doc["options"] = {key: request[key] for key in _OPTIONS if key in request}
    doc["tags"] = request.get("Tags", [])
    store.put_config_set(ctx, doc)
    return {}


@service.handler("GetConfigurationSet")
def get_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request)
    return {
        "ConfigurationSetName": doc["name"],
        "SendingOptions": {"SendingEnabled": doc["sending_enabled"]},
        "Tags": doc.get("tags", []),
    } | doc.get("options", {})


service.handler("DeleteConfigurationSet")(config_set_store.delete_handler(V2))


@service.handler("ListConfigurationSets")
def list_configuration_sets(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return page(config_set_store.names(ctx), request, "ConfigurationSets", default=100, most=1000)


for _change in ("Create", "Update", "Delete"):
    service.handler(f"{_change}ConfigurationSetEventDestination")(
        config_set_store.destination_handler(V2, _change)
    )


@service.handler("GetConfigurationSetEventDestinations")
def get_configuration_set_event_destinations(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request)
    return {"EventDestinations": [config_set_store.described(d, V2) for d in doc["destinations"]]}


def _put_option(
    ctx: Context, request: dict[str, Any], option: str, members: tuple[str, ...]
) -> dict[str, Any]:
    """Replace one of the set's options with the request's members of it (as the v2 Put*Options do); sending
    options are the set's own switch."""
    doc = _existing(ctx, request)
    if option == "SendingOptions":
        doc["sending_enabled"] = request.get("SendingEnabled", False)
    else:
        doc.setdefault("options", {})[option] = {key: request[key] for key in members if key in request}
    store.put_config_set(ctx, doc)
    return {}


@service.handler("PutConfigurationSetSendingOptions")
def put_configuration_set_sending_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _put_option(ctx, request, "SendingOptions", ())


@service.handler("PutConfigurationSetTrackingOptions")
def put_configuration_set_tracking_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _put_option(ctx, request, "TrackingOptions", ("CustomRedirectDomain", "HttpsPolicy"))


@service.handler("PutConfigurationSetDeliveryOptions")
def put_configuration_set_delivery_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    members = ("TlsPolicy", "SendingPoolName", "MaxDeliverySeconds", "SharedPoolDeliveryMode")
    return _put_option(ctx, request, "DeliveryOptions", members)


@service.handler("PutConfigurationSetReputationOptions")
def put_configuration_set_reputation_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _put_option(ctx, request, "ReputationOptions", ("ReputationMetricsEnabled",))


@service.handler("PutConfigurationSetSuppressionOptions")
def put_configuration_set_suppression_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _put_option(ctx, request, "SuppressionOptions", ("SuppressedReasons", "SuppressionScope"))


@service.handler("PutConfigurationSetArchivingOptions")
def put_configuration_set_archiving_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _put_option(ctx, request, "ArchivingOptions", ("ArchiveArn",))


@service.handler("PutConfigurationSetVdmOptions")
def put_configuration_set_vdm_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request)
    doc.setdefault("options", {})["VdmOptions"] = request.get("VdmOptions", {})
    store.put_config_set(ctx, doc)
    return {}


@service.handler("UpdateConfigurationSet")
def update_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """A partial update: only the options the request names change."""
    doc = _existing(ctx, request)
    doc.setdefault("options", {}).update({key: request[key] for key in _OPTIONS if key in request})
    store.put_config_set(ctx, doc)
    return {}
