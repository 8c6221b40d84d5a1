"""The SQLite backend: transactions, documents, concurrency."""

import sqlite3
import threading
from pathlib import Path

import pytest

from fogbank.state import ConflictError, Database, IntegrityError, ReadOnlyError, open_database


def test_commit_on_exit_and_rollback_on_exception(db: Database) -> None:
    with db.transaction() as tx:
        tx.put_doc("iam", "user", "1", "", "alice", {"UserName": "alice"})
    with pytest.raises(KeyError):
        with db.transaction() as tx:
            tx.put_doc("iam", "user", "1", "", "bob", {"UserName": "bob"})
            tx.delete_doc("iam", "user", "1", "", "alice")
            raise KeyError("handler failed")
    with db.transaction(write=False) as tx:
        assert tx.get_doc("iam", "user", "1", "", "alice") == {"UserName": "alice"}
        assert tx.get_doc("iam", "user", "1", "", "bob") is None


def test_committed_state_survives_reopening(tmp_path: Path) -> None:
    first = open_database(tmp_path, fsync=True)
    with first.transaction() as tx:
        tx.put_doc("sqs", "queue", "1", "us-east-1", "q", {"n": 1})
    first.close()
    second = open_database(tmp_path, fsync=True)
    with second.transaction() as tx:
        assert tx.get_doc("sqs", "queue", "1", "us-east-1", "q") == {"n": 1}
    second.close()


def test_transaction_is_lazy(db: Database) -> None:
    # An idle write transaction holds no lock: another thread commits meanwhile.
    with db.transaction() as idle:
        other = threading.Thread(target=_put, args=(db, "x"))
        other.start()
        other.join(5)
        assert not other.is_alive()
        assert not idle.begun  # type: ignore[attr-defined]


def _put(db: Database, name: str) -> None:
    with db.transaction() as tx:
        tx.put_doc("s", "k", "a", "r", name, {})


def test_docs_crud(db: Database) -> None:
    with db.transaction() as tx:
        assert tx.delete_doc("s", "k", "a", "r", "n") is False
        tx.put_doc("s", "k", "a", "r", "n", {"v": 1, "nested": {"ü": [1, None, True]}})
        tx.put_doc("s", "k", "a", "r", "n", {"v": 2})
        tx.put_doc("s", "k", "a", "other-region", "n", {"v": 3})
        tx.put_doc("s", "k", "b", "r", "n", {"v": 4})
        tx.put_doc("s", "other-kind", "a", "r", "n", {"v": 5})
        assert tx.get_doc("s", "k", "a", "r", "n") == {"v": 2}
        assert tx.delete_doc("s", "k", "a", "r", "n") is True
        assert tx.get_doc("s", "k", "a", "r", "n") is None
        assert tx.get_doc("s", "k", "a", "other-region", "n") == {"v": 3}


def test_list_docs_orders_filters_and_paginates(db: Database) -> None:
    names = ["b", "a", "ab", "a%", "a_", "A", "abc", "b\U0010ffff", "c", "é"]
    with db.transaction() as tx:
        for name in names:
            tx.put_doc("s", "k", "a", "r", name, {"name": name})
        tx.put_doc("s", "k", "other", "r", "a0", {})

    with db.transaction(write=False) as tx:
        everything = [name for name, _ in tx.list_docs("s", "k", "a", "r")]
        assert everything == sorted(names)
        assert [n for n, _ in tx.list_docs("s", "k", "a", "r", prefix="a")] == ["a", "a%", "a_", "ab", "abc"]
        assert [n for n, _ in tx.list_docs("s", "k", "a", "r", prefix="b")] == ["b", "b\U0010ffff"]
        assert [n for n, _ in tx.list_docs("s", "k", "a", "r", prefix="a_")] == ["a_"]
        assert tx.list_docs("s", "k", "a", "r", prefix="zz") == []

        pages: list[str] = []
        after = None
        while True:
            page = tx.list_docs("s", "k", "a", "r", after=after, limit=3)
            pages += [name for name, _ in page]
            if len(page) < 3:
                break
            after = page[-1][0]
        assert pages == everything
        assert [n for n, _ in tx.list_docs("s", "k", "a", "r", prefix="a", after="a_", limit=10)] == [
            "ab",
            "abc",
        ]
        assert tx.list_docs("s", "k", "a", "r", prefix="a", after="ab")[0] == ("abc", {"name": "abc"})


