"""Configuration sets and their event destinations, for v1 and v2 alike: one document per set.

A document is {name, created, sending_enabled, destinations: [{name, enabled, types, sns?, cloudwatch?,
firehose?, ...}], options?, tags?}; `types` are v1's MatchingEventTypes spellings (send,
renderingFailure...), which v2 translates to and from (Spelling). Only SNS destinations publish
(events.py); the others are kept and described. Errors come in the calling API's codes (`v2`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import errors, store

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = [
    "Spelling",
    "V1",
    "V2",
    "create",
    "delete_handler",
    "names",
    "destination_doc",
    "described",
    "destination_handler",
    "add_destination",
    "replace_destination",
    "remove_destination",
]

MAX_DESTINATIONS = 10

# v2's EventType -> v1's MatchingEventTypes spelling, which the documents keep.
_TYPE_V1 = {
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
_TYPE_V2 = {v1: v2 for v2, v1 in _TYPE_V1.items()}


@dataclass(frozen=True, slots=True)
class Spelling:
    """How one API names an event destination's members."""

    v2: bool
    sns: str
    topic: str
    role: str
    stream: str
    kept: tuple[str, ...]  # destinations fogbank stores as given and describes back
    types_in: dict[str, str] | None  # the API's event types -> the documents' (None: the same)
    types_out: dict[str, str] | None


V1 = Spelling(False, "SNSDestination", "TopicARN", "IAMRoleARN", "DeliveryStreamARN", (), None, None)
V2 = Spelling(
    True,
    "SnsDestination",
    "TopicArn",
    "IamRoleArn",
    "DeliveryStreamArn",
    ("EventBridgeDestination", "PinpointDestination"),
    _TYPE_V1,
    _TYPE_V2,
)


def _check_name(name: str, *, v2: bool) -> None:
    if not name or len(name) > 64 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in name):
        raise errors.invalid(
            v2,
            "InvalidConfigurationSet",
            "Configuration set name can only contain ASCII letters, numbers, underscores and dashes, and "
            "must be at most 64 characters long.",
        )


def create(ctx: Context, name: str, *, v2: bool) -> dict[str, Any]:
    """A new set's document, not yet stored (the caller adds its API's options and puts it)."""
    _check_name(name, v2=v2)
    if store.config_set(ctx, name) is not None:
        message = f"Configuration set <{name}> already exists."
        raise errors.exists(v2, "ConfigurationSetAlreadyExists", message, ConfigurationSetName=name)
    return {"name": name, "created": ctx.clock.now().isoformat(), "sending_enabled": True, "destinations": []}


def delete_handler(spelling: Spelling) -> Callable[[Context, dict[str, Any]], dict[str, Any]]:
    """The handler of DeleteConfigurationSet in one API (both take ConfigurationSetName alone)."""

    def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ConfigurationSetName"]
        store.existing_config_set(ctx, name, v2=spelling.v2)
        store.tx_of(ctx).delete_doc(store.SERVICE, store.CONFIG_SET, ctx.account, ctx.region, name)
        return {}

    return handle


def names(ctx: Context) -> list[str]:
    return [
        name
        for name, _ in store.tx_of(ctx).list_docs(store.SERVICE, store.CONFIG_SET, ctx.account, ctx.region)
    ]


def destination_doc(config_set: str, name: str, given: dict[str, Any], spelling: Spelling) -> dict[str, Any]:
    """An EventDestination in the API's spelling, as the document keeps it."""
    types = given.get("MatchingEventTypes", [])
    doc: dict[str, Any] = {
        "name": name,
        "enabled": given.get("Enabled", False),
        "types": [spelling.types_in[t] for t in types] if spelling.types_in else types,
    }
    if spelling.sns in given:
        arn = given[spelling.sns][spelling.topic]
        if not arn.startswith("arn:") or arn.split(":")[2:3] != ["sns"]:
            raise errors.invalid(
                spelling.v2,
                "InvalidSNSDestination",
                f"SNS topic <{arn}> is not a valid topic ARN.",
                ConfigurationSetName=config_set,
                EventDestinationName=name,
            )
        doc["sns"] = arn
    if "CloudWatchDestination" in given:
        doc["cloudwatch"] = given["CloudWatchDestination"]["DimensionConfigurations"]
    if "KinesisFirehoseDestination" in given:
        firehose = given["KinesisFirehoseDestination"]
        doc["firehose"] = {"role": firehose[spelling.role], "stream": firehose[spelling.stream]}
    doc.update({key: given[key] for key in spelling.kept if key in given})
    return doc


