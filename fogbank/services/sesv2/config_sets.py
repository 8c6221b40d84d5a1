"""SES v2 configuration sets and event destinations: the same documents as v1's (ses/config_sets.py), with
v2's spellings (SnsDestination.TopicArn, MatchingEventTypes in capitals) translated at the edge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store
from fogbank.services.ses.config_sets import MAX_DESTINATIONS, check_name, find_destination, new_config_set
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

# v2's EventType -> v1's MatchingEventTypes spelling, which the documents keep.
TYPE_V1 = {
    "SEND": "send",
    "REJECT": "reject",
    "BOUNCE": "bounce",
    "COMPLAINT": "complaint",
    "DELIVERY": "delivery",
    "OPEN": "open",
    "CLICK": "click",
    "RENDERING_FAILURE": "renderingFailure",
    "DELIVERY_DELAY": "deliveryDelay",
    "SUBSCRIPTION": "subscription",
}
TYPE_V2 = {v1: v2 for v2, v1 in TYPE_V1.items()}
_OPTIONS = (
    "TrackingOptions",
    "DeliveryOptions",
    "ReputationOptions",
    "SuppressionOptions",
    "VdmOptions",
    "ArchivingOptions",
    "MessageSecurityOptions",
)


def _existing(ctx: Context, name: str) -> dict[str, Any]:
    doc = store.config_set(ctx, name)
    if doc is None:
        raise not_found(f"Configuration set <{name}> does not exist.")
    return doc


def _destination(name: str, given: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": name,
        "enabled": given.get("Enabled", False),
        "types": [TYPE_V1[t] for t in given.get("MatchingEventTypes", [])],
    }
    if "SnsDestination" in given:
        arn = given["SnsDestination"]["TopicArn"]
        if not arn.startswith("arn:") or arn.split(":")[2:3] != ["sns"]:
            raise bad_request(f"SNS topic <{arn}> is not a valid topic ARN.")
        doc["sns"] = arn
    if "CloudWatchDestination" in given:
        doc["cloudwatch"] = given["CloudWatchDestination"]["DimensionConfigurations"]
    if "KinesisFirehoseDestination" in given:
        firehose = given["KinesisFirehoseDestination"]
        doc["firehose"] = {"role": firehose["IamRoleArn"], "stream": firehose["DeliveryStreamArn"]}
    for key in ("EventBridgeDestination", "PinpointDestination"):
        if key in given:
            doc[key] = given[key]
    return doc


def _describe(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": doc["name"],
        "Enabled": doc["enabled"],
        "MatchingEventTypes": [TYPE_V2[t] for t in doc["types"]],
    }
    if "sns" in doc:
        out["SnsDestination"] = {"TopicArn": doc["sns"]}
    if "cloudwatch" in doc:
        out["CloudWatchDestination"] = {"DimensionConfigurations": doc["cloudwatch"]}
    if "firehose" in doc:
        out["KinesisFirehoseDestination"] = {
            "IamRoleArn": doc["firehose"]["role"],
            "DeliveryStreamArn": doc["firehose"]["stream"],
        }
    for key in ("EventBridgeDestination", "PinpointDestination"):
        if key in doc:
            out[key] = doc[key]
    return out


@service.handler("CreateConfigurationSet")
def create_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["ConfigurationSetName"]
    check_name(name, "BadRequestException")
    if store.config_set(ctx, name) is not None:
        raise ServiceError("AlreadyExistsException", f"Configuration set <{name}> already exists.", 400)
    doc = new_config_set(ctx, name)
    doc["sending_enabled"] = request.get("SendingOptions", {}).get("SendingEnabled", True)
    doc["options"] = {key: request[key] for key in _OPTIONS if key in request}
    doc["tags"] = request.get("Tags", [])
    store.put_config_set(ctx, doc)
    return {}


@service.handler("GetConfigurationSet")
def get_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    return {
        "ConfigurationSetName": doc["name"],
        "SendingOptions": {"SendingEnabled": doc["sending_enabled"]},
        "Tags": doc.get("tags", []),
    } | doc.get("options", {})


@service.handler("DeleteConfigurationSet")
def delete_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _existing(ctx, request["ConfigurationSetName"])
    store.tx_of(ctx).delete_doc(
        store.SERVICE, store.CONFIG_SET, ctx.account, ctx.region, request["ConfigurationSetName"]
    )
    return {}


@service.handler("ListConfigurationSets")
def list_configuration_sets(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    names = [
        name
        for name, _ in store.tx_of(ctx).list_docs(store.SERVICE, store.CONFIG_SET, ctx.account, ctx.region)
    ]
    return page(names, request, "ConfigurationSets", default=100, most=1000)


@service.handler("PutConfigurationSetSendingOptions")
def put_configuration_set_sending_options(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    doc["sending_enabled"] = request.get("SendingEnabled", False)
    store.put_config_set(ctx, doc)
    return {}


@service.handler("CreateConfigurationSetEventDestination")
def create_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    destination = _destination(request["EventDestinationName"], request["EventDestination"])
    if find_destination(doc, destination["name"]) is not None:
        raise ServiceError(
            "AlreadyExistsException", f"Event destination {destination['name']} already exists.", 400
        )
    if len(doc["destinations"]) >= MAX_DESTINATIONS:
        raise ServiceError("LimitExceededException", "Maximum number of event destinations reached.", 400)
    doc["destinations"].append(destination)
    store.put_config_set(ctx, doc)
    return {}


@service.handler("GetConfigurationSetEventDestinations")
def get_configuration_set_event_destinations(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    return {"EventDestinations": [_describe(d) for d in doc["destinations"]]}


@service.handler("UpdateConfigurationSetEventDestination")
def update_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    old = find_destination(doc, request["EventDestinationName"])
    if old is None:
        raise not_found(f"Event destination {request['EventDestinationName']} does not exist.")
    doc["destinations"][doc["destinations"].index(old)] = _destination(
        old["name"], request["EventDestination"]
    )
    store.put_config_set(ctx, doc)
    return {}


@service.handler("DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["ConfigurationSetName"])
    old = find_destination(doc, request["EventDestinationName"])
    if old is None:
        raise not_found(f"Event destination {request['EventDestinationName']} does not exist.")
    doc["destinations"].remove(old)
    store.put_config_set(ctx, doc)
    return {}


def _put_option(
    ctx: Context, request: dict[str, Any], option: str, members: tuple[str, ...]
) -> dict[str, Any]:
    """Replace one of the set's options with the request's members of it (as the v2 Put*Options do)."""
    doc = _existing(ctx, request["ConfigurationSetName"])
    doc.setdefault("options", {})[option] = {key: request[key] for key in members if key in request}
    store.put_config_set(ctx, doc)
    return {}


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