def test_execute_returns_rows_and_rowcount(db: Database) -> None:
    with db.transaction() as tx:
        tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
        assert tx.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 3)]) == 3
        assert tx.execute("UPDATE t SET v = v + 1 WHERE v >= ?", (2,)).rowcount == 2
        assert tx.execute("SELECT k, v FROM t ORDER BY k") == [("a", 1), ("b", 3), ("c", 4)]
        assert tx.fetchone("SELECT v FROM t WHERE k = ?", ("c",)) == (4,)
        assert tx.fetchone("SELECT v FROM t WHERE k = ?", ("z",)) is None
        with pytest.raises(IntegrityError):
            tx.execute("INSERT INTO t (k, v) VALUES (?, ?)", ("a", 9))
        # The failed statement does not end the transaction.
        tx.execute("INSERT INTO t (k, v) VALUES (?, ?)", ("d", 5))
    with db.transaction() as tx:
        assert tx.fetchone("SELECT COUNT(*) FROM t") == (4,)


def test_read_only_transaction_refuses_writes(db: Database) -> None:
    with pytest.raises(ReadOnlyError):
        with db.transaction(write=False) as tx:
            tx.get_doc("s", "k", "a", "r", "n")
            tx.put_doc("s", "k", "a", "r", "n", {})


def test_nested_transaction_on_one_thread_is_refused(db: Database) -> None:
    with db.transaction():
        with pytest.raises(RuntimeError):
            with db.transaction():
                pass
    with db.transaction() as tx:  # the failed attempt left the thread usable
        tx.put_doc("s", "k", "a", "r", "n", {})


def test_statement_outside_with_is_refused(db: Database) -> None:
    with pytest.raises(RuntimeError):
        db.transaction().get_doc("s", "k", "a", "r", "n")


def test_after_commit_runs_only_after_commit(db: Database) -> None:
    seen: list[str] = []
    with db.transaction() as tx:
        tx.put_doc("s", "k", "a", "r", "n", {})
        tx.after_commit(lambda: seen.append("committed"))
        assert seen == []
    assert seen == ["committed"]
    with pytest.raises(ValueError):
        with db.transaction() as tx:
            tx.put_doc("s", "k", "a", "r", "m", {})
            tx.after_commit(lambda: seen.append("rolled back"))
            raise ValueError
    assert seen == ["committed"]


def test_concurrent_writers_lose_no_update(db: Database) -> None:
    # Read-modify-write from many threads: BEGIN IMMEDIATE serializes them, so no increment is lost
    # and no transaction fails to upgrade its lock.
    threads, rounds = 8, 150
    with db.transaction() as tx:
        tx.put_doc("s", "counter", "a", "r", "n", {"value": 0})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(rounds):
                with db.transaction() as tx:
                    doc = tx.get_doc("s", "counter", "a", "r", "n")
                    assert doc is not None
                    tx.put_doc("s", "counter", "a", "r", "n", {"value": doc["value"] + 1})
        except BaseException as error:  # surfaced below
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with db.transaction(write=False) as tx:
        assert tx.get_doc("s", "counter", "a", "r", "n") == {"value": threads * rounds}


def test_readers_see_a_snapshot_while_a_writer_commits(db: Database) -> None:
    _put(db, "before")
    with db.transaction(write=False) as tx:
        assert len(tx.list_docs("s", "k", "a", "r")) == 1
        writer = threading.Thread(target=_put, args=(db, "during"))
        writer.start()
        writer.join(5)
        assert not writer.is_alive()
        assert len(tx.list_docs("s", "k", "a", "r")) == 1
    with db.transaction(write=False) as tx:
        assert len(tx.list_docs("s", "k", "a", "r")) == 2


def test_lock_held_elsewhere_surfaces_as_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fogbank.state import sqlite as backend

    monkeypatch.setattr(backend, "BUSY_TIMEOUT_MS", 50)
    db = open_database(tmp_path, fsync=False)
    holder = sqlite3.connect(tmp_path / backend.DB_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ConflictError):
            with db.transaction() as tx:
                tx.put_doc("s", "k", "a", "r", "n", {})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _put(db, "n")
    db.close()


def test_wal_and_synchronous_follow_fsync(tmp_path: Path) -> None:
    for fsync, level in ((False, 1), (True, 2)):
        db = open_database(tmp_path / str(fsync), fsync=fsync)
        with db.transaction() as tx:
            assert tx.fetchone("PRAGMA journal_mode") == ("wal",)
            assert tx.fetchone("PRAGMA synchronous") == (level,)
        db.close()


def test_doc_generation_changes_with_every_write_of_its_service_and_account(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    with db.transaction() as tx:
        assert tx.doc_generation("iam", "111") == 0
        tx.put_doc("iam", "user", "111", "", "bob", {"n": 1})
        first = tx.doc_generation("iam", "111")
        tx.put_doc("iam", "user", "222", "", "bob", {"n": 1})
        tx.put_doc("sqs", "queue", "111", "us-east-1", "q", {})
        assert tx.doc_generation("iam", "111") == first
        assert not tx.delete_doc("iam", "user", "111", "", "nobody")
        assert tx.doc_generation("iam", "111") == first
        assert tx.delete_doc("iam", "user", "111", "", "bob")
        assert tx.doc_generation("iam", "111") > first
    db.close()
