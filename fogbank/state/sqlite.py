"""The embedded backend: one SQLite file in WAL mode under the data directory.

Theory of operation:

- Each thread keeps its own connections (a thread pool serves requests), opened on first use:
  one read-write, and one read-only (`mode=ro`) that `write=False` transactions use, so a
  misclassified write fails loudly instead of silently taking the write lock.
- A transaction sends no BEGIN until its first statement. A write transaction then runs
  BEGIN IMMEDIATE: it queues for the one write lock up front (busy_timeout), so it can never fail
  to upgrade a read lock halfway through, which is what deadlocks SQLite under concurrency. A
  read transaction runs a plain BEGIN and reads one snapshot while writers proceed.
- Durability: WAL with synchronous=NORMAL keeps every committed transaction across a killed
  process (the WAL is in the OS page cache); `fsync=True` selects synchronous=FULL, which also
  syncs the WAL at each commit, for power loss.

The core-table methods are plain portable SQL over `execute`; a PostgreSQL backend can reuse
`CoreTables` as it is.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.request import pathname2url

from fogbank.state import (
    ConflictError,
    IntegrityError,
    Job,
    Params,
    ReadOnlyError,
    Rows,
    StateError,
    new_id,
    prefix_end,
)
from fogbank.state.blobs import BlobStore
from fogbank.state.outbox import ENQUEUE_SQL

__all__ = ["SQLiteDatabase", "SQLiteTransaction", "CoreTables"]

log = logging.getLogger(__name__)

DB_FILE = "fogbank.db"
BUSY_TIMEOUT_MS = 30_000

_GET_DOC = "SELECT body FROM docs WHERE service = ? AND kind = ? AND account = ? AND region = ? AND name = ?"
_PUT_DOC = (
    "INSERT INTO docs (service, kind, account, region, name, body) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (service, kind, account, region, name) DO UPDATE SET body = excluded.body"
)
_DELETE_DOC = "DELETE FROM docs WHERE service = ? AND kind = ? AND account = ? AND region = ? AND name = ?"
_BUMP_GENERATION = (
    "INSERT INTO doc_generations (service, account, generation) VALUES (?, ?, 1) "
    "ON CONFLICT (service, account) DO UPDATE SET generation = doc_generations.generation + 1"
)
_GET_GENERATION = "SELECT generation FROM doc_generations WHERE service = ? AND account = ?"
_LIST_DOCS = "SELECT name, body FROM docs WHERE service = ? AND kind = ? AND account = ? AND region = ?"
_GET_SETTING = "SELECT value FROM settings WHERE key = ?"
_PUT_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_PUT_JOB = (
    "INSERT INTO jobs (kind, key, id, due_at, payload, attempts) VALUES (?, ?, ?, ?, ?, 0) "
    "ON CONFLICT (kind, key) DO UPDATE SET id = excluded.id, due_at = excluded.due_at, "
    "payload = excluded.payload, attempts = 0"
)
_DELETE_JOB = "DELETE FROM jobs WHERE kind = ? AND key = ?"
_DUE_JOBS = (
    "SELECT kind, key, id, due_at, payload, attempts FROM jobs "
    "WHERE due_at <= ? AND kind IN ({kinds}) ORDER BY due_at, kind, key LIMIT ?"
)
_RETRY_JOB = "UPDATE jobs SET attempts = attempts + 1, due_at = ? WHERE kind = ? AND key = ? AND id = ?"


def _dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


class CoreTables(ABC):
    """The typed methods over the core tables, written against `execute` alone."""

    _enqueued: bool

    @abstractmethod
    def _begin_now(self) -> None:
        """Start the transaction if it has not started yet."""

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> Rows: ...

    def fetchone(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    # -- documents -------------------------------------------------------------------------
    def get_doc(self, service: str, kind: str, account: str, region: str, name: str) -> dict[str, Any] | None:
        row = self.fetchone(_GET_DOC, (service, kind, account, region, name))
        return json.loads(row[0]) if row else None

    def put_doc(
        self, service: str, kind: str, account: str, region: str, name: str, doc: dict[str, Any]
    ) -> None:
        self.execute(_PUT_DOC, (service, kind, account, region, name, _dumps(doc)))
        self.execute(_BUMP_GENERATION, (service, account))

    def delete_doc(self, service: str, kind: str, account: str, region: str, name: str) -> bool:
        deleted = self.execute(_DELETE_DOC, (service, kind, account, region, name)).rowcount > 0
        if deleted:
            self.execute(_BUMP_GENERATION, (service, account))
        return deleted

    def doc_generation(self, service: str, account: str) -> int:
        row = self.fetchone(_GET_GENERATION, (service, account))
        return int(row[0]) if row else 0

    def list_docs(
        self,
        service: str,
        kind: str,
        account: str,
        region: str,
        prefix: str = "",
        after: str | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, dict[str, Any]]]:
        # A range instead of LIKE: LIKE's wildcards and case rules differ between backends.
        sql = _LIST_DOCS
        params: list[Any] = [service, kind, account, region]
        if prefix:
            sql += " AND name >= ?"
            params.append(prefix)
            end = prefix_end(prefix)
            if end is not None:
                sql += " AND name < ?"
                params.append(end)
        if after is not None:
            sql += " AND name > ?"
            params.append(after)
        sql += " ORDER BY name"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [(name, json.loads(body)) for name, body in self.execute(sql, params)]

    # -- settings --------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        row = self.fetchone(_GET_SETTING, (key,))
        return row[0] if row else None

    def put_setting(self, key: str, value: str) -> None:
        self.execute(_PUT_SETTING, (key, value))

    # -- outbox ----------------------------------------------------------------------------
    def enqueue(self, topic: str, payload: dict[str, Any]) -> None:
        # Begin before taking the id: writers are serialized, so ids then grow in commit order.
        self._begin_now()
        self.execute(ENQUEUE_SQL, (new_id(), topic, _dumps(payload), 0.0))
        self._enqueued = True

    @property
    def enqueued(self) -> bool:
        return self._enqueued

    # -- jobs ------------------------------------------------------------------------------
    def put_job(self, kind: str, key: str, due_at: float, payload: dict[str, Any]) -> None:
        self.execute(_PUT_JOB, (kind, key, new_id(), due_at, _dumps(payload)))

    def delete_job(self, kind: str, key: str, job_id: int | None = None) -> bool:
        if job_id is None:
            return self.execute(_DELETE_JOB, (kind, key)).rowcount > 0
        return self.execute(_DELETE_JOB + " AND id = ?", (kind, key, job_id)).rowcount > 0

    def due_jobs(self, now: float, kinds: Sequence[str], limit: int) -> list[Job]:
        if not kinds:
            return []
        sql = _DUE_JOBS.format(kinds=", ".join("?" * len(kinds)))
        rows = self.execute(sql, (now, *kinds, limit))
        return [Job(k, key, i, due, json.loads(p), a) for k, key, i, due, p, a in rows]

    def retry_job(self, kind: str, key: str, job_id: int, due_at: float) -> None:
        self.execute(_RETRY_JOB, (due_at, kind, key, job_id))


class _ThreadState(threading.local):
    rw: sqlite3.Connection | None = None
    ro: sqlite3.Connection | None = None
    active: bool = False


class SQLiteTransaction(CoreTables):
    def __init__(self, db: SQLiteDatabase, write: bool) -> None:
        self._db = db
        self._write = write
        self._conn: sqlite3.Connection | None = None
        self._callbacks: list[Callable[[], object]] | None = None
        self._enqueued = False

    def __enter__(self) -> SQLiteTransaction:
        local = self._db._local
        if local.active:
            raise RuntimeError("a transaction is already open on this thread")
        local.active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db._local.active = False
        conn = self._conn
        if conn is None:
            return
        self._conn = None
        if exc_type is not None:
            if conn.in_transaction:  # some errors (disk full, I/O) already rolled back
                conn.execute("ROLLBACK")
            return
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _translate(error) from error
        if self._callbacks:
            for callback in self._callbacks:
                try:
                    callback()
                except Exception:
                    log.exception("after-commit callback failed")

    @property
    def begun(self) -> bool:
        return self._conn is not None

    def _begin(self) -> sqlite3.Connection:
        if not self._db._local.active:
            raise RuntimeError("use the transaction as a context manager: `with db.transaction() as tx:`")
        conn = self._db._connection(self._write)
        try:
            conn.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        except sqlite3.Error as error:
            raise _translate(error) from error
        self._conn = conn
        return conn

    def _begin_now(self) -> None:
        if self._conn is None:
            self._begin()

    def execute(self, sql: str, params: Params = ()) -> Rows:
        conn = self._conn or self._begin()
        try:
            cursor = conn.execute(sql, params)
            rows = Rows(cursor.fetchall())
        except sqlite3.Error as error:
            raise _translate(error) from error
        rows.rowcount = cursor.rowcount
        return rows

    def executemany(self, sql: str, seq: Iterable[Params]) -> int:
        conn = self._conn or self._begin()
        try:
            return conn.executemany(sql, seq).rowcount
        except sqlite3.Error as error:
            raise _translate(error) from error

    def after_commit(self, callback: Callable[[], object]) -> None:
        if self._callbacks is None:
            self._callbacks = []
        self._callbacks.append(callback)

    @property
    def blobs(self) -> BlobStore:
        return self._db.blobs


class SQLiteDatabase:
    def __init__(self, data_dir: Path, *, fsync: bool) -> None:
        self.data_dir = data_dir
        self.fsync = fsync
        self.path = data_dir / DB_FILE
        self.blobs = BlobStore(data_dir / "blobs", fsync=fsync)
        self._local = _ThreadState()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        # The first connection switches the file to WAL; the mode is stored in the file.
        conn = self._connection(write=True)
        conn.execute("PRAGMA journal_mode=WAL")

    def transaction(self, *, write: bool = True) -> SQLiteTransaction:
        return SQLiteTransaction(self, write)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                log.exception("closing a connection failed")

    def _connection(self, write: bool) -> sqlite3.Connection:
        local = self._local
        conn = local.rw if write else local.ro
        if conn is not None:
            return conn
        if self._closed:
            raise StateError("the database is closed")
        if write:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        else:
            uri = f"file:{pathname2url(str(self.path))}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA synchronous={'FULL' if self.fsync else 'NORMAL'}")
        with self._lock:
            self._connections.append(conn)
        if write:
            local.rw = conn
        else:
            local.ro = conn
        return conn


def _translate(error: sqlite3.Error) -> Exception:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return ConflictError(str(error))
    if code == sqlite3.SQLITE_READONLY:
        return ReadOnlyError(str(error))
    if isinstance(error, sqlite3.IntegrityError):
        return IntegrityError(str(error))
    return error
