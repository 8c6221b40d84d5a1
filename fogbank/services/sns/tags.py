"""Tags on topics: TagResource, UntagResource, ListTagsForResource, with AWS's limit of 50 per topic."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import service, store

__all__ = ["MAX_TAGS", "check"]

MAX_TAGS = 50


def check(tags: list[dict[str, str]]) -> None:
    for tag in tags:
        if tag["Key"].lower().startswith("aws:"):
            raise store.invalid("Tags Reason: Keys can't start with 'aws:'")
    if len(tags) > MAX_TAGS:
        raise _limit()


def _limit() -> ServiceError:
    return ServiceError(
        "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400
    )


def _topic(ctx: Context, arn: str) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    match = store.TOPIC_ARN.match(arn or "")
    topic = (
        tx.get_doc(store.SERVICE, store.TOPIC, match.group(2), match.group(1), match.group(3))
        if match
        else None
    )
    if topic is None:
        raise ServiceError("ResourceNotFound", "Resource does not exist", 404)
    return topic


@service.handler("TagResource")
def tag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    topic = _topic(ctx, request["ResourceArn"])
    new = request["Tags"]
    check(new)
    current = {t["Key"]: t["Value"] for t in topic.get("Tags", [])}
    current.update({t["Key"]: t["Value"] for t in new})
    if len(current) > MAX_TAGS:
        raise _limit()
    topic["Tags"] = [{"Key": k, "Value": v} for k, v in current.items()]
    assert ctx.tx is not None
    store.save_topic(ctx.tx, topic)
    return {}


@service.handler("UntagResource")
def untag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    topic = _topic(ctx, request["ResourceArn"])
    removed = set(request["TagKeys"])
    topic["Tags"] = [t for t in topic.get("Tags", []) if t["Key"] not in removed]
    assert ctx.tx is not None
    store.save_topic(ctx.tx, topic)
    return {}


@service.handler("ListTagsForResource")
def list_tags(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    topic = _topic(ctx, request["ResourceArn"])
    return {"Tags": topic.get("Tags", [])}
