"""The command line: `python -m bench [--only SERVER] [--workload NAME] [--long] [--ops N] [--json PATH]`.

Servers run one at a time. Each is started `--starts` times to time start-up; the last start stays up
for the workloads. A server that emulates only some services (dynalite: DynamoDB) runs only their
workloads. The long run (`dynamodb_memory_1m`) is left out unless `--long` or `--workload` names it; it
gets a server of its own, started afresh unless no other workload ran. Progress goes to stderr, the
tables to stdout.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

# The DynamoDB and messaging modules are imported for the workloads they register.
from bench import workloads_dynamodb, workloads_messaging  # noqa: F401
from bench.measure import Skipped, measure_workload, start_and_wait
from bench.memory import MEMORY_WORKLOAD, grow_table
from bench.procfs import tree_rss_bytes
from bench.report import ServerResult, print_report, write_json
from bench.servers import SERVERS, Running, ServerSpec, Unavailable
from bench.workloads import WORKLOADS, Workload

__all__ = ["main"]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    names = [spec.name for spec in SERVERS]
    parser.add_argument("--only", action="append", choices=names, help="run only this server (repeatable)")
    parser.add_argument(
        "--workload",
        action="append",
        choices=[*WORKLOADS, MEMORY_WORKLOAD],
        help="run only this workload (repeatable)",
    )
    parser.add_argument("--long", action="store_true", help=f"also run {MEMORY_WORKLOAD} (long)")
    parser.add_argument("--ops", type=int, default=2000, help="ops per phase (default 2000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads in the second phase")
    parser.add_argument("--warmup", type=int, default=100, help="untimed calls before each workload")
    parser.add_argument("--starts", type=int, default=3, help="starts to take the start-up median of")
    parser.add_argument(
        "--memory-items",
        type=int,
        default=1_000_000,
        metavar="N",
        help=f"items {MEMORY_WORKLOAD} grows its table to (default 1000000)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.ops < 1 or args.threads < 1 or args.starts < 1 or args.warmup < 0 or args.memory_items < 4:
        parser.error("--ops, --threads, --starts positive, --warmup not negative, --memory-items at least 4")
    args.memory = args.long or bool(args.workload and MEMORY_WORKLOAD in args.workload)
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _start(spec: ServerSpec, starts: int, result: ServerResult) -> Running:
    """Time `starts` starts; leave the last one running."""
    for attempt in range(starts):
        running, seconds = start_and_wait(spec)
        result.startup_seconds.append(seconds)
        _progress(f"{spec.name}: answered {1000 * seconds:.0f} ms after spawn")
        if attempt < starts - 1:
            running.stop()
    return running


def _serves(spec: ServerSpec, service: str) -> bool:
    return spec.services is None or service in spec.services


def _run_workloads(
    running: Running, workloads: list[Workload], args: argparse.Namespace, result: ServerResult
) -> None:
    name = running.spec.name
    for workload in workloads:
        _progress(f"{name}: {workload.name}")
        began = time.perf_counter()
        try:
            result.workloads[workload.name] = measure_workload(
                running, workload, ops=args.ops, threads=args.threads, warmup=args.warmup
            )
        except Skipped as refused:
            result.skipped[workload.name] = str(refused)
            _progress(f"{name}: {workload.name} n/a: {refused}")
        except Exception as error:  # a broken workload on one server must not end the run
            result.failed[workload.name] = f"{type(error).__name__}: {error}"
            _progress(f"{name}: {workload.name} failed: {error}")
            if running.process.poll() is not None:
                break
        _progress(f"{name}: {workload.name} took {time.perf_counter() - began:.1f} s")


def _run_memory(running: Running, args: argparse.Namespace, result: ServerResult) -> None:
    name = running.spec.name
    began = time.perf_counter()
    try:
        result.growth = grow_table(
            running,
            items=args.memory_items,
            threads=args.threads,
            progress=lambda message: _progress(f"{name}: {MEMORY_WORKLOAD}: {message}"),
        )
    except Skipped as refused:
        result.skipped[MEMORY_WORKLOAD] = str(refused)
        _progress(f"{name}: {MEMORY_WORKLOAD} n/a: {refused}")
    except Exception as error:  # as above: the report says what failed
        result.failed[MEMORY_WORKLOAD] = f"{type(error).__name__}: {error}"
        _progress(f"{name}: {MEMORY_WORKLOAD} failed: {error}")
    _progress(f"{name}: {MEMORY_WORKLOAD} took {time.perf_counter() - began:.1f} s")


def _bench_server(spec: ServerSpec, workloads: list[Workload], args: argparse.Namespace) -> ServerResult:
    result = ServerResult(spec.name)
    served = [w for w in workloads if _serves(spec, w.service)]
    memory = args.memory and _serves(spec, "dynamodb")
    only = f"emulates only {', '.join(sorted(spec.services or ()))}"
    for workload in workloads:
        if workload not in served:
            result.skipped[workload.name] = only
    if not served and not memory:
        result.unavailable = f"{only}, which no selected workload uses"
        return result
    try:
        running = _start(spec, args.starts, result)
    except Unavailable as error:
        result.unavailable = str(error)
        _progress(f"{spec.name}: unavailable: {error}")
        return result
    try:
        result.rss_after_start = tree_rss_bytes(running.pid)
        _run_workloads(running, served, args, result)
        result.rss_after_workloads = tree_rss_bytes(running.pid)
        if memory:
            if served:  # the long run wants a server with nothing else in it
                running.stop()
                running, _ = start_and_wait(spec)
            _run_memory(running, args, result)
    except Unavailable as error:
        result.failed[MEMORY_WORKLOAD] = f"restart failed: {error}"
    finally:
        running.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; 0 unless no server could run."""
    args = _parse(argv)
    # Turn SIGTERM into SystemExit so that every started server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    specs = [spec for spec in SERVERS if not args.only or spec.name in args.only]
    workloads = [w for name, w in WORKLOADS.items() if not args.workload or name in args.workload]
    began = time.perf_counter()
    results = [_bench_server(spec, workloads, args) for spec in specs]
    print_report(
        results,
        workloads,
        ops=args.ops,
        threads=args.threads,
        memory_items=args.memory_items if args.memory else None,
        out=sys.stdout,
    )
    print(f"\nrun took {time.perf_counter() - began:.0f} s", file=sys.stdout)
    if args.json:
        write_json(args.json, results, ops=args.ops, threads=args.threads)
    return 0 if any(not result.unavailable for result in results) else 1
