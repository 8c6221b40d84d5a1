"""KMS's pagination: Limit (default 100 unless the operation says otherwise) and an opaque Marker.

The marker is the position of the next entry in the listing's stable order; a marker that is not one
fogbank handed out is InvalidMarkerException, as AWS answers.
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError

__all__ = ["page"]


def page(
    entries: list[dict[str, Any]], request: dict[str, Any], member: str, default: int = 100
) -> dict[str, Any]:
    """One page of `entries` as {member, Truncated, NextMarker?}."""
    start = 0
    if "Marker" in request:
        marker = request["Marker"]
        if not marker.isdigit() or int(marker) > len(entries):
            raise ServiceError("InvalidMarkerException", "Invalid marker", 400)
        start = int(marker)
    end = start + request.get("Limit", default)
    out: dict[str, Any] = {member: entries[start:end], "Truncated": end < len(entries)}
    if end < len(entries):
        out["NextMarker"] = str(end)
    return out
