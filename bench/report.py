"""Results: what a run found per server, printed as tables and written as JSON.

Every table has one column per server in run order. Ratios compare each server with the first
available one (fogbank, unless it could not run): a server's figure divided by the base's figure.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bench.measure import WorkloadResult
from bench.workloads import Workload

__all__ = ["ServerResult", "print_report", "write_json"]

_MIB = 1024 * 1024
_LABEL_WIDTH = 24
_COLUMN_WIDTH = 14


@dataclass
class ServerResult:
    """Everything measured on one server, or why it could not be measured."""

    name: str
    unavailable: str = ""
    startup_seconds: list[float] = field(default_factory=list)
    rss_after_start: int = 0
    rss_after_workloads: int = 0
    workloads: dict[str, WorkloadResult] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The result as plain JSON values."""
        if self.unavailable:
            return {"name": self.name, "unavailable": self.unavailable}
        return {
            "name": self.name,
            "startup_ms": [1000 * seconds for seconds in self.startup_seconds],
            "startup_ms_median": median_ms(self.startup_seconds),
            "rss_mib_after_start": self.rss_after_start / _MIB,
            "rss_mib_after_workloads": self.rss_after_workloads / _MIB,
            "workloads": {name: result.summary() for name, result in self.workloads.items()},
            "failed": self.failed,
        }


def median_ms(seconds: list[float]) -> float:
    """The median of some durations, in milliseconds."""
    return 1000 * statistics.median(seconds)


Metric = Callable[[WorkloadResult], float]

_WORKLOAD_ROWS: tuple[tuple[str, Metric, str], ...] = (
    ("ops/s, 1 client", lambda r: r.single.ops_per_second, "{:.0f}"),
    ("ops/s, N threads", lambda r: r.threaded.ops_per_second, "{:.0f}"),
    ("p50 ms, 1 client", lambda r: r.single.percentile_ms(0.50), "{:.2f}"),
    ("p99 ms, 1 client", lambda r: r.single.percentile_ms(0.99), "{:.2f}"),
    ("p50 ms, N threads", lambda r: r.threaded.percentile_ms(0.50), "{:.2f}"),
    ("p99 ms, N threads", lambda r: r.threaded.percentile_ms(0.99), "{:.2f}"),
    ("CPU ms/op", lambda r: r.cpu_ms_per_op, "{:.3f}"),
)
_RATIO_ROWS = ("ops/s, 1 client", "ops/s, N threads", "p50 ms, 1 client", "CPU ms/op")


def _print_table(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    """Left-aligned labels, then right-aligned columns as wide as their widest cell."""
    table = [header, *rows]
    label_width = max(_LABEL_WIDTH, *(len(row[0]) for row in table))
    widths = [max(_COLUMN_WIDTH, *(len(row[i]) + 2 for row in table)) for i in range(1, len(header))]
    for row in table:
        print(
            row[0].ljust(label_width) + "".join(c.rjust(w) for c, w in zip(row[1:], widths, strict=True)),
            file=out,
        )


def _times(ratio: float) -> str:
    """A ratio with two significant figures and no exponent: 0.035x, 0.62x, 7.7x, 12x."""
    return f"{ratio:#.2g}x" if 0.01 <= ratio < 9.95 else f"{ratio:.3f}x" if ratio < 0.01 else f"{ratio:.0f}x"


def _ratio_line(label: str, figures: list[tuple[str, float]], style: str) -> str:
    (base_name, base), *others = figures
    parts = [f"{base_name} {style.format(base)}"]
    for name, value in others:
        ratio = f" ({_times(value / base)})" if base else ""
        parts.append(f"{name} {style.format(value)}{ratio}")
    return f"  {label}: " + ", ".join(parts)


def _print_servers(results: list[ServerResult], out: TextIO) -> None:
    header = ["servers", *(result.name for result in results)]
    rows: tuple[tuple[str, Callable[[ServerResult], str]], ...] = (
        ("start-up ms (median)", lambda r: f"{median_ms(r.startup_seconds):.0f}"),
        ("RSS MiB after start", lambda r: f"{r.rss_after_start / _MIB:.1f}"),
        ("RSS MiB after workloads", lambda r: f"{r.rss_after_workloads / _MIB:.1f}"),
    )
    table = [[label, *("n/a" if r.unavailable else cell(r) for r in results)] for label, cell in rows]
    _print_table(header, table, out)
    available = [result for result in results if not result.unavailable]
    if len(available) > 1:
        print(f"  ratios: each server's figure / {available[0].name}'s", file=out)
        startup = [(r.name, median_ms(r.startup_seconds)) for r in available]
        print(_ratio_line("start-up ms", startup, "{:.0f}"), file=out)
        rss = [(r.name, r.rss_after_workloads / _MIB) for r in available]
        print(_ratio_line("RSS MiB after workloads", rss, "{:.1f}"), file=out)
    for result in results:
        if result.unavailable:
            print(f"  {result.name} unavailable: {result.unavailable}", file=out)


def _print_workload(workload: Workload, threads: int, results: list[ServerResult], out: TextIO) -> None:
    print(f"\n{workload.name}: {workload.description}", file=out)
    measured = {r.name: r.workloads[workload.name] for r in results if workload.name in r.workloads}
    header = ["", *(result.name for result in results)]
    table = [["answer", *(measured[r.name].answer if r.name in measured else "n/a" for r in results)]]
    for label, metric, style in _WORKLOAD_ROWS:
        cells = (style.format(metric(measured[r.name])) if r.name in measured else "n/a" for r in results)
        table.append([label.replace("N", str(threads)), *cells])
    _print_table(header, table, out)
    if len(measured) > 1:
        base = next(iter(measured))
        print(f"  ratios: each server's figure / {base}'s", file=out)
        for label, metric, style in _WORKLOAD_ROWS:
            if label in _RATIO_ROWS:
                figures = [(name, metric(result)) for name, result in measured.items()]
                print(_ratio_line(label.replace("N", str(threads)), figures, style), file=out)
    for result in results:
        if workload.name in result.failed:
            print(f"  {result.name} failed: {result.failed[workload.name]}", file=out)


def print_report(
    results: list[ServerResult], workloads: list[Workload], *, ops: int, threads: int, out: TextIO
) -> None:
    """Print the servers table, then one table per workload."""
    print(f"\n{ops} ops from 1 client, then {ops} ops shared by {threads} client threads", file=out)
    _print_servers(results, out)
    for workload in workloads:
        _print_workload(workload, threads, results, out)


def write_json(path: Path, results: list[ServerResult], *, ops: int, threads: int) -> None:
    """Write every figure of the run to `path`."""
    document = {"ops": ops, "threads": threads, "servers": [result.to_json() for result in results]}
    path.write_text(json.dumps(document, indent=2) + "\n")
