"""Per-service schema migrations."""

import sqlite3
import threading
from pathlib import Path

import pytest

from fogbank.state import Database, open_database
from fogbank.state.migrations import MigrationError, migrate, parse_steps, split_statements

SCHEMA = """
-- Messages of a queue.
CREATE TABLE IF NOT EXISTS sqs_messages (
    queue TEXT NOT NULL,
    id    TEXT NOT NULL, -- the MessageId; a ; here does not end the statement
    body  TEXT NOT NULL,
    PRIMARY KEY (queue, id)
);
CREATE INDEX IF NOT EXISTS sqs_messages_queue ON sqs_messages (queue);
"""

SECOND = """
-- migration: 2
ALTER TABLE sqs_messages ADD COLUMN visible_at DOUBLE PRECISION NOT NULL DEFAULT 0;
"""


def test_core_schema_is_applied_once(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    with db.transaction() as tx:
        versions = tx.execute("SELECT service, version FROM schema_versions ORDER BY version")
        assert versions == [("fogbank", 1), ("fogbank", 2)]
        tables = {row[0] for row in tx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"docs", "settings", "outbox", "jobs", "doc_generations", "schema_versions"} <= tables
    db.close()
    db = open_database(tmp_path, fsync=False)  # reopening applies nothing again
    with db.transaction() as tx:
        assert tx.execute("SELECT COUNT(*) FROM schema_versions") == [(2,)]
    db.close()


def test_service_schema_applies_once_then_appended_steps(db: Database) -> None:
    assert migrate(db, "sqs", SCHEMA) == [1]
    assert migrate(db, "sqs", SCHEMA) == []
    assert migrate(db, "sqs", SCHEMA + SECOND) == [2]
    assert migrate(db, "sqs", SCHEMA + SECOND) == []
    with db.transaction() as tx:
        tx.execute("INSERT INTO sqs_messages (queue, id, body) VALUES (?, ?, ?)", ("q", "m", "hi"))
        assert tx.execute("SELECT visible_at FROM sqs_messages") == [(0,)]


def test_editing_an_applied_step_is_refused(db: Database) -> None:
    migrate(db, "sqs", SCHEMA)
    with pytest.raises(MigrationError):
        migrate(db, "sqs", SCHEMA.replace("body  TEXT", "body  BLOB"))


def test_a_failing_step_leaves_nothing_behind(db: Database) -> None:
    broken = "CREATE TABLE half (a TEXT);\nCREATE TABLE broken (;\n"
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, "broken", broken)
    with db.transaction() as tx:
        assert tx.execute("SELECT name FROM sqlite_master WHERE name = 'half'") == []
        assert tx.execute("SELECT * FROM schema_versions WHERE service = 'broken'") == []


def test_steps_must_count_up() -> None:
    assert [s.version for s in parse_steps(SCHEMA + SECOND)] == [1, 2]
    with pytest.raises(MigrationError):
        parse_steps(SCHEMA + "-- migration: 3\nSELECT 1;\n")


def test_split_statements_keeps_triggers_whole() -> None:
    script = """
CREATE TABLE a (x INTEGER);
CREATE TRIGGER a_t AFTER INSERT ON a BEGIN
    UPDATE a SET x = x + 1;
END;
-- a comment only
"""
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_concurrent_migrations_apply_once(db: Database) -> None:
    results: list[list[int]] = []
    threads = [threading.Thread(target=lambda: results.append(migrate(db, "sqs", SCHEMA))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [[]] * 5 + [[1]]
