"""SES v2 tags on identities, configuration sets, templates, contact lists and dedicated IP pools
(TagResource, UntagResource, ListTagsForResource): the tags live in the resource's own document, shared
with v1."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import store
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found
from fogbank.services.sesv2.contacts import CONTACT_LIST
from fogbank.services.sesv2.dedicated_ips import POOL

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

MAX_TAGS = 50
_KINDS = {
    "identity": store.IDENTITY,
    "configuration-set": store.CONFIG_SET,
    "template": store.TEMPLATE,
    "contact-list": CONTACT_LIST,
    "dedicated-ip-pool": POOL,
}
_ARN = re.compile(rf"arn:aws:ses:([a-z0-9-]+):(\d{{12}}):({'|'.join(_KINDS)})/(.+)")


def _resource(ctx: Context, arn: str) -> tuple[str, str, dict[str, Any]]:
    """(kind, document name, document) of the resource `arn` names in the caller's account and region."""
    match = _ARN.fullmatch(arn)
    if match is None:
        raise bad_request(f"Invalid resource ARN: {arn}")
    region, account, kind, name = match.groups()
    doc = None
    if (region, account) == (ctx.region, ctx.account):
        if kind == "identity":
            doc = store.identity(ctx, name)
            name = doc["name"] if doc else name
        else:
            doc = store.tx_of(ctx).get_doc(store.SERVICE, _KINDS[kind], ctx.account, ctx.region, name)
    if doc is None:
        raise not_found(f"Resource {arn} does not exist.")
    return kind, name, doc


def _save(ctx: Context, kind: str, name: str, doc: dict[str, Any]) -> None:
    if kind == "identity":
        store.put_identity(ctx, doc)
    else:
        store.tx_of(ctx).put_doc(store.SERVICE, _KINDS[kind], ctx.account, ctx.region, name, doc)


@service.handler("TagResource")
def tag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    kind, name, doc = _resource(ctx, request["ResourceArn"])
    tags = {tag["Key"]: tag["Value"] for tag in doc.get("tags", [])}
    tags.update({tag["Key"]: tag.get("Value", "") for tag in request["Tags"]})
    if len(tags) > MAX_TAGS:
        raise bad_request(f"A resource can have at most {MAX_TAGS} tags.")
    doc["tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    _save(ctx, kind, name, doc)
    return {}


@service.handler("UntagResource")
def untag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    kind, name, doc = _resource(ctx, request["ResourceArn"])
    doc["tags"] = [tag for tag in doc.get("tags", []) if tag["Key"] not in request["TagKeys"]]
    _save(ctx, kind, name, doc)
    return {}


@service.handler("ListTagsForResource")
def list_tags_for_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": _resource(ctx, request["ResourceArn"])[2].get("tags", [])}
