"""SES v1 configuration sets and their event destinations.

A configuration set document is {name, created, sending_enabled, destinations: [{name, enabled, types,
sns?, cloudwatch?, firehose?}], v2 options...}; `types` are v1's MatchingEventTypes spellings (send,
renderingFailure...), which v2 translates to and from. Only SNS destinations publish (events.py); the
others are kept and described.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import service, store
from fogbank.services.ses.config_set_options import describe_options
from fogbank.services.ses.paging import page_v1

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["new_config_set", "check_name", "find_destination"]

MAX_DESTINATIONS = 10


def check_name(name: str, code: str) -> None:
    if not name or len(name) > 64 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in name):
        raise ServiceError(
            code,
            "Configuration set name can only contain ASCII letters, numbers, underscores and dashes, and "
            "must be at most 64 characters long.",
            400,
        )


def new_config_set(ctx: Context, name: str) -> dict[str, Any]:
    return {"name": name, "created": ctx.clock.now().isoformat(), "sending_enabled": True, "destinations": []}


def find_destination(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((d for d in doc["destinations"] if d["name"] == name), None)


def _missing_destination(config_set: str, name: str) -> ServiceError:
    return ServiceError(
        "EventDestinationDoesNotExist",
        f"No EventDestination found for {name}",
        400,
        fields={"ConfigurationSetName": config_set, "EventDestinationName": name},
    )


def _destination(request: dict[str, Any]) -> dict[str, Any]:
    given = request["EventDestination"]
    doc: dict[str, Any] = {
        "name": given["Name"],
        "enabled": given.get("Enabled", False),
        "types": given["MatchingEventTypes"],
    }
    if "SNSDestination" in given:
        arn = given["SNSDestination"]["TopicARN"]
        if not arn.startswith("arn:") or arn.split(":")[2:3] != ["sns"]:
            raise ServiceError(
                "InvalidSNSDestination",
                f"SNS topic <{arn}> is not a valid topic ARN.",
                400,
                fields={
                    "ConfigurationSetName": request["ConfigurationSetName"],
                    "EventDestinationName": doc["name"],
                },
            )
        doc["sns"] = arn
    if "CloudWatchDestination" in given:
        doc["cloudwatch"] = given["CloudWatchDestination"]["DimensionConfigurations"]
    if "KinesisFirehoseDestination" in given:
        firehose = given["KinesisFirehoseDestination"]
        doc["firehose"] = {"role": firehose["IAMRoleARN"], "stream": firehose["DeliveryStreamARN"]}
    return doc


def _describe_destination(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": doc["name"], "Enabled": doc["enabled"], "MatchingEventTypes": doc["types"]}
    if "sns" in doc:
        out["SNSDestination"] = {"TopicARN": doc["sns"]}
    if "cloudwatch" in doc:
        out["CloudWatchDestination"] = {"DimensionConfigurations": doc["cloudwatch"]}
    if "firehose" in doc:
        out["KinesisFirehoseDestination"] = {
            "IAMRoleARN": doc["firehose"]["role"],
            "DeliveryStreamARN": doc["firehose"]["stream"],
        }
    return out


@service.handler("CreateConfigurationSet")
def create_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["ConfigurationSet"]["Name"]
    check_name(name, "InvalidConfigurationSet")
    if store.config_set(ctx, name) is not None:
        raise ServiceError(
            "ConfigurationSetAlreadyExists",
            f"Configuration set <{name}> already exists.",
            400,
            fields={"ConfigurationSetName": name},
        )
    store.put_config_set(ctx, new_config_set(ctx, name))
    return {}


@service.handler("DescribeConfigurationSet")
def describe_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.config_set_v1(ctx, request["ConfigurationSetName"])
    out: dict[str, Any] = {"ConfigurationSet": {"Name": doc["name"]}}
    wanted = request.get("ConfigurationSetAttributeNames", [])
    if "eventDestinations" in wanted:
        out["EventDestinations"] = [_describe_destination(d) for d in doc["destinations"]]
    out.update(describe_options(doc, wanted))
    return out


@service.handler("DeleteConfigurationSet")
def delete_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    store.config_set_v1(ctx, request["ConfigurationSetName"])
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
    return page_v1([{"Name": n} for n in names], request, "ConfigurationSets", default=1000, most=1000)


@service.handler("UpdateConfigurationSetSendingEnabled")
def update_configuration_set_sending_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.config_set_v1(ctx, request["ConfigurationSetName"])
    doc["sending_enabled"] = request["Enabled"]
    store.put_config_set(ctx, doc)
    return {}


@service.handler("CreateConfigurationSetEventDestination")
def create_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.config_set_v1(ctx, request["ConfigurationSetName"])
    destination = _destination(request)
    if find_destination(doc, destination["name"]) is not None:
        raise ServiceError(
            "EventDestinationAlreadyExists",
            f"Event destination {destination['name']} already exists.",
            400,
            fields={"ConfigurationSetName": doc["name"], "EventDestinationName": destination["name"]},
        )
    if len(doc["destinations"]) >= MAX_DESTINATIONS:
        raise ServiceError("LimitExceeded", "Maximum number of event destinations reached.", 400)
    doc["destinations"].append(destination)
    store.put_config_set(ctx, doc)
    return {}


@service.handler("UpdateConfigurationSetEventDestination")
def update_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.config_set_v1(ctx, request["ConfigurationSetName"])
    destination = _destination(request)
    old = find_destination(doc, destination["name"])
    if old is None:
        raise _missing_destination(doc["name"], destination["name"])
    doc["destinations"][doc["destinations"].index(old)] = destination
    store.put_config_set(ctx, doc)
    return {}


@service.handler("DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = store.config_set_v1(ctx, request["ConfigurationSetName"])
    old = find_destination(doc, request["EventDestinationName"])
    if old is None:
        raise _missing_destination(doc["name"], request["EventDestinationName"])
    doc["destinations"].remove(old)
    store.put_config_set(ctx, doc)
    return {}
