"""Timed work — lifecycle, TTL, rotation, deletion windows, retries — as rows evaluated against the clock.

A service schedules a job in its request's transaction: `schedule(tx, "secretsmanager.rotate",
secret_arn, due_at, payload)`. The job is a row (kind, key unique), so it commits with the request
and survives restarts; scheduling the same (kind, key) again moves it.

`run_due` runs every job whose time has come on `clock`, each in a transaction of its own. The
first statement of that transaction deletes the job's row (by its id), so exactly one runner
wins it even with several nodes, and the handler's work and the job's removal commit together.
A handler that wants to run again (yearly rotation) schedules the same (kind, key) again; that
gives the row a new id, so the rescheduled job stays. A handler that raises rolls its work back;
the job stays with `attempts` counted and comes due again after a backoff.

`Scheduler` is the background thread that calls `run_due` every few seconds, and at once when
poked (the clock moved, or a request scheduled something due now).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from fogbank.clock import Clock
from fogbank.state import Database, Transaction

__all__ = ["Handler", "Scheduler", "cancel", "run_due", "schedule"]

log = logging.getLogger(__name__)

Handler = Callable[[Transaction, dict[str, Any]], None]

BATCH = 500
MAX_BACKOFF_SECONDS = 3600.0


def schedule(
    tx: Transaction, kind: str, key: str, due_at: datetime, payload: dict[str, Any] | None = None
) -> None:
    """Run the handler of `kind` with `payload` once fogbank's clock reaches `due_at` (replacing any
    job already scheduled for this kind and key)."""
    tx.put_job(kind, key, due_at.timestamp(), payload or {})


def cancel(tx: Transaction, kind: str, key: str) -> bool:
    return tx.delete_job(kind, key)


def run_due(db: Database, clock: Clock, handlers: Mapping[str, Handler]) -> int:
    """Run every job due now whose kind has a handler; return how many ran to completion.

    A job its own handler reschedules into the past runs once per call, not in a loop.
    """
    kinds = list(handlers)
    done: set[tuple[str, str]] = set()
    completed = 0
    while True:
        with db.transaction(write=False) as tx:
            jobs = [j for j in tx.due_jobs(clock.time(), kinds, BATCH) if (j.kind, j.key) not in done]
        if not jobs:
            return completed
        for job in jobs:
            done.add((job.kind, job.key))
            try:
                handler = handlers[job.kind]  # may import its service's package: not in a transaction
                with db.transaction() as tx:
                    if not tx.delete_job(job.kind, job.key, job.id):
                        continue  # another runner took it, or a request moved it
                    handler(tx, job.payload)
            except Exception:
                log.exception("scheduled job %s %s failed (attempt %d)", job.kind, job.key, job.attempts + 1)
                delay = min(2.0**job.attempts, MAX_BACKOFF_SECONDS)
                with db.transaction() as tx:
                    tx.retry_job(job.kind, job.key, job.id, clock.time() + delay)
                continue
            completed += 1


class Scheduler:
    """Calls `run_due` every `interval` seconds and whenever poked; `also` runs on the same tick
    (e.g. draining the outbox, whose retries are due by the clock too)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        handlers: Mapping[str, Handler],
        *,
        interval: float = 1.0,
        also: Sequence[Callable[[], object]] = (),
    ) -> None:
        self.db = db
        self.clock = clock
        self.handlers = handlers  # not copied: the server's mapping imports a job's package on first use
        self.interval = interval
        self.also = tuple(also)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the scheduler is already running")
        self._stopping.clear()
        self.clock.subscribe(self.poke)
        self._thread = threading.Thread(target=self._loop, name="fogbank-scheduler", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = 10.0) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self.clock.unsubscribe(self.poke)
        self._stopping.set()
        self._wake.set()
        thread.join(timeout)

    def __enter__(self) -> Scheduler:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def tick(self) -> int:
        """One round of work, as the thread does it; returns the jobs completed."""
        self.clock.reload()  # another node sharing the database may have moved the clock
        completed = run_due(self.db, self.clock, self.handlers)
        for task in self.also:
            task()
        return completed

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            self._wake.wait(self.interval)
