"""SES's errors in the calling API's codes: v1 names each error (with fields), v2 has four kinds."""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError

__all__ = ["invalid", "missing", "exists", "limit"]


def invalid(v2: bool, v1_code: str, message: str, **fields: Any) -> ServiceError:
    """A bad parameter: v2's BadRequestException."""
    return ServiceError("BadRequestException" if v2 else v1_code, message, 400, fields={} if v2 else fields)


def missing(v2: bool, v1_code: str, message: str, **fields: Any) -> ServiceError:
    """A resource that does not exist: v2's NotFoundException (404; v1 answers 400)."""
    if v2:
        return ServiceError("NotFoundException", message, 404)
    return ServiceError(v1_code, message, 400, fields=fields)


def exists(v2: bool, v1_code: str, message: str, **fields: Any) -> ServiceError:
    return ServiceError(
        "AlreadyExistsException" if v2 else v1_code, message, 400, fields={} if v2 else fields
    )


def limit(v2: bool, v1_code: str, message: str) -> ServiceError:
    return ServiceError("LimitExceededException" if v2 else v1_code, message, 400)
