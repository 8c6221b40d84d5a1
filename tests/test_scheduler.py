"""The scheduler: timed work as rows, run when fogbank's clock says so."""

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fogbank.clock import Clock
from fogbank.scheduler import Scheduler, cancel, run_due, schedule
from fogbank.state import Database, Transaction, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, fsync=False)
    yield database
    database.close()


def test_jobs_run_when_the_clock_reaches_them(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    clock = Clock(db)
    ran: list[str] = []

    def expire(tx: Transaction, payload: dict[str, Any]) -> None:
        ran.append(payload["object"])
        tx.delete_doc("s3", "object", "1", "us-east-1", payload["object"])

    with db.transaction() as tx:
        tx.put_doc("s3", "object", "1", "us-east-1", "old", {})
        schedule(tx, "s3.expire", "old", clock.now() + timedelta(days=30), {"object": "old"})
        schedule(tx, "s3.expire", "new", clock.now() + timedelta(days=90), {"object": "new"})

    handlers = {"s3.expire": expire}
    assert run_due(db, clock, handlers) == 0
    clock.advance(timedelta(days=31))
    assert run_due(db, clock, handlers) == 1
    assert ran == ["old"]
    with db.transaction() as tx:
        assert tx.get_doc("s3", "object", "1", "us-east-1", "old") is None
    assert run_due(db, clock, handlers) == 0
    db.close()

    db = open_database(tmp_path, fsync=False)  # the other job survives a restart, clock too
    clock = Clock(db)
    clock.advance(timedelta(days=60))
    assert run_due(db, clock, handlers) == 1
    assert ran == ["old", "new"]
    db.close()


def test_schedule_again_moves_the_job_and_cancel_removes_it(db: Database) -> None:
    clock = Clock(db)
    ran: list[int] = []
    handlers = {"k": lambda tx, p: ran.append(p["v"])}
    with db.transaction() as tx:
        schedule(tx, "k", "a", clock.now() + timedelta(hours=1), {"v": 1})
        schedule(tx, "k", "a", clock.now() + timedelta(hours=3), {"v": 2})
        schedule(tx, "k", "b", clock.now() + timedelta(hours=1), {"v": 3})
        assert cancel(tx, "k", "b") is True
        assert cancel(tx, "k", "b") is False
    clock.advance(timedelta(hours=2))
    assert run_due(db, clock, handlers) == 0
    clock.advance(timedelta(hours=2))
    assert run_due(db, clock, handlers) == 1
    assert ran == [2]


def test_a_handler_may_reschedule_its_own_job(db: Database) -> None:
    clock = Clock(db)
    rotations: list[float] = []

    def rotate(tx: Transaction, payload: dict[str, Any]) -> None:
        rotations.append(clock.time())
        schedule(tx, "secretsmanager.rotate", payload["secret"], clock.now() + timedelta(days=365), payload)

    handlers = {"secretsmanager.rotate": rotate}
    with db.transaction() as tx:
        schedule(tx, "secretsmanager.rotate", "s1", clock.now() + timedelta(days=365), {"secret": "s1"})
    clock.advance(timedelta(days=366))
    assert run_due(db, clock, handlers) == 1
    assert run_due(db, clock, handlers) == 0  # rescheduled a year on, not lost and not repeated
    clock.advance(timedelta(days=365))
    assert run_due(db, clock, handlers) == 1
    assert len(rotations) == 2


def test_a_job_rescheduled_into_the_past_runs_once_per_call(db: Database) -> None:
    clock = Clock(db)
    count = 0

    def again(tx: Transaction, payload: dict[str, Any]) -> None:
        nonlocal count
        count += 1
        schedule(tx, "again", "x", clock.now() - timedelta(seconds=1))

    with db.transaction() as tx:
        schedule(tx, "again", "x", clock.now())
    assert run_due(db, clock, {"again": again}) == 1
    assert count == 1


def test_a_failing_handler_rolls_back_and_retries_later(db: Database) -> None:
    clock = Clock(db)
    healthy = False

    def flaky(tx: Transaction, payload: dict[str, Any]) -> None:
        tx.put_doc("s", "k", "a", "r", "side-effect", {})
        if not healthy:
            raise RuntimeError("not yet")

    with db.transaction() as tx:
        schedule(tx, "flaky", "x", clock.now())
    assert run_due(db, clock, {"flaky": flaky}) == 0
    with db.transaction() as tx:
        assert tx.get_doc("s", "k", "a", "r", "side-effect") is None
        assert tx.execute("SELECT attempts FROM jobs") == [(1,)]
    assert run_due(db, clock, {"flaky": flaky}) == 0  # backing off
    healthy = True
    clock.advance(timedelta(minutes=1))
    assert run_due(db, clock, {"flaky": flaky}) == 1
    with db.transaction() as tx:
        assert tx.get_doc("s", "k", "a", "r", "side-effect") == {}
        assert tx.execute("SELECT COUNT(*) FROM jobs") == [(0,)]


def test_jobs_without_a_handler_wait(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        schedule(tx, "unknown", "x", clock.now())
    assert run_due(db, clock, {}) == 0
    assert run_due(db, clock, {"unknown": lambda tx, p: None}) == 1


def test_concurrent_runners_run_each_job_once(db: Database) -> None:
    clock = Clock(db)
    ran: list[str] = []
    lock = threading.Lock()

    def record(tx: Transaction, payload: dict[str, Any]) -> None:
        with lock:
            ran.append(payload["k"])

    with db.transaction() as tx:
        for n in range(100):
            schedule(tx, "k", str(n), clock.now(), {"k": str(n)})
    runners = [threading.Thread(target=run_due, args=(db, clock, {"k": record})) for _ in range(4)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sorted(ran) == sorted(str(n) for n in range(100))


def test_the_scheduler_thread_runs_jobs_when_the_clock_moves(db: Database) -> None:
    clock = Clock(db)
    done = threading.Event()
    ticks: list[int] = []
    with db.transaction() as tx:
        schedule(tx, "k", "x", clock.now() + timedelta(days=7))
    scheduler = Scheduler(
        db, clock, {"k": lambda tx, p: done.set()}, interval=3600, also=[lambda: ticks.append(1)]
    )
    with scheduler:
        assert not done.wait(0.2)
        clock.advance(timedelta(days=8))  # pokes the scheduler: no waiting for the hourly tick
        assert done.wait(5)
    assert len(ticks) >= 2
