"""TagResource, UntagResource and ListTagsOfResource on tables (tags live in the table's document)."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import service
from fogbank.services.dynamodb.create import validation
from fogbank.services.dynamodb.tables import Table, load_or_none, not_found, save

__all__ = ["MAX_TAGS", "check_tags"]

MAX_TAGS = 50
_INVALID = "One or more parameter values were invalid: "


def check_tags(tags: list[dict[str, str]], existing: list[dict[str, str]] = ()) -> list[dict[str, str]]:
    """`existing` tags updated by `tags`, checked as AWS checks them (at most 50, no aws: keys)."""
    seen: set[str] = set()
    for tag in tags:
        key = tag["Key"]
        if key in seen:
            raise validation(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        seen.add(key)
        if key.lower().startswith("aws:"):
            raise validation(f"Tag Key cannot be prefixed with aws:, Key: {key}")
    merged = {t["Key"]: t["Value"] for t in existing}
    merged.update({t["Key"]: t["Value"] for t in tags})
    if len(merged) > MAX_TAGS:
        raise validation("Number of Tags exceed the current limit for the provided ResourceArn")
    return [{"Key": k, "Value": v} for k, v in merged.items()]


def _table(ctx: Context, arn: str) -> Table:
    if not arn.startswith("arn:"):
        raise validation(_INVALID + f"ARNs must start with 'arn:': {arn}")
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[2] != "dynamodb":
        raise validation(_INVALID + f"Provided Arn is not a DynamoDB resource arn: {arn}")
    if "/index/" in parts[5]:
        raise validation(
            _INVALID
            + f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}"
        )
    table = load_or_none(ctx.tx, ctx.account, ctx.region, arn)
    if table is None or table.arn != arn:
        raise not_found(f"Requested resource not found: ResourcArn: {arn} not found")
    return table


@service.handler("TagResource")
def tag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, request["ResourceArn"])
    if not request.get("Tags"):
        raise validation("Atleast one Tag needs to be provided as Input.")
    table.doc["Tags"] = check_tags(request["Tags"], table.doc.get("Tags", []))
    save(ctx.tx, table)
    return {}


@service.handler("UntagResource")
def untag_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, request["ResourceArn"])
    if not request.get("TagKeys"):
        raise validation("Atleast one Tag Key needs to be provided as Input.")
    removed = set(request["TagKeys"])
    table.doc["Tags"] = [t for t in table.doc.get("Tags", []) if t["Key"] not in removed]
    save(ctx.tx, table)
    return {}


@service.handler("ListTagsOfResource")
def list_tags_of_resource(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, request["ResourceArn"])
    return {"Tags": table.doc.get("Tags", [])}
