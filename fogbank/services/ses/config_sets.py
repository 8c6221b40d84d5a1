"""SES v1 configuration sets and their event destinations, in v1's shapes over config_set_store.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.services.ses import config_set_store, service, store
from fogbank.services.ses.config_set_options import describe_options
from fogbank.services.ses.config_set_store import V1
from fogbank.services.ses.paging import page_v1

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []


def _existing(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return store.existing_config_set(ctx, request["ConfigurationSetName"], v2=False)


@service.handler("CreateConfigurationSet")
def create_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    store.put_config_set(ctx, config_set_store.create(ctx, request["ConfigurationSet"]["Name"], v2=False))
    return {}


@service.handler("DescribeConfigurationSet")
def describe_configuration_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request)
    out: dict[str, Any] = {"ConfigurationSet": {"Name": doc["name"]}}
    wanted = request.get("ConfigurationSetAttributeNames", [])
    if "eventDestinations" in wanted:
        out["EventDestinations"] = [config_set_store.described(d, V1) for d in doc["destinations"]]
    out.update(describe_options(doc, wanted))
    return out


service.handler("DeleteConfigurationSet")(config_set_store.delete_handler(V1))


@service.handler("ListConfigurationSets")
def list_configuration_sets(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [{"Name": name} for name in config_set_store.names(ctx)]
    return page_v1(entries, request, "ConfigurationSets", default=1000, most=1000)


@service.handler("UpdateConfigurationSetSendingEnabled")
def update_configuration_set_sending_enabled(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request)
    doc["sending_enabled"] = request["Enabled"]
    store.put_config_set(ctx, doc)
    return {}


for _change in ("Create", "Update", "Delete"):
    service.handler(f"{_change}ConfigurationSetEventDestination")(
        config_set_store.destination_handler(V1, _change)
    )
