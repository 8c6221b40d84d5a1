"""What every batch operation shares: AWS's checks on the entries, and an entry's failure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fogbank import specs
from fogbank.errors import ServiceError
from fogbank.protocols.query import error_code

__all__ = ["MAX_ENTRIES", "check_entries", "failure"]

MAX_ENTRIES = 10
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def check_entries(entries: Sequence[dict[str, Any]], entry_name: str) -> None:
    if not entries:
        raise ServiceError(
            "EmptyBatchRequest", f"There should be at least one {entry_name} in the request.", 400
        )
    if len(entries) > MAX_ENTRIES:
        raise ServiceError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_ENTRIES}. You have sent {len(entries)}.",
            400,
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry["Id"]
        if not _ID.match(entry_id):
            raise ServiceError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long.",
                400,
            )
        if entry_id in seen:
            raise ServiceError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.", 400)
        seen.add(entry_id)


def failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    """A BatchResultErrorEntry: the error's code as SQS names it on the wire (its query code)."""
    code, _ = error_code(specs.service_model("sqs"), error.code)
    return {"Id": entry_id, "SenderFault": error.sender_fault, "Code": code, "Message": error.message}
