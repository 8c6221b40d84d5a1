"""IAM's Marker/MaxItems paging over an ordered list.

Every IAM list answers at most MaxItems (default 100) entries and, when more remain, IsTruncated and a
Marker. The Marker is the sort key of the last entry answered, so a page that follows it starts after
that key even when entries were added or removed in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["page"]

DEFAULT_MAX_ITEMS = 100


def page(entries: Iterable[tuple[str, Any]], request: dict[str, Any], member: str) -> dict[str, Any]:
    """The output of a list operation: `member` holds the page of `entries` (sort key, item) after Marker."""
    max_items = request.get("MaxItems") or DEFAULT_MAX_ITEMS
    marker = request.get("Marker")
    ordered = sorted(entries, key=lambda entry: entry[0])
    if marker is not None:
        ordered = [entry for entry in ordered if entry[0] > marker]
    chosen = ordered[:max_items]
    result: dict[str, Any] = {member: [item for _, item in chosen], "IsTruncated": len(ordered) > max_items}
    if result["IsTruncated"]:
        result["Marker"] = chosen[-1][0]
    return result
