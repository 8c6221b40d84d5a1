"""Paging for SES v1 and v2 listings: a NextToken that is the position of the next entry in the listing's
stable order. A token fogbank did not hand out is the API's invalid-parameter error."""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError

__all__ = ["page", "page_v1"]


def page(
    entries: list[Any], member: str, token: str | None, size: int, invalid: ServiceError
) -> dict[str, Any]:
    """One page of `entries` as {member, NextToken?}."""
    start = 0
    if token is not None:
        if not token.isdigit() or int(token) > len(entries):
            raise invalid
        start = int(token)
    end = start + size
    out: dict[str, Any] = {member: entries[start:end]}
    if end < len(entries):
        out["NextToken"] = str(end)
    return out


def page_v1(
    entries: list[Any], request: dict[str, Any], member: str, *, default: int, most: int
) -> dict[str, Any]:
    """v1's paging: MaxItems (clamped to 1..most, as v1 clamps it) and NextToken."""
    size = min(max(request.get("MaxItems", default), 1), most)
    invalid = ServiceError("InvalidParameterValue", "Invalid pagination token.", 400)
    return page(entries, member, request.get("NextToken"), size, invalid)
