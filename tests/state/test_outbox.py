"""The outbox: after-commit deliveries, in order, retried, surviving restarts."""

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fogbank.clock import Clock
from fogbank.state import Database, open_database
from fogbank.state.outbox import Outbox, drain


def _pending(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction(write=False) as tx:
        return tx.execute("SELECT topic, attempts FROM outbox ORDER BY id")


def test_enqueued_rows_commit_with_the_transaction(db: Database) -> None:
    with db.transaction() as tx:
        tx.enqueue("sqs.send", {"n": 1})
        assert tx.enqueued
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.enqueue("sqs.send", {"n": 2})
            raise RuntimeError
    with db.transaction() as tx:
        assert not tx.enqueued
    assert _pending(db) == [("sqs.send", 0)]


def test_drain_delivers_in_order_and_deletes(db: Database) -> None:
    clock = Clock(db)
    for n in range(250):  # more than one claimed batch
        with db.transaction() as tx:
            tx.enqueue("sqs.send" if n % 2 else "sns.publish", {"n": n})
    seen: list[tuple[str, int]] = []
    consumers = {
        "sqs.send": lambda p: seen.append(("sqs", p["n"])),
        "sns.publish": lambda p: seen.append(("sns", p["n"])),
    }
    assert drain(db, consumers, clock=clock) == 250
    assert [n for _, n in seen] == list(range(250))
    assert _pending(db) == []
    assert drain(db, consumers, clock=clock) == 0


def test_rows_without_a_consumer_wait(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("lambda.invoke", {"n": 1})
        tx.enqueue("sqs.send", {"n": 2})
    seen: list[int] = []
    assert drain(db, {"sqs.send": lambda p: seen.append(p["n"])}, clock=clock) == 1
    assert _pending(db) == [("lambda.invoke", 0)]
    assert drain(db, {"lambda.invoke": lambda p: seen.append(p["n"])}, clock=clock) == 1
    assert seen == [2, 1]


def test_a_failing_delivery_backs_off_on_the_clock_and_does_not_block_others(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("flaky", {"n": 1})
        tx.enqueue("ok", {"n": 2})
    calls: list[int] = []
    healthy = threading.Event()

    def flaky(payload: dict[str, Any]) -> None:
        calls.append(payload["n"])
        if not healthy.is_set():
            raise ConnectionError("endpoint down")

    consumers = {"flaky": flaky, "ok": lambda p: calls.append(p["n"])}
    assert drain(db, consumers, clock=clock) == 1
    assert calls == [1, 2]
    assert _pending(db) == [("flaky", 1)]
    with db.transaction() as tx:
        assert "endpoint down" in tx.execute("SELECT last_error FROM outbox")[0][0]

    assert drain(db, consumers, clock=clock) == 0  # not due yet: the backoff is on the clock
    assert calls == [1, 2]
    clock.advance(timedelta(seconds=1.5))
    assert drain(db, consumers, clock=clock) == 0  # due, fails again, backs off further
    assert _pending(db) == [("flaky", 2)]
    healthy.set()
    clock.advance(timedelta(minutes=5))
    assert drain(db, consumers, clock=clock) == 1
    assert calls == [1, 2, 1, 1]
    assert _pending(db) == []


def test_a_delivery_that_keeps_failing_is_dropped(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("broken", {})

    def broken(payload: dict[str, Any]) -> None:
        raise ValueError("always")

    for _ in range(3):
        drain(db, {"broken": broken}, clock=clock, max_attempts=3)
        clock.advance(timedelta(hours=2))
    assert _pending(db) == []


def test_undelivered_rows_survive_a_restart(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    with db.transaction() as tx:
        tx.enqueue("sqs.send", {"n": 1})
        tx.enqueue("sqs.send", {"n": 2})
    failed_once = Clock(db)
    drain(db, {"sqs.send": _fail_on(2)}, clock=failed_once)
    db.close()

    db = open_database(tmp_path, fsync=False)
    clock = Clock(db)
    clock.advance(timedelta(minutes=1))
    seen: list[int] = []
    assert drain(db, {"sqs.send": lambda p: seen.append(p["n"])}, clock=clock) == 1
    assert seen == [2]
    db.close()


def _fail_on(n: int) -> Any:
    def consumer(payload: dict[str, Any]) -> None:
        if payload["n"] == n:
            raise RuntimeError("fail")

    return consumer


def test_a_drainer_that_died_mid_delivery_leaves_the_row_for_later(db: Database) -> None:
    from fogbank.state import outbox

    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("t", {"n": 1})

    class Died(BaseException):
        pass

    def dies(payload: dict[str, Any]) -> None:
        raise Died

    with pytest.raises(Died):
        drain(db, {"t": dies}, clock=clock)
    seen: list[int] = []
    assert drain(db, {"t": lambda p: seen.append(p["n"])}, clock=clock) == 0  # leased
    with db.transaction() as tx:  # the lease runs out (wall-clock time)
        tx.execute("UPDATE outbox SET lease_until = lease_until - ?", (outbox.LEASE_SECONDS + 1,))
    assert drain(db, {"t": lambda p: seen.append(p["n"])}, clock=clock) == 1
    assert seen == [1]


def test_outbox_kick_from_many_threads_delivers_each_row_once(db: Database) -> None:
    clock = Clock(db)
    seen: list[int] = []
    lock = threading.Lock()

    def consume(payload: dict[str, Any]) -> None:
        with lock:
            seen.append(payload["n"])

    box = Outbox(db, clock, {"t": consume})

    def request(n: int) -> None:
        with db.transaction() as tx:
            tx.enqueue("t", {"n": n})
        box.kick()

    threads = [threading.Thread(target=request, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    box.kick()
    assert sorted(seen) == list(range(40))
    assert _pending(db) == []


def test_a_row_carries_its_own_retry_policy(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("hook", {"_max_attempts": 3, "_delays": [0, 20]})
    calls: list[int] = []

    def down(payload: dict[str, Any]) -> None:
        calls.append(1)
        raise ConnectionError("down")

    drain(db, {"hook": down}, clock=clock)
    assert drain(db, {"hook": down}, clock=clock) == 0  # the first retry has no delay: tried again at once
    assert len(calls) == 2 and _pending(db) == [("hook", 2)]
    clock.advance(timedelta(seconds=19))
    drain(db, {"hook": down}, clock=clock)
    assert len(calls) == 2  # the second waits 20 s, not the default backoff
    clock.advance(timedelta(seconds=1))
    drain(db, {"hook": down}, clock=clock)
    assert len(calls) == 3 and _pending(db) == []  # three attempts in all


def test_a_row_that_runs_out_of_attempts_goes_to_its_topics_give_up_job(db: Database) -> None:
    from fogbank.scheduler import run_due

    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("hook", {"n": 7, "_max_attempts": 1})
        tx.enqueue("other", {"n": 8, "_max_attempts": 1})

    def down(payload: dict[str, Any]) -> None:
        raise ConnectionError("down")

    drain(db, {"hook": down, "other": down}, clock=clock, give_up={"hook": "svc.dead-letter"})
    assert _pending(db) == []
    taken: list[dict[str, Any]] = []
    assert run_due(db, clock, {"svc.dead-letter": lambda tx, p: taken.append(p)}) == 1
    assert [(p["n"], p["_failed_at"]) for p in taken] == [(7, pytest.approx(clock.time(), abs=5))]


def test_outbox_passes_its_give_up_kinds_to_drain(db: Database) -> None:
    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("hook", {"_max_attempts": 1})

    def down(payload: dict[str, Any]) -> None:
        raise ConnectionError("down")

    Outbox(db, clock, {"hook": down}, {"hook": "svc.dead-letter"}).kick()
    with db.transaction(write=False) as tx:
        assert [job.kind for job in tx.due_jobs(clock.time(), ["svc.dead-letter"], 10)] == ["svc.dead-letter"]


def test_a_consumer_that_gives_up_skips_the_remaining_attempts(db: Database) -> None:
    from fogbank.state.outbox import GiveUp

    clock = Clock(db)
    with db.transaction() as tx:
        tx.enqueue("hook", {"n": 1})

    def refused(payload: dict[str, Any]) -> None:
        raise GiveUp("403")

    drain(db, {"hook": refused}, clock=clock, give_up={"hook": "svc.dead-letter"})
    assert _pending(db) == []
    with db.transaction(write=False) as tx:
        assert [job.payload["n"] for job in tx.due_jobs(clock.time(), ["svc.dead-letter"], 10)] == [1]
