"""The state contract: `Database` and `Transaction`, and `open_database` that picks the backend.

One request is one transaction: `with db.transaction() as tx:` commits on normal exit and rolls
back on an exception. Transactions open lazily: nothing touches the database until the first
statement, so a request that reads no state costs no database work.

Two kinds of state go through a transaction:

- the core tables (state/schema.sql), through typed methods: JSON documents for control-plane
  resources keyed by (service, kind, account, region, name), settings, the outbox and the
  scheduler's jobs;
- a service's own tables (its schema.sql), through `execute`.

SQL is written once for every backend: the common subset of SQLite and PostgreSQL, with `?`
placeholders (a backend whose driver wants another style translates them). Only modules in this
package and services' schema.sql files contain SQL.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from fogbank.state.blobs import BlobRef, BlobStore

__all__ = [
    "BlobRef",
    "BlobStore",
    "ConflictError",
    "Database",
    "IntegrityError",
    "Job",
    "ReadOnlyError",
    "Rows",
    "StateError",
    "Transaction",
    "new_id",
    "prefix_end",
    "open_database",
]

Params = Sequence[Any]


class StateError(Exception):
    """A failure of the state layer that a handler may want to tell apart from its own errors."""


class ConflictError(StateError):
    """The transaction lost a race with another one (busy, locked, serialization); retrying may work."""


class IntegrityError(StateError):
    """A constraint (primary key, unique, not null) refused the statement."""


class ReadOnlyError(StateError):
    """A statement tried to write inside a transaction opened with `write=False`."""


class Rows(list[tuple[Any, ...]]):
    """The rows a statement returned, and how many rows it changed (for INSERT/UPDATE/DELETE)."""

    rowcount: int = -1


@dataclass(frozen=True, slots=True)
class Job:
    """One row of the scheduler's jobs table; `id` changes whenever the job is (re)scheduled."""

    kind: str
    key: str
    id: int
    due_at: float
    payload: dict[str, Any]
    attempts: int


class Transaction(Protocol):
    """One unit of work; also its own context manager (commit on exit, rollback on exception)."""

    def __enter__(self) -> Transaction: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    # -- any table -------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = ()) -> Rows: ...

    def executemany(self, sql: str, seq: Iterable[Params]) -> int: ...

    def fetchone(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None: ...

    # -- documents: control-plane resources ------------------------------------------------
    def get_doc(
        self, service: str, kind: str, account: str, region: str, name: str
    ) -> dict[str, Any] | None: ...

    def put_doc(
        self, service: str, kind: str, account: str, region: str, name: str, doc: dict[str, Any]
    ) -> None: ...

    def delete_doc(self, service: str, kind: str, account: str, region: str, name: str) -> bool: ...

    def doc_generation(self, service: str, account: str) -> int:
        """A number that changes whenever any document of (service, account) is written or deleted."""
        ...

    def list_docs(
        self,
        service: str,
        kind: str,
        account: str,
        region: str,
        prefix: str = "",
        after: str | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, dict[str, Any]]]: ...

    # -- settings: small process-wide values (the clock's offset) --------------------------
    def get_setting(self, key: str) -> str | None: ...

    def put_setting(self, key: str, value: str) -> None: ...

    # -- outbox: deliveries made after commit ----------------------------------------------
    def enqueue(self, topic: str, payload: dict[str, Any]) -> None: ...

    @property
    def enqueued(self) -> bool:
        """Whether this transaction added to the outbox (so the caller drains it after commit)."""
        ...

    @property
    def begun(self) -> bool:
        """Whether this (lazy) transaction has run a statement yet: what it reads from now on is at least
        as new as anything committed before this moment."""
        ...

    # -- jobs: the scheduler's table (fogbank.scheduler is the API for services) ------------
    def put_job(self, kind: str, key: str, due_at: float, payload: dict[str, Any]) -> None: ...

    def delete_job(self, kind: str, key: str, job_id: int | None = None) -> bool: ...

    def due_jobs(self, now: float, kinds: Sequence[str], limit: int) -> list[Job]: ...

    def retry_job(self, kind: str, key: str, job_id: int, due_at: float) -> None: ...

    # -- hooks -----------------------------------------------------------------------------
    def after_commit(self, callback: Callable[[], object]) -> None:
        """Run `callback` once this transaction has committed (never if it rolls back)."""
        ...

    # -- the database's blob store, for work that has a transaction but no request (jobs) ----
    @property
    def blobs(self) -> BlobStore: ...


class Database(Protocol):
    """Where all state lives: the tables, and the blob store the tables reference."""

    data_dir: Path
    fsync: bool
    blobs: BlobStore

    def transaction(self, *, write: bool = True) -> Transaction:
        """A new lazy transaction for this thread.

        `write=True` takes the write lock at the first statement, so a transaction that reads and
        then writes never fails to upgrade. `write=False` reads one consistent snapshot alongside
        writers and refuses writes with `ReadOnlyError`.
        """
        ...

    def close(self) -> None: ...


_id_lock = threading.Lock()
_last_id = 0


def new_id() -> int:
    """A 63-bit id that grows with time and strictly within this process.

    Microseconds since the epoch times 1024, plus random low bits so that two nodes writing the
    same table rarely pick the same id (the primary key refuses the rare collision).
    """
    global _last_id
    candidate = time.time_ns() // 1000 * 1024 + random.getrandbits(9)
    with _id_lock:
        _last_id = max(candidate, _last_id + 1)
        return _last_id


def prefix_end(prefix: str) -> str | None:
    """The least string greater than every string that starts with `prefix`, or None if none is.

    Code point order is UTF-8 byte order, which is how SQLite's BINARY collation (and PostgreSQL's
    COLLATE "C") compares TEXT; a range scan [prefix, prefix_end(prefix)) finds exactly the prefix.
    """
    while prefix:
        last = ord(prefix[-1]) + 1
        if 0xD800 <= last <= 0xDFFF:
            last = 0xE000  # surrogates cannot be stored as UTF-8
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None


def open_database(data_dir: Path, *, fsync: bool) -> Database:
    """Open (creating if needed) the database under `data_dir` and bring the core schema up to date.

    `fsync=False` survives the process being killed; `fsync=True` also survives power loss.
    """
    from fogbank.state.migrations import migrate_core
    from fogbank.state.sqlite import SQLiteDatabase

    data_dir.mkdir(parents=True, exist_ok=True)
    db = SQLiteDatabase(data_dir, fsync=fsync)
    migrate_core(db)
    db.blobs.remove_stale_temp()
    return db
