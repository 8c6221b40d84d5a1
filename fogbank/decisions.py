"""The decision log: what the policy engine decided for each request, so that it can be explained.

Every decision for an IAM principal goes into a bounded in-memory log (the most recent
CAPACITY requests); denials are also written to the database, so that the AccessDenied a user is
looking at can still be explained after a restart. `fogbank explain REQUEST_ID` reads it through
`/_fogbank/explain/REQUEST_ID`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from fogbank.policy import Decision
from fogbank.state import Database

__all__ = ["DecisionLog", "CAPACITY"]

CAPACITY = 10_000
_KIND = ("fogbank", "decision", "", "")


class DecisionLog:
    def __init__(self, db: Database, capacity: int = CAPACITY) -> None:
        self.db = db
        self.capacity = capacity
        self._entries: OrderedDict[str, list[tuple[datetime, Decision]]] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, request_id: str, at: datetime, decision: Decision) -> None:
        # The explanation (a trace of every statement) is built only when someone asks for it.
        with self._lock:
            self._entries.setdefault(request_id, []).append((at, decision))
            self._entries.move_to_end(request_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def persist(self, request_id: str) -> None:
        """Keep a request's decisions in the database (denials: the ones users come back to ask about)."""
        with self._lock:
            entries = [_entry(request_id, at, decision) for at, decision in self._entries.get(request_id, ())]
        if entries:
            with self.db.transaction() as tx:
                tx.put_doc(*_KIND, request_id, {"decisions": entries})

    def get(self, request_id: str) -> list[dict[str, Any]] | None:
        with self._lock:
            recorded = self._entries.get(request_id)
            if recorded is not None:
                return [_entry(request_id, at, decision) for at, decision in recorded]
        with self.db.transaction(write=False) as tx:
            doc = tx.get_doc(*_KIND, request_id)
        return list(doc["decisions"]) if doc is not None else None


def _entry(request_id: str, at: datetime, decision: Decision) -> dict[str, Any]:
    request = decision.request
    return {
        "request_id": request_id,
        "time": at.isoformat(),
        "principal": request.principal.arn,
        "principal_type": request.principal.kind,
        "action": request.action,
        "resource": request.resource,
        "resource_account": request.resource_account,
        "context": {key: _jsonable(value) for key, value in request.context.items()},
        "decision": "allowed" if decision.allowed else "denied",
        "explanation": decision.as_dict(),
    }


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value
