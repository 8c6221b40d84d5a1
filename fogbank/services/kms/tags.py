"""Tags on KMS keys: TagResource, UntagResource, ListResourceTags, and AWS's rules for them.

A key keeps its tags as [{TagKey, TagValue}] in the order first set; tagging an existing key replaces
its value. The `aws:` prefix is AWS's own and at most 50 tags fit on a key.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import lifecycle, service
from fogbank.services.kms.paging import page
from fogbank.services.kms.resolve import check_customer_managed, check_not_pending_deletion, key_of, tx_of

__all__ = ["MAX_TAGS", "check_tags"]

MAX_TAGS = 50


def check_tags(tags: list[dict[str, str]]) -> None:
    for item in tags:
        if item["TagKey"].lower().startswith("aws:"):
            raise ServiceError("TagException", "Tags beginning with aws: are reserved.", 400)
    if len({item["TagKey"] for item in tags}) > MAX_TAGS:
        raise ServiceError("TagException", f"A key can have at most {MAX_TAGS} tags.", 400)


def _taggable(ctx: Context, request: dict[str, Any], action: str) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    check_customer_managed(ctx, doc, action)
    check_not_pending_deletion(doc)
    return doc


@service.handler("TagResource")
def tag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _taggable(ctx, request, "TagResource")
    current = {item["TagKey"]: item["TagValue"] for item in doc["Tags"]}
    current.update({item["TagKey"]: item["TagValue"] for item in request["Tags"]})
    tags = [{"TagKey": k, "TagValue": v} for k, v in current.items()]
    check_tags(tags)
    doc["Tags"] = tags
    lifecycle.save(tx_of(ctx), doc)
    return {}


@service.handler("UntagResource")
def untag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _taggable(ctx, request, "UntagResource")
    gone = set(request["TagKeys"])
    doc["Tags"] = [item for item in doc["Tags"] if item["TagKey"] not in gone]
    lifecycle.save(tx_of(ctx), doc)
    return {}


@service.handler("ListResourceTags")
def list_resource_tags(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return page(key_of(ctx, request["KeyId"])["Tags"], request, "Tags", default=50)
