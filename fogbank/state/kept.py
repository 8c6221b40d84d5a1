"""What services keep in memory of their documents between requests, and when it goes stale.

A hot path (a publish, a send, the authorize stage) should not read the same queue, topic or policy from
the database on every request. A `WriteVersion` guards a kind of document: every transaction that writes
one calls `written`, and once it commits the version moves to a value it never had. A `VersionedCache`
keeps values read under a version and answers them while the version is unchanged.

A value is kept only when the transaction that read it had read nothing before the version was taken, so
what it read is at least as new as that version; a transaction that began earlier reads without keeping.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from fogbank.state import Transaction

__all__ = ["WriteVersion", "VersionedCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class WriteVersion:
    __slots__ = ("_values", "value")

    def __init__(self) -> None:
        self._values = itertools.count(1)
        self.value = 0

    def written(self, tx: Transaction, then: Callable[[], object] | None = None) -> None:
        """What this version guards was written in `tx`: once `tx` commits, `then` runs (to drop what is
        kept elsewhere) and the version moves."""

        def move() -> None:
            if then is not None:
                then()
            self.value = next(self._values)  # next() on a count is atomic: two writers never share a value

        tx.after_commit(move)


class VersionedCache(Generic[K, V]):
    """Values by key, each answered while `version` has not moved since it was read. Values are shared
    between requests: callers must not change them."""

    __slots__ = ("_version", "_size", "_entries")

    def __init__(self, version: WriteVersion, size: int) -> None:
        self._version = version
        self._size = size
        self._entries: dict[K, tuple[int, V]] = {}

    def get(self, tx: Transaction, key: K, read: Callable[..., V], *args: Any) -> V:
        """The value kept for `key`, or `read(*args)` in `tx` (kept if `tx` had read nothing yet)."""
        seen = self._version.value
        cached = self._entries.get(key)
        if cached is not None and cached[0] == seen:
            return cached[1]
        fresh = not tx.begun
        value = read(*args)
        if fresh:
            if len(self._entries) >= self._size:
                self._entries.clear()
            self._entries[key] = (seen, value)
        return value
