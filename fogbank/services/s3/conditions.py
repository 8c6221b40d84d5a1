"""Conditional requests on objects: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since.

S3 follows RFC 7232's order. A present If-Match decides alone between "go on" and 412, and when it is
absent If-Unmodified-Since does; then a present If-None-Match decides between "go on" and 304 (412 for
writes and copies), and when it is absent If-Modified-Since does. Dates compare at whole seconds, the
precision of the Last-Modified header; a date in the future is ignored, as HTTP says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.s3.objects_store import ObjectVersion

__all__ = ["check_read", "check_copy_source", "etag_matches", "precondition_failed"]


def precondition_failed(condition: str) -> ServiceError:
    return ServiceError(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        fields={"Condition": condition},
    )


def etag_matches(header: str, etag: str | None) -> bool:
    """Whether an If-Match/If-None-Match list names the ETag (`*` names any)."""
    if etag is None:
        return False
    bare = etag.strip('"')
    for item in header.split(","):
        item = item.strip().removeprefix("W/")
        if item == "*" or item.strip('"') == bare:
            return True
    return False


def _seconds(when: datetime) -> int:
    return int(when.timestamp())


def _evaluate(
    version: ObjectVersion,
    now: float,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: datetime | None,
    if_unmodified_since: datetime | None,
) -> tuple[str, str] | None:
    """(what failed, which header) or None: "412" or "304"."""
    modified = int(version.last_modified)
    if if_match is not None:
        if not etag_matches(if_match, version.etag):
            return "412", "If-Match"
    elif if_unmodified_since is not None and _seconds(if_unmodified_since) <= now:
        if modified > _seconds(if_unmodified_since):
            return "412", "If-Unmodified-Since"
    if if_none_match is not None:
        if etag_matches(if_none_match, version.etag):
            return "304", "If-None-Match"
    elif if_modified_since is not None and _seconds(if_modified_since) <= now:
        if modified <= _seconds(if_modified_since):
            return "304", "If-Modified-Since"
    return None


def check_read(version: ObjectVersion, request: dict[str, Any], now: float) -> None:
    """GetObject and HeadObject: 412 PreconditionFailed or 304 Not Modified."""
    failed = _evaluate(
        version,
        now,
        request.get("IfMatch"),
        request.get("IfNoneMatch"),
        request.get("IfModifiedSince"),
        request.get("IfUnmodifiedSince"),
    )
    if failed is None:
        return
    status, condition = failed
    if status == "412":
        raise precondition_failed(condition)
    headers = {"ETag": version.etag or ""}
    raise ServiceError("NotModified", "Not Modified", 304, headers=headers)


def check_copy_source(version: ObjectVersion, request: dict[str, Any], now: float) -> None:
    """CopyObject's x-amz-copy-source-if-* headers: every failure is 412."""
    failed = _evaluate(
        version,
        now,
        request.get("CopySourceIfMatch"),
        request.get("CopySourceIfNoneMatch"),
        request.get("CopySourceIfModifiedSince"),
        request.get("CopySourceIfUnmodifiedSince"),
    )
    if failed is not None:
        raise precondition_failed("x-amz-copy-source-" + failed[1])
