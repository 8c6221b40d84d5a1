"""The write version and the cache that services keep documents in between requests."""

from __future__ import annotations

from collections.abc import Callable

from fogbank.state.kept import VersionedCache, WriteVersion


class _Tx:
    """What the cache and the version use of a transaction: whether it has read, and its commit hooks."""

    def __init__(self, begun: bool = False) -> None:
        self.begun = begun
        self.hooks: list[Callable[[], object]] = []

    def after_commit(self, hook: Callable[[], object]) -> None:
        self.hooks.append(hook)

    def commit(self) -> None:
        for hook in self.hooks:
            hook()


def test_a_value_is_kept_until_a_write_commits() -> None:
    version = WriteVersion()
    cache: VersionedCache[str, str] = VersionedCache(version, 10)
    reads: list[str] = []

    def read(key: str) -> str:
        reads.append(key)
        return f"{key}@{len(reads)}"

    assert cache.get(_Tx(), "q", read, "q") == "q@1"
    assert cache.get(_Tx(), "q", read, "q") == "q@1"
    writer = _Tx()
    dropped: list[str] = []
    version.written(writer, lambda: dropped.append("q"))
    assert cache.get(_Tx(), "q", read, "q") == "q@1"  # not committed yet
    writer.commit()
    assert dropped == ["q"]
    assert cache.get(_Tx(), "q", read, "q") == "q@2"
    assert reads == ["q", "q"]


def test_a_transaction_that_had_read_before_does_not_keep_what_it_reads() -> None:
    cache: VersionedCache[str, int] = VersionedCache(WriteVersion(), 10)
    counter = iter(range(100))
    assert cache.get(_Tx(begun=True), "k", next, counter) == 0
    assert cache.get(_Tx(begun=True), "k", next, counter) == 1
    assert cache.get(_Tx(), "k", next, counter) == 2
    assert cache.get(_Tx(begun=True), "k", next, counter) == 2


def test_a_full_cache_starts_over() -> None:
    cache: VersionedCache[int, int] = VersionedCache(WriteVersion(), 2)
    reads: list[int] = []

    def read(key: int) -> int:
        reads.append(key)
        return key

    for key in (1, 2, 3, 1):
        cache.get(_Tx(), key, read, key)
    assert reads == [1, 2, 3, 1]
