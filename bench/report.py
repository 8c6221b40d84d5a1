"""Results: what a run found per server, printed as tables and written as JSON.

Every table has one column per server in run order. Ratios compare each server with the first
available one (fogbank, unless it could not run): a server's figure divided by the base's figure. A
workload a server could not run shows "n/a", with the reason under the table.
"""

from __future__ import annotations

import json
import statistics
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bench.measure import WorkloadResult
from bench.memory import MEMORY_WORKLOAD, GrowthResult
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
    growth: GrowthResult | None = None
    """What the long run measured, if it ran."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Workloads the server does not serve or refused to set up, with the reason."""
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
            **({MEMORY_WORKLOAD: self.growth.summary()} if self.growth else {}),
            "skipped": self.skipped,
            "failed": self.failed,
        }


def median_ms(seconds: list[float]) -> float:
    """The median of some durations, in milliseconds."""
    return 1000 * statistics.median(seconds)


Metric = Callable[[WorkloadResult], float]
Style = Callable[[float], str]


def _rate(value: float) -> str:
    """A whole number, but with two decimals below 10, so that a slow operation does not show 0."""
    return f"{value:.0f}" if value >= 10 else f"{value:.2f}"


_WORKLOAD_ROWS: tuple[tuple[str, Metric, Style], ...] = (
    ("ops/s, 1 client", lambda r: r.single.ops_per_second, _rate),
    ("ops/s, N threads", lambda r: r.threaded.ops_per_second, _rate),
    ("p50 ms, 1 client", lambda r: r.single.percentile_ms(0.50), "{:.2f}".format),
    ("p99 ms, 1 client", lambda r: r.single.percentile_ms(0.99), "{:.2f}".format),
    ("p50 ms, N threads", lambda r: r.threaded.percentile_ms(0.50), "{:.2f}".format),
    ("p99 ms, N threads", lambda r: r.threaded.percentile_ms(0.99), "{:.2f}".format),
    ("CPU ms/op", lambda r: r.cpu_ms_per_op, "{:.3f}".format),
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


def _ratio_line(label: str, figures: list[tuple[str, float]], style: Style) -> str:
    (base_name, base), *others = figures
    parts = [f"{base_name} {style(base)}"]
    for name, value in others:
        ratio = f" ({_times(value / base)})" if base else ""
        parts.append(f"{name} {style(value)}{ratio}")
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
        print(_ratio_line("start-up ms", startup, "{:.0f}".format), file=out)
        rss = [(r.name, r.rss_after_workloads / _MIB) for r in available]
        print(_ratio_line("RSS MiB after workloads", rss, "{:.1f}".format), file=out)
    for result in results:
        if result.unavailable:
            print(f"  {result.name} unavailable: {result.unavailable}", file=out)


def _print_workload(workload: Workload, threads: int, results: list[ServerResult], out: TextIO) -> None:
    summary, _, details = workload.description.partition("\n\n")
    print(f"\n{workload.name}: {summary}", file=out)
    if details:
        print(textwrap.indent(details, "  "), file=out)
    measured = {r.name: r.workloads[workload.name] for r in results if workload.name in r.workloads}
    header = ["", *(result.name for result in results)]
    table = [["answer", *(measured[r.name].answer if r.name in measured else "n/a" for r in results)]]
    for label, metric, style in _WORKLOAD_ROWS:
        cells = (style(metric(measured[r.name])) if r.name in measured else "n/a" for r in results)
        table.append([label.replace("N", str(threads)), *cells])
    _print_table(header, table, out)
    if len(measured) > 1:
        base = next(iter(measured))
        print(f"  ratios: each server's figure / {base}'s", file=out)
        for label, metric, style in _WORKLOAD_ROWS:
            if label in _RATIO_ROWS:
                figures = [(name, metric(result)) for name, result in measured.items()]
                print(_ratio_line(label.replace("N", str(threads)), figures, style), file=out)
    _print_reasons(workload.name, results, out)


def _print_reasons(name: str, results: list[ServerResult], out: TextIO) -> None:
    """Why a workload is n/a on a server."""
    for result in results:
        if name in result.skipped:
            print(f"  {result.name} n/a: {result.skipped[name]}", file=out)
        if name in result.failed:
            print(f"  {result.name} failed: {result.failed[name]}", file=out)


def _cpu_ms_per_1000_items(growth: GrowthResult) -> float:
    last = growth.checkpoints[-1]
    return 1e6 * last.cpu_seconds / last.items


def _print_growth(items: int, results: list[ServerResult], out: TextIO) -> None:
    """The long run's table: RSS at each reading, then the pace of the whole load."""
    grown = {r.name: r.growth for r in results if r.growth is not None}
    threads = next((growth.threads for growth in grown.values()), 0)
    print(
        f"\n{MEMORY_WORKLOAD}: server RSS while one table grows to {items:,} items of ~200 bytes "
        f"(BatchWriteItem of 25, {threads} client threads, a fresh server)",
        file=out,
    )
    points = [point.items for point in next(iter(grown.values())).checkpoints] if grown else []
    rows: list[tuple[str, Callable[[GrowthResult], float], Style]] = [
        (f"RSS MiB at {count:,} items", lambda g, i=i: g.checkpoints[i].rss_bytes / _MIB, "{:.0f}".format)
        for i, count in enumerate(points)
    ]
    rows += [
        (
            f"open files MiB at {items:,} items",
            lambda g: g.checkpoints[-1].file_bytes / _MIB,
            "{:.0f}".format,
        ),
        (f"load s to {items:,} items", lambda g: g.checkpoints[-1].seconds, "{:.0f}".format),
        ("items/s", lambda g: g.checkpoints[-1].items / g.checkpoints[-1].seconds, _rate),
        ("CPU ms/1000 items", _cpu_ms_per_1000_items, "{:.1f}".format),
    ]
    header = ["", *(result.name for result in results)]
    table = [
        [label, *(style(metric(grown[r.name])) if r.name in grown else "n/a" for r in results)]
        for label, metric, style in rows
    ]
    _print_table(header, table, out)
    if len(grown) > 1:
        print(f"  ratios: each server's figure / {next(iter(grown))}'s", file=out)
        # RSS at the end and the pace; open files are absent on servers that keep state in memory.
        for label, metric, style in (rows[len(points) - 1], *rows[len(points) + 1 :]):
            figures = [(name, metric(growth)) for name, growth in grown.items()]
            print(_ratio_line(label, figures, style), file=out)
    _print_reasons(MEMORY_WORKLOAD, results, out)


def print_report(
    results: list[ServerResult],
    workloads: list[Workload],
    *,
    ops: int,
    threads: int,
    memory_items: int | None,
    out: TextIO,
) -> None:
    """Print the servers table, then one table per workload, then the long run's if it ran."""
    if workloads:
        print(f"\n{ops} ops from 1 client, then {ops} ops shared by {threads} client threads", file=out)
    _print_servers(results, out)
    for workload in workloads:
        _print_workload(workload, threads, results, out)
    if memory_items is not None:
        _print_growth(memory_items, results, out)


def write_json(path: Path, results: list[ServerResult], *, ops: int, threads: int) -> None:
    """Write every figure of the run to `path`."""
    document = {"ops": ops, "threads": threads, "servers": [result.to_json() for result in results]}
    path.write_text(json.dumps(document, indent=2) + "\n")
