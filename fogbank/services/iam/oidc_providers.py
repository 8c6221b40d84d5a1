"""OpenID Connect identity providers: create, get, list, delete, client ids, thumbprints, tags.

A provider is named by its issuer URL without the scheme (host and path), which is also the tail of
its ARN: arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com. `oidc_provider` is
how STS finds the provider a web identity token's issuer names.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, scan, tx_of
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = ["oidc_provider"]

MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
_THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")


def _name(url: str) -> str:
    """The provider's name: the URL without https:// and without a trailing slash."""
    return url.removeprefix("https://").rstrip("/")


def oidc_provider(tx: Transaction, account: str, issuer_url: str) -> dict[str, Any] | None:
    """The provider whose URL is the token's issuer (`iss`, with or without https://), or None."""
    return tx.get_doc(store.SERVICE, store.OIDC_PROVIDER, account, store.REGION, _name(issuer_url))


def _require(ctx: Context, arn: str) -> dict[str, Any]:
    prefix = f"arn:aws:iam::{ctx.account}:oidc-provider/"
    doc = None
    if arn.startswith(prefix):
        doc = tx_of(ctx).get_doc(
            store.SERVICE, store.OIDC_PROVIDER, ctx.account, store.REGION, arn[len(prefix) :]
        )
    if doc is None:
        raise ServiceError("NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}", 404)
    return doc


def _save(ctx: Context, doc: dict[str, Any]) -> None:
    tx_of(ctx).put_doc(store.SERVICE, store.OIDC_PROVIDER, ctx.account, store.REGION, _name(doc["Url"]), doc)


def _check_thumbprints(thumbprints: list[str]) -> None:
    if len(thumbprints) > MAX_THUMBPRINTS:
        raise ServiceError(
            "InvalidInput", f"Thumbprint list must contain fewer than {MAX_THUMBPRINTS + 1} entries."
        )
    for thumbprint in thumbprints:
        if not _THUMBPRINT.fullmatch(thumbprint):
            raise ServiceError("InvalidInput", "Thumbprint must be 40 characters of hexadecimal.", 400)


@service.handler("CreateOpenIDConnectProvider")
def create_open_id_connect_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    url = request["Url"]
    if not url.startswith("https://") or len(_name(url)) == 0:
        raise ServiceError("InvalidInput", "Invalid URL: the URL must begin with https://", 400)
    if "?" in url or "#" in url:
        raise ServiceError("InvalidInput", "Invalid URL: the URL must not contain a query or fragment", 400)
    client_ids = list(dict.fromkeys(request.get("ClientIDList", [])))
    if len(client_ids) > MAX_CLIENT_IDS:
        raise ServiceError(
            "LimitExceeded",
            f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}",
            409,
        )
    thumbprints = request.get("ThumbprintList", [])
    _check_thumbprints(thumbprints)
    tags = request.get("Tags", [])
    check_tags(tags)
    name = _name(url)
    if oidc_provider(tx_of(ctx), ctx.account, url) is not None:
        raise ServiceError("EntityAlreadyExists", f"Provider with url {url} already exists.", 409)
    doc = {
        "Arn": f"arn:aws:iam::{ctx.account}:oidc-provider/{name}",
        "Url": url,
        "ClientIDList": client_ids,
        "ThumbprintList": thumbprints,
        "CreateDate": now(ctx),
        "Tags": tags,
    }
    _save(ctx, doc)
    result: dict[str, Any] = {"OpenIDConnectProviderArn": doc["Arn"]}
    if tags:
        result["Tags"] = tags
    return result


@service.handler("GetOpenIDConnectProvider")
def get_open_id_connect_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["OpenIDConnectProviderArn"])
    return {
        # AWS answers the URL without its scheme.
        "Url": _name(doc["Url"]),
        "ClientIDList": doc["ClientIDList"],
        "ThumbprintList": doc["ThumbprintList"],
        "CreateDate": as_time(doc["CreateDate"]),
        "Tags": doc["Tags"],
    }


@service.handler("ListOpenIDConnectProviders")
def list_open_id_connect_providers(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    docs = scan(tx_of(ctx), store.OIDC_PROVIDER, ctx.account)
    return {"OpenIDConnectProviderList": [{"Arn": doc["Arn"]} for doc in docs]}


@service.handler("DeleteOpenIDConnectProvider")
def delete_open_id_connect_provider(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["OpenIDConnectProviderArn"])
    tx_of(ctx).delete_doc(store.SERVICE, store.OIDC_PROVIDER, ctx.account, store.REGION, _name(doc["Url"]))
    return {}


@service.handler("AddClientIDToOpenIDConnectProvider")
def add_client_id(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["OpenIDConnectProviderArn"])
    if request["ClientID"] not in doc["ClientIDList"]:
        if len(doc["ClientIDList"]) >= MAX_CLIENT_IDS:
            raise ServiceError(
                "LimitExceeded",
                f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}",
                409,
            )
        doc["ClientIDList"].append(request["ClientID"])
        _save(ctx, doc)
    return {}


@service.handler("RemoveClientIDFromOpenIDConnectProvider")
def remove_client_id(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["OpenIDConnectProviderArn"])
    # Removing a client id the provider does not have succeeds, as AWS's does.
    doc["ClientIDList"] = [c for c in doc["ClientIDList"] if c != request["ClientID"]]
    _save(ctx, doc)
    return {}


@service.handler("UpdateOpenIDConnectProviderThumbprint")
def update_thumbprint(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _require(ctx, request["OpenIDConnectProviderArn"])
    _check_thumbprints(request["ThumbprintList"])
    doc["ThumbprintList"] = request["ThumbprintList"]
    _save(ctx, doc)
    return {}


tagging_operations(
    "OpenIDConnectProvider",
    find=lambda ctx, request, _operation: _require(ctx, request["OpenIDConnectProviderArn"]),
    save=_save,
)
