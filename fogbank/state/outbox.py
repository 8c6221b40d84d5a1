"""The outbox: deliveries a transaction asks for, made only after it commits, and made even across restarts.

A handler calls `tx.enqueue(topic, payload)`; the row commits or rolls back with everything else the
request did. After commit, `drain` hands each due row to the consumer of its topic and deletes the
row once the consumer returns. A consumer that raises leaves its row for later: `attempts` grows
and `next_attempt_at` (fogbank's clock) backs off exponentially, so moving the clock forward
retries sooner. After `max_attempts` the delivery is logged and dropped, as AWS drops an event
whose target keeps failing; when its topic names a give-up job kind, that scheduler job is scheduled,
due at once, with the payload (and `_failed_at`, fogbank's clock in epoch seconds), in the same
transaction that deletes the row, so a dead-letter delivery happens exactly when the row goes.

A consumer that knows retrying cannot help (the endpoint refused the delivery for good) raises
`GiveUp`: the row goes the way of one that ran out of attempts, at once.

A payload may carry its own retry policy: `_max_attempts` (attempts in all, the first included)
and `_delays` (seconds on fogbank's clock before each retry, one per retry) override the defaults.

Delivery is at least once. Rows are claimed with a lease (wall-clock time, so that moving
fogbank's clock does not expire leases in flight) before their consumer runs; a drainer that dies
leaves rows that become due again when the lease runs out. Rows are handed out in enqueue
order; a failing row does not hold back the rows after it. Rows whose topic has no consumer wait.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.clock import Clock
    from fogbank.state import Database

__all__ = ["Consumer", "GiveUp", "Outbox", "drain", "ENQUEUE_SQL"]

log = logging.getLogger(__name__)

Consumer = Callable[[dict[str, Any]], None]

ENQUEUE_SQL = "INSERT INTO outbox (id, topic, payload, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?)"
_CLAIM = (
    "UPDATE outbox SET lease_until = ?, lease_token = ? "
    "WHERE (lease_until IS NULL OR lease_until < ?) AND id IN ("
    "SELECT id FROM outbox WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) "
    "AND topic IN ({topics}) ORDER BY id LIMIT ?)"
)
_CLAIMED = "SELECT id, topic, payload, attempts FROM outbox WHERE lease_token = ? ORDER BY id"
_DELIVERED = "DELETE FROM outbox WHERE id = ? AND lease_token = ?"
_FAILED = (
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, "
    "lease_token = NULL, last_error = ? WHERE id = ? AND lease_token = ?"
)

BATCH = 100
LEASE_SECONDS = 300.0
MAX_ATTEMPTS = 10
MAX_BACKOFF_SECONDS = 3600.0


class GiveUp(Exception):
    """Raised by a consumer whose delivery will never succeed: no more attempts are made."""


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: 1, 2, 4, ... capped at an hour."""
    return min(2.0 ** (attempts - 1), MAX_BACKOFF_SECONDS)


def drain(
    db: Database,
    consumers: Mapping[str, Consumer],
    *,
    clock: Clock,
    max_attempts: int = MAX_ATTEMPTS,
    batch: int = BATCH,
    give_up: Mapping[str, str | None] | None = None,
) -> int:
    """Deliver every due row whose topic has a consumer; return how many were delivered.

    `give_up` maps a topic to the scheduler job kind that takes a row which ran out of attempts.
    """
    if not consumers:
        return 0
    topics = list(consumers)
    claim = _CLAIM.format(topics=", ".join("?" * len(topics)))
    delivered = 0
    while True:
        token = uuid.uuid4().hex
        real_now = time.time()
        params = (real_now + LEASE_SECONDS, token, real_now, clock.time(), real_now, *topics, batch)
        with db.transaction() as tx:
            tx.execute(claim, params)
            rows = tx.execute(_CLAIMED, (token,))
        for row_id, topic, text, attempts in rows:
            payload = json.loads(text)
            try:
                consumers[topic](payload)
            except Exception as error:
                failure = _Failure(row_id, token, topic, payload, attempts + 1, error)
                _failed(db, clock, failure, max_attempts, (give_up or {}).get(topic))
                continue
            with db.transaction() as tx:
                tx.execute(_DELIVERED, (row_id, token))
            delivered += 1
        if len(rows) < batch:
            return delivered


@dataclass(frozen=True)
class _Failure:
    row_id: int
    token: str
    topic: str
    payload: dict[str, Any]
    attempts: int  # attempts made so far, this one included
    error: Exception


def _failed(db: Database, clock: Clock, failure: _Failure, max_attempts: int, give_up: str | None) -> None:
    row_id, payload, attempts = failure.row_id, failure.payload, failure.attempts
    with db.transaction() as tx:
        if isinstance(failure.error, GiveUp) or attempts >= payload.get("_max_attempts", max_attempts):
            log.error(
                "giving up %s delivery %d after %d attempts: %r",
                failure.topic,
                row_id,
                attempts,
                failure.error,
            )
            removed = tx.execute(_DELIVERED, (row_id, failure.token)).rowcount
            # A row whose lease ran out meanwhile is another drainer's now: it gives the row up, not this one.
            if give_up is not None and removed:
                now = clock.time()
                tx.put_job(give_up, f"outbox-{row_id}", now, {**payload, "_failed_at": now})
        else:
            log.warning(
                "%s delivery %d failed (attempt %d): %r", failure.topic, row_id, attempts, failure.error
            )
            delays = payload.get("_delays") or []
            delay = float(delays[attempts - 1]) if attempts <= len(delays) else backoff(attempts)
            tx.execute(_FAILED, (clock.time() + delay, repr(failure.error), row_id, failure.token))


class Outbox:
    """The drainer a server keeps: `kick()` after a commit that enqueued, from any thread.

    Only one thread drains at a time; a kick that finds a drain in progress just marks more work,
    and the draining thread goes round again, so no request thread waits on another's deliveries.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        consumers: Mapping[str, Consumer],
        give_up: Mapping[str, str | None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        # Not copied: the server's mappings import a consumer's package when its first row is delivered.
        self.consumers = consumers
        self.give_up = give_up or {}
        self._lock = threading.Lock()
        self._pending = False

    def kick(self) -> int:
        self._pending = True
        delivered = 0
        while self._pending and self._lock.acquire(blocking=False):
            try:
                self._pending = False
                delivered += drain(self.db, self.consumers, clock=self.clock, give_up=self.give_up)
            finally:
                self._lock.release()
        return delivered
