"""Queue tags: TagQueue, UntagQueue, ListQueueTags, and the limits AWS puts on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import service
from fogbank.services.sqs.queues import queue_of, save, tx_of

__all__ = ["check_tags"]

MAX_TAGS = 50


def check_tags(tags: Mapping[str, str]) -> None:
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            raise ServiceError("InvalidParameterValue", f"Tag key '{key}' is invalid.", 400)
        if len(value) > 256:
            raise ServiceError("InvalidParameterValue", f"Tag value for key '{key}' is too long.", 400)


@service.handler("TagQueue")
def tag_queue(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    tags = request.get("Tags") or {}
    check_tags(tags)
    merged = {**queue.tags, **tags}
    if len(merged) > MAX_TAGS:
        raise ServiceError("InvalidParameterValue", f"Too many tags added for queue {queue.name}.", 400)
    queue.tags = merged
    save(tx_of(ctx), queue)
    return {}


@service.handler("UntagQueue")
def untag_queue(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    for key in request.get("TagKeys") or []:
        queue.tags.pop(key, None)
    save(tx_of(ctx), queue)
    return {}


@service.handler("ListQueueTags")
def list_queue_tags(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    return {"Tags": dict(queue.tags)} if queue.tags else {}
