"""The long run `dynamodb_memory_1m`: a server's resident memory while one DynamoDB table grows.

It is not part of the default run (`--long` or `--workload dynamodb_memory_1m` selects it) and it runs
on a server with nothing else in it. Client threads put ~200-byte items (`workloads_dynamodb.item`, 100
to a partition) with BatchWriteItem of 25 into one table until it holds `items` (1,000,000 unless told);
the server's RSS, the disk its open files take, elapsed time and CPU time are read when the table is
empty and at a quarter, half and all of the items, with the writers stopped at each reading.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import ClientError

from bench.measure import Skipped, client_factory, refusal
from bench.procfs import tree_cpu_seconds, tree_open_file_bytes, tree_rss_bytes
from bench.servers import Running
from bench.workloads_dynamodb import batch_write, create_table, item

__all__ = ["MEMORY_WORKLOAD", "Checkpoint", "GrowthResult", "grow_table"]

MEMORY_WORKLOAD = "dynamodb_memory_1m"
_TABLE = "bench-memory"


@dataclass(frozen=True)
class Checkpoint:
    """One reading: the table's size and the server's figures when it had that many items."""

    items: int
    rss_bytes: int
    file_bytes: int
    """Disk taken by the files the server holds open (where a server that keeps state in files keeps it)."""
    seconds: float
    """Wall time since the table was created."""
    cpu_seconds: float
    """Server CPU time since the table was created."""


@dataclass
class GrowthResult:
    """The readings of one server, the first at 0 items."""

    threads: int
    checkpoints: list[Checkpoint]
    calls: int
    """BatchWriteItem calls, resent unprocessed items included."""

    def summary(self) -> dict[str, object]:
        """The figures, for JSON."""
        return {
            "threads": self.threads,
            "batch_write_item_calls": self.calls,
            "checkpoints": [
                {
                    "items": point.items,
                    "rss_mib": point.rss_bytes / (1 << 20),
                    "open_files_mib": point.file_bytes / (1 << 20),
                    "seconds": point.seconds,
                    "cpu_seconds": point.cpu_seconds,
                }
                for point in self.checkpoints
            ],
        }


def _write_range(running: Running, first: int, end: int, threads: int) -> int:
    """Put items `first` to `end - 1`, split into contiguous shares between the threads; calls made."""
    make_client = client_factory(running.endpoint)
    clients = [make_client("dynamodb") for _ in range(threads)]
    bounds = [first + (end - first) * t // threads for t in range(threads + 1)]
    calls = [0] * threads
    errors: list[BaseException] = []

    def work(index: int) -> None:
        items = (item(f"p{n // 100:06d}", n) for n in range(bounds[index], bounds[index + 1]))
        try:
            calls[index] = batch_write(clients[index], _TABLE, items)
        except BaseException as error:  # re-raised in the calling thread below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return sum(calls)


def grow_table(
    running: Running, *, items: int, threads: int, progress: Callable[[str], None]
) -> GrowthResult:
    """Create the table on `running` and fill it to `items`, reading the server's figures on the way."""
    try:
        create_table(client_factory(running.endpoint)("dynamodb"), _TABLE)
    except ClientError as error:
        raise Skipped(refusal(error)) from error
    began, cpu_before = time.perf_counter(), tree_cpu_seconds(running.pid)

    def reading(count: int) -> Checkpoint:
        point = Checkpoint(
            items=count,
            rss_bytes=tree_rss_bytes(running.pid),
            file_bytes=tree_open_file_bytes(running.pid),
            seconds=time.perf_counter() - began,
            cpu_seconds=tree_cpu_seconds(running.pid) - cpu_before,
        )
        rss, files = point.rss_bytes / (1 << 20), point.file_bytes / (1 << 20)
        progress(f"{count} items: RSS {rss:.0f} MiB, open files {files:.0f} MiB, after {point.seconds:.0f} s")
        return point

    result = GrowthResult(threads=threads, checkpoints=[reading(0)], calls=0)
    written = 0
    for target in (items // 4, items // 2, items):
        result.calls += _write_range(running, written, target, threads)
        written = target
        running.check_alive()
        result.checkpoints.append(reading(written))
    return result
