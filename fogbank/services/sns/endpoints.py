"""Mobile push: platform applications and their endpoints, stored as AWS keeps them; nothing is pushed.

An application's ARN is arn:aws:sns:REGION:ACCOUNT:app/PLATFORM/NAME and an endpoint's
arn:aws:sns:REGION:ACCOUNT:endpoint/PLATFORM/NAME/ID. Credentials (PlatformCredential) are kept but never
returned, as AWS does. CreatePlatformEndpoint is idempotent by token. A publish to an endpoint checks that it
exists and is enabled, and is otherwise accepted and dropped.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import service, store
from fogbank.state import Transaction

__all__ = ["publish_to_endpoint", "PLATFORMS"]

PLATFORMS = frozenset(
    {"ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS"}
)
_APP_ARN = re.compile(r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):app/([A-Z_]+)/([\w.-]+)$")
_ENDPOINT_ARN = re.compile(
    r"^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):endpoint/([A-Z_]+)/([\w.-]+)/([0-9a-f-]{36})$"
)
_SECRET = frozenset({"PlatformCredential"})


Where = tuple[str, str, str]  # (region, account, document key) of an application or endpoint


def _located(
    tx: Transaction, kind: str, pattern: re.Pattern[str], arn: str, malformed: str, missing: str
) -> tuple[dict[str, Any], Where]:
    """An application's or endpoint's document by its ARN, and where it is kept (its key is the ARN's
    path after the resource type: PLATFORM/NAME or PLATFORM/NAME/ID)."""
    match = pattern.match(arn or "")
    if match is None:
        raise store.invalid(malformed)
    region, account, *path = match.groups()
    key = "/".join(path)
    doc = tx.get_doc(store.SERVICE, kind, account, region, key)
    if doc is None:
        raise store.not_found(missing)
    return doc, (region, account, key)


def _app(tx: Transaction, arn: str) -> tuple[dict[str, Any], Where]:
    return _located(
        tx,
        store.PLATFORM_APP,
        _APP_ARN,
        arn,
        "PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.",
        "PlatformApplication does not exist",
    )


def _endpoint(tx: Transaction, arn: str) -> tuple[dict[str, Any], Where]:
    return _located(tx, store.ENDPOINT, _ENDPOINT_ARN, arn, "EndpointArn", "Endpoint does not exist")


def _set_attributes(
    tx: Transaction, kind: str, found: tuple[dict[str, Any], Where], given: dict[str, str]
) -> None:
    doc, (region, account, key) = found
    doc["Attributes"].update(given)
    tx.put_doc(store.SERVICE, kind, account, region, key, doc)


def _shown(attributes: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in attributes.items() if k not in _SECRET}


@service.handler("CreatePlatformApplication")
def create_platform_application(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    name, platform = request["Name"], request["Platform"]
    if platform not in PLATFORMS:
        raise store.invalid("Platform Reason: Platform " + platform + " is not supported")
    if not re.match(r"^[\w.-]{1,256}$", name):
        raise store.invalid("Invalid parameter: Name")
    attributes = dict(request.get("Attributes") or {})
    if platform != "GCM" and platform != "BAIDU" and "PlatformCredential" not in attributes:
        raise store.invalid("Attributes Reason: PlatformCredential attribute is required")
    arn = f"arn:aws:sns:{ctx.region}:{ctx.account}:app/{platform}/{name}"
    doc = {"PlatformApplicationArn": arn, "Attributes": {"Enabled": "true", **attributes}}
    ctx.tx.put_doc(store.SERVICE, store.PLATFORM_APP, ctx.account, ctx.region, f"{platform}/{name}", doc)
    return {"PlatformApplicationArn": arn}


@service.handler("GetPlatformApplicationAttributes")
def get_platform_application_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc, _ = _app(ctx.tx, request["PlatformApplicationArn"])
    return {"Attributes": _shown(doc["Attributes"])}


@service.handler("SetPlatformApplicationAttributes")
def set_platform_application_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    _set_attributes(
        ctx.tx, store.PLATFORM_APP, _app(ctx.tx, request["PlatformApplicationArn"]), request["Attributes"]
    )
    return {}


@service.handler("ListPlatformApplications")
def list_platform_applications(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    apps, token = store.page(ctx.tx, store.PLATFORM_APP, ctx.account, ctx.region, request.get("NextToken"))
    shown = [
        {"PlatformApplicationArn": d["PlatformApplicationArn"], "Attributes": _shown(d["Attributes"])}
        for d in apps
    ]
    return store.listing("PlatformApplications", shown, token)


@service.handler("DeletePlatformApplication")
def delete_platform_application(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    match = _APP_ARN.match(request["PlatformApplicationArn"])
    if match is None:
        raise store.invalid("PlatformApplicationArn")
    region, account, platform, name = match.groups()
    for key, _ in tx.list_docs(store.SERVICE, store.ENDPOINT, account, region, prefix=f"{platform}/{name}/"):
        tx.delete_doc(store.SERVICE, store.ENDPOINT, account, region, key)
    tx.delete_doc(store.SERVICE, store.PLATFORM_APP, account, region, f"{platform}/{name}")
    return {}


@service.handler("CreatePlatformEndpoint")
def create_platform_endpoint(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    _, (region, account, app_key) = _app(tx, request["PlatformApplicationArn"])
    token = request["Token"]
    attributes = {"Enabled": "true", **(request.get("Attributes") or {}), "Token": token}
    if request.get("CustomUserData") is not None:
        attributes["CustomUserData"] = request["CustomUserData"]
    for _, existing in tx.list_docs(store.SERVICE, store.ENDPOINT, account, region, prefix=f"{app_key}/"):
        if existing["Attributes"]["Token"] == token:
            if existing["Attributes"] != attributes:
                raise store.invalid(
                    f"Token Reason: Endpoint {existing['EndpointArn']} already exists with the same Token, "
                    "but "
                    "different attributes."
                )
            return {"EndpointArn": existing["EndpointArn"]}
    endpoint_id = str(uuid.uuid4())
    arn = f"arn:aws:sns:{region}:{account}:endpoint/{app_key}/{endpoint_id}"
    doc = {"EndpointArn": arn, "Attributes": attributes}
    tx.put_doc(store.SERVICE, store.ENDPOINT, account, region, f"{app_key}/{endpoint_id}", doc)
    return {"EndpointArn": arn}


@service.handler("GetEndpointAttributes")
def get_endpoint_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc, _ = _endpoint(ctx.tx, request["EndpointArn"])
    return {"Attributes": doc["Attributes"]}


@service.handler("SetEndpointAttributes")
def set_endpoint_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    _set_attributes(ctx.tx, store.ENDPOINT, _endpoint(ctx.tx, request["EndpointArn"]), request["Attributes"])
    return {}


@service.handler("DeleteEndpoint")
def delete_endpoint(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    match = _ENDPOINT_ARN.match(request["EndpointArn"])
    if match is not None:
        region, account, platform, name, endpoint_id = match.groups()
        ctx.tx.delete_doc(store.SERVICE, store.ENDPOINT, account, region, f"{platform}/{name}/{endpoint_id}")
    return {}


@service.handler("ListEndpointsByPlatformApplication")
def list_endpoints(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    _, (region, account, app_key) = _app(tx, request["PlatformApplicationArn"])
    after = request.get("NextToken")
    found, token = store.page(tx, store.ENDPOINT, account, region, after, prefix=f"{app_key}/")
    shown = [{"EndpointArn": d["EndpointArn"], "Attributes": d["Attributes"]} for d in found]
    return store.listing("Endpoints", shown, token)


def publish_to_endpoint(tx: Transaction, arn: str) -> None:
    """Check a publish to a platform endpoint: it must exist and be enabled (nothing is pushed)."""
    doc, _ = _endpoint(tx, arn)
    if doc["Attributes"].get("Enabled", "true").lower() != "true":
        raise ServiceError("EndpointDisabled", "Endpoint is disabled", 400)
