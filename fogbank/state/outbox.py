"""The outbox: deliveries a transaction asks for, made only after it commits, and made even across restarts.

A handler calls `tx.enqueue(topic, payload)`; the row commits or rolls back with everything else the
request did. After commit, `drain` hands each due row to the consumer of its topic and deletes the
row once the consumer returns. A consumer that raises leaves its row for later: `attempts` grows
and `next_attempt_at` (fogbank's clock) backs off exponentially, so moving the clock forward
retries sooner. After `max_attempts` the delivery is logged and dropped, as AWS drops an event
whose target keeps failing.

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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.clock import Clock
    from fogbank.state import Database

__all__ = ["Consumer", "Outbox", "drain", "ENQUEUE_SQL"]

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
) -> int:
    """Deliver every due row whose topic has a consumer; return how many were delivered."""
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
        for row_id, topic, payload, attempts in rows:
            try:
                consumers[topic](json.loads(payload))
            except Exception as error:
                _failed(db, clock, row_id, token, topic, attempts + 1, error, max_attempts)
                continue
            with db.transaction() as tx:
                tx.execute(_DELIVERED, (row_id, token))
            delivered += 1
        if len(rows) < batch:
            return delivered


def _failed(
    db: Database,
    clock: Clock,
    row_id: int,
    token: str,
    topic: str,
    attempts: int,
    error: Exception,
    max_attempts: int,
) -> None:
    with db.transaction() as tx:
        if attempts >= max_attempts:
            log.error("dropping %s delivery %d after %d attempts: %r", topic, row_id, attempts, error)
            tx.execute(_DELIVERED, (row_id, token))
        else:
            log.warning("%s delivery %d failed (attempt %d): %r", topic, row_id, attempts, error)
            tx.execute(_FAILED, (clock.time() + backoff(attempts), repr(error), row_id, token))


class Outbox:
    """The drainer a server keeps: `kick()` after a commit that enqueued, from any thread.

    Only one thread drains at a time; a kick that finds a drain in progress just marks more work,
    and the draining thread goes round again, so no request thread waits on another's deliveries.
    """

    def __init__(self, db: Database, clock: Clock, consumers: Mapping[str, Consumer]) -> None:
        self.db = db
        self.clock = clock
        self.consumers = dict(consumers)
        self._lock = threading.Lock()
        self._pending = False

    def kick(self) -> int:
        self._pending = True
        delivered = 0
        while self._pending and self._lock.acquire(blocking=False):
            try:
                self._pending = False
                delivered += drain(self.db, self.consumers, clock=self.clock)
            finally:
                self._lock.release()
        return delivered
