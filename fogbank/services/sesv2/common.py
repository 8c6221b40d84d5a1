"""SES v2's shared errors, and its paging (PageSize and NextToken) over SES's one paging rule."""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.ses import paging

__all__ = ["bad_request", "not_found", "page"]


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequestException", message, 400)


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFoundException", message, 404)


def page(
    entries: list[Any], request: dict[str, Any], member: str, *, default: int, most: int
) -> dict[str, Any]:
    """v2's paging: PageSize (refused outside 1..most) and NextToken."""
    size = request.get("PageSize", default)
    if not 1 <= size <= most:
        raise bad_request(f"PageSize must be between 1 and {most}.")
    return paging.page(entries, member, request.get("NextToken"), size, bad_request("Invalid NextToken."))
