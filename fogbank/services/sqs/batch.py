"""What every batch operation shares: AWS's checks on the entries, and the per-entry answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from fogbank import specs
from fogbank.errors import ServiceError
from fogbank.protocols.query import error_code

__all__ = ["MAX_ENTRIES", "entries_of", "failure", "each_entry"]

MAX_ENTRIES = 10
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def entries_of(request: dict[str, Any], entry_name: str) -> list[dict[str, Any]]:
    """A batch request's entries, once AWS's checks on them pass."""
    entries: list[dict[str, Any]] = request.get("Entries") or []
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
    return entries


def failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    """A BatchResultErrorEntry: the error's code as SQS names it on the wire (its query code)."""
    code, _ = error_code(specs.service_model("sqs"), error.code)
    return {"Id": entry_id, "SenderFault": error.sender_fault, "Code": code, "Message": error.message}


def each_entry(
    entries: Sequence[dict[str, Any]], act: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """A batch's answer: `act` does one entry and returns its result's members; a ServiceError it raises
    fails that entry alone, as AWS answers per entry."""
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            result = act(entry)
        except ServiceError as error:
            failed.append(failure(entry["Id"], error))
            continue
        successful.append({"Id": entry["Id"], **result})
    return {"Successful": successful, "Failed": failed}
