"""Schema migrations: each service's schema.sql applied once, step by step, recorded in `schema_versions`.

A schema.sql is a list of steps. The first step starts at the top of the file; each later one
starts after a line `-- migration: N`, N counting up from 2. A step runs once, in one transaction
with the row that records it (SQLite and PostgreSQL both roll DDL back), so a crash mid-step
leaves nothing half-applied. Steps are append-only: the SHA-256 of each applied step is kept, and
editing an applied step is refused, because other databases already ran the old text.

Concurrent start-up is safe: the migration runs in a write transaction, which SQLite serializes;
the PostgreSQL backend serializes it with an advisory lock taken in its `transaction`.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.state import Database

__all__ = ["MigrationError", "Step", "migrate", "migrate_core", "parse_steps", "split_statements"]

CORE = "fogbank"

_BOOTSTRAP = (
    "CREATE TABLE IF NOT EXISTS schema_versions ("
    "service TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, "
    "applied_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (service, version))"
)
_APPLIED = "SELECT version, hash FROM schema_versions WHERE service = ?"
_RECORD = "INSERT INTO schema_versions (service, version, hash, applied_at) VALUES (?, ?, ?, ?)"
_MARKER = re.compile(r"^--\s*migration:\s*(\d+)\s*$", re.MULTILINE)


class MigrationError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Step:
    version: int
    sql: str
    hash: str


def parse_steps(schema_sql: str) -> list[Step]:
    pieces = _MARKER.split(schema_sql)
    texts = [(1, pieces[0])] + [(int(pieces[i]), pieces[i + 1]) for i in range(1, len(pieces), 2)]
    for expected, (version, _) in enumerate(texts, start=1):
        if version != expected:
            raise MigrationError(f"migration {version} found where {expected} was expected")
    return [Step(v, text, hashlib.sha256(text.strip().encode()).hexdigest()) for v, text in texts]


def split_statements(script: str) -> list[str]:
    """The statements of a script, split where SQL says a statement is complete (triggers included)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statement = _strip_comments(current)
            if statement:
                statements.append(statement)
            current = ""
    if _strip_comments(current):
        raise MigrationError(f"incomplete statement at the end of the script: {current.strip()[:80]!r}")
    return statements


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).strip()


def migrate(db: Database, service: str, schema_sql: str) -> list[int]:
    """Bring `service`'s tables up to `schema_sql`; return the step versions applied now."""
    steps = parse_steps(schema_sql)
    applied_now: list[int] = []
    with db.transaction() as tx:
        tx.execute(_BOOTSTRAP)
        applied = {version: digest for version, digest in tx.execute(_APPLIED, (service,))}
        for step in steps:
            if step.version in applied:
                if applied[step.version] != step.hash:
                    raise MigrationError(
                        f"{service} schema step {step.version} changed after it was applied; "
                        "add a new `-- migration: N` step instead"
                    )
                continue
            for statement in split_statements(step.sql):
                tx.execute(statement)
            tx.execute(_RECORD, (service, step.version, step.hash, time.time()))
            applied_now.append(step.version)
    return applied_now


def migrate_core(db: Database) -> list[int]:
    """The core tables of state/schema.sql: documents, settings, outbox, jobs."""
    return migrate(db, CORE, files("fogbank.state").joinpath("schema.sql").read_text(encoding="utf-8"))
