"""The one clock: real time plus an offset that `fogbank clock` moves, for every service at once.

The offset is stored in the database (`settings`, key `clock.offset`, seconds) so that time moved
forward stays moved across restarts, and it is cached in memory because every request reads the
clock: `now()` costs one system call and one addition.

Several nodes sharing one database each cache the offset: a node learns of another node's change
on `reload()` (the scheduler's tick is a natural place). Moving the clock is rare and deliberate,
so a node may lag by one tick; timers are stored as timestamps and evaluated against whichever
clock reads them, so nothing is lost, only noticed a moment later.
"""

from __future__ import annotations

import re
import threading
import time as _time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.state import Database

__all__ = ["Clock", "parse_duration"]

OFFSET_KEY = "clock.offset"

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")


def parse_duration(text: str) -> timedelta:
    """'30d', '12h', '90m', '45s', '1w', '1d12h' (units w d h m s, largest first); '-' goes back."""
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    parts = _PART.findall(body)
    if not parts or "".join(n + u for n, u in parts) != body:
        raise ValueError(f"not a duration: {text!r} (try 30d, 12h, 90m, 45s, 1w or 1d12h)")
    units = [u for _, u in parts]
    if len(set(units)) != len(units) or units != sorted(units, key=lambda u: -_UNITS[u]):
        raise ValueError(f"not a duration: {text!r} (each unit once, largest first)")
    return timedelta(seconds=sign * sum(float(n) * _UNITS[u] for n, u in parts))


class Clock:
    """fogbank's time. Without a database (unit tests of pure code) the offset lives in memory only."""

    def __init__(self, db: Database | None = None) -> None:
        self._db = db
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], object]] = []
        self.reload()

    @property
    def offset(self) -> float:
        """Seconds fogbank's time is ahead of real time (negative: behind)."""
        return self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(_time.time() + self._offset, UTC)

    def time(self) -> float:
        """Seconds since the epoch on fogbank's clock."""
        return _time.time() + self._offset

    def advance(self, delta: timedelta) -> None:
        self._store(self._offset + delta.total_seconds())

    def set(self, when: datetime) -> None:
        """Make now() read `when` (then keep running); a naive `when` is taken as UTC."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        self._store(when.timestamp() - _time.time())

    def reset(self) -> None:
        self._store(0.0)

    def reload(self) -> None:
        """Read the offset from the database again (another node may have moved it)."""
        if self._db is None:
            return
        with self._db.transaction(write=False) as tx:
            stored = tx.get_setting(OFFSET_KEY)
        offset = float(stored) if stored is not None else 0.0
        if offset != self._offset:
            self._offset = offset
            self._notify()

    def subscribe(self, listener: Callable[[], object]) -> None:
        """Call `listener` after every change of the offset (the scheduler pokes itself)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], object]) -> None:
        self._listeners.remove(listener)

    def _store(self, offset: float) -> None:
        with self._lock:
            if self._db is not None:
                with self._db.transaction() as tx:
                    tx.put_setting(OFFSET_KEY, repr(offset))
            self._offset = offset
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
