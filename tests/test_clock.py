"""fogbank's clock: an offset over real time, persisted, and the durations `fogbank clock` takes."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fogbank.clock import Clock, parse_duration
from fogbank.state import open_database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
        ("1w", timedelta(weeks=1)),
        ("366d", timedelta(days=366)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("2w3d4h5m6s", timedelta(weeks=2, days=3, hours=4, minutes=5, seconds=6)),
        ("1.5h", timedelta(minutes=90)),
        ("-1d", timedelta(days=-1)),
        (" 10m ", timedelta(minutes=10)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "10", "10x", "1h1d", "1d1d", "1d 12h", "abc", "1dd"])
def test_parse_duration_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_now_is_real_time_plus_offset() -> None:
    clock = Clock()
    assert clock.offset == 0
    assert abs(clock.time() - time.time()) < 1
    now = clock.now()
    assert now.tzinfo is UTC
    clock.advance(timedelta(days=366))
    assert clock.offset == pytest.approx(366 * 86400)
    assert clock.now() - now >= timedelta(days=366)
    assert clock.time() - time.time() == pytest.approx(366 * 86400, abs=1)
    clock.reset()
    assert clock.offset == 0


def test_set_jumps_to_a_moment_and_keeps_running() -> None:
    clock = Clock()
    target = datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)
    clock.set(target)
    assert abs(clock.now() - target) < timedelta(seconds=1)
    clock.set(datetime(2031, 2, 3))  # naive means UTC
    assert abs(clock.now() - datetime(2031, 2, 3, tzinfo=UTC)) < timedelta(seconds=1)


def test_offset_survives_a_restart(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    Clock(db).advance(parse_duration("30d"))
    db.close()
    db = open_database(tmp_path, fsync=False)
    clock = Clock(db)
    assert clock.offset == pytest.approx(30 * 86400)
    clock.reset()
    assert Clock(db).offset == 0
    db.close()


def test_listeners_hear_every_move_and_reload_sees_another_node(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    here, there = Clock(db), Clock(db)
    moves: list[float] = []
    here.subscribe(lambda: moves.append(here.offset))
    there.advance(timedelta(hours=1))
    assert here.offset == 0  # cached until reloaded
    here.reload()
    assert here.offset == pytest.approx(3600)
    here.advance(timedelta(hours=1))
    assert moves == [pytest.approx(3600), pytest.approx(7200)]
    db.close()