def described(doc: dict[str, Any], spelling: Spelling) -> dict[str, Any]:
    """A destination document in the API's spelling."""
    types = [spelling.types_out[t] for t in doc["types"]] if spelling.types_out else doc["types"]
    out: dict[str, Any] = {"Name": doc["name"], "Enabled": doc["enabled"], "MatchingEventTypes": types}
    if "sns" in doc:
        out[spelling.sns] = {spelling.topic: doc["sns"]}
    if "cloudwatch" in doc:
        out["CloudWatchDestination"] = {"DimensionConfigurations": doc["cloudwatch"]}
    if "firehose" in doc:
        firehose = doc["firehose"]
        out["KinesisFirehoseDestination"] = {
            spelling.role: firehose["role"],
            spelling.stream: firehose["stream"],
        }
    out.update({key: doc[key] for key in spelling.kept if key in doc})
    return out


def _find(doc: dict[str, Any], name: str, *, v2: bool) -> dict[str, Any]:
    found = next((d for d in doc["destinations"] if d["name"] == name), None)
    if found is None:
        message = (
            f"Event destination {name} does not exist." if v2 else f"No EventDestination found for {name}"
        )
        raise errors.missing(
            v2,
            "EventDestinationDoesNotExist",
            message,
            ConfigurationSetName=doc["name"],
            EventDestinationName=name,
        )
    return found


def destination_handler(
    spelling: Spelling, change: str
) -> Callable[[Context, dict[str, Any]], dict[str, Any]]:
    """The handler of {change}ConfigurationSetEventDestination (Create, Update or Delete) in one API."""

    def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = store.existing_config_set(ctx, request["ConfigurationSetName"], v2=spelling.v2)
        if change == "Delete":
            remove_destination(ctx, doc, request["EventDestinationName"], v2=spelling.v2)
            return {}
        given = request["EventDestination"]
        # v2 names the destination beside it; v1 inside it.
        name = request["EventDestinationName"] if spelling.v2 else given["Name"]
        destination = destination_doc(doc["name"], name, given, spelling)
        (add_destination if change == "Create" else replace_destination)(
            ctx, doc, destination, v2=spelling.v2
        )
        return {}

    return handle


def add_destination(ctx: Context, doc: dict[str, Any], destination: dict[str, Any], *, v2: bool) -> None:
    name = destination["name"]
    if any(d["name"] == name for d in doc["destinations"]):
        message = f"Event destination {name} already exists."
        raise errors.exists(
            v2,
            "EventDestinationAlreadyExists",
            message,
            ConfigurationSetName=doc["name"],
            EventDestinationName=name,
        )
    if len(doc["destinations"]) >= MAX_DESTINATIONS:
        raise errors.limit(v2, "LimitExceeded", "Maximum number of event destinations reached.")
    doc["destinations"].append(destination)
    store.put_config_set(ctx, doc)


def replace_destination(ctx: Context, doc: dict[str, Any], destination: dict[str, Any], *, v2: bool) -> None:
    old = _find(doc, destination["name"], v2=v2)
    doc["destinations"][doc["destinations"].index(old)] = destination
    store.put_config_set(ctx, doc)


def remove_destination(ctx: Context, doc: dict[str, Any], name: str, *, v2: bool) -> None:
    doc["destinations"].remove(_find(doc, name, v2=v2))
    store.put_config_set(ctx, doc)
