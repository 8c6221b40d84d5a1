"""Scan, and parallel Scan: rows in (partition hash, key) order; segment i of n is the i-th nth of the
32-bit hash space, so every item belongs to exactly one segment."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import service, store
from fogbank.services.dynamodb.keys import HASH_SPACE
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.reads import run_page, start_after, target, validation

__all__ = ["segment_range"]


def segment_range(segment: int, total: int) -> tuple[int, int]:
    """The [low, high) range of partition hashes segment `segment` of `total` covers."""
    return segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total


def _segment(request: dict[str, Any]) -> tuple[int, int] | None:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is None and total is None:
        return None
    if total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when Segment "
            "parameter is present"
        )
    if segment is None:
        raise validation(
            "The Segment parameter is required but was not present in the request when parameter "
            "TotalSegments is present"
        )
    if segment >= total:
        raise validation(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment, total


@service.handler("Scan")
def scan(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    read = target(ctx, request)
    expressions = Expressions("Scan", request)
    segment = _segment(request)
    after = start_after(
        read,
        request.get("ExclusiveStartKey"),
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
    where: list[tuple[str, tuple[Any, ...]]] = []
    if segment is not None:
        low, high = segment_range(*segment)
        where.append(("hash >= ? AND hash < ?", (low, high)))
        if after is not None and not low <= after[0] < high:
            raise validation(
                "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                f"ExclusiveStartKey with correct Segment. TotalSegments: {segment[1]} Segment: {segment[0]}"
            )
    limit = request.get("Limit")
    rows = store.rows(
        ctx.tx, read.source, where, after=after, chunk=min(limit, store.CHUNK) if limit else store.CHUNK
    )
    return run_page(ctx, read, request, expressions, rows, "ScanFilter")
