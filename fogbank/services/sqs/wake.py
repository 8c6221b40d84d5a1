"""Waking long polls: a per-queue condition that a committed send (or a clock move) signals.

A long-polling ReceiveMessage registers a `Watch` on its queue before its first attempt, so a send
that commits between an attempt and the wait is never missed: the watch's version has moved and the
wait returns at once. Nothing here is state: a lost wake-up only delays a receive until its next
attempt, which the poll makes at the latest when its wait ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Watch", "signal", "watch"]

_lock = threading.Lock()


class _Slot:
    __slots__ = ("condition", "version", "watchers")

    def __init__(self) -> None:
        self.condition = threading.Condition(_lock)
        self.version = 0
        self.watchers = 0


_slots: dict[str, _Slot] = {}


class Watch:
    def __init__(self, slot: _Slot) -> None:
        self._slot = slot
        self._seen = slot.version

    def wait(self, timeout: float) -> None:
        """Return once the queue was signalled since the last wait, or after `timeout` seconds."""
        slot = self._slot
        with _lock:
            if slot.version == self._seen and timeout > 0:
                slot.condition.wait(timeout)
            self._seen = slot.version

    def poke(self) -> None:
        """Wake this watch's queue (the clock moved: messages may have become visible)."""
        with _lock:
            self._slot.version += 1
            self._slot.condition.notify_all()


def signal(queue_arn: str) -> None:
    """A message may be receivable on `queue_arn` now; call after the commit that made it so."""
    with _lock:
        slot = _slots.get(queue_arn)
        if slot is not None:
            slot.version += 1
            slot.condition.notify_all()


@contextmanager
def watch(queue_arn: str) -> Iterator[Watch]:
    with _lock:
        slot = _slots.get(queue_arn)
        if slot is None:
            slot = _slots[queue_arn] = _Slot()
        slot.watchers += 1
    try:
        yield Watch(slot)
    finally:
        with _lock:
            slot.watchers -= 1
            if slot.watchers == 0:
                del _slots[queue_arn]
