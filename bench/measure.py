"""Timing: start-up to first answer, and a workload from one client and from several threads.

Latency is the wall time of one SDK call as boto3 sees it (signing, HTTP over a kept-alive loopback
connection, parsing). Server CPU is the process tree's user+system time across both timed phases,
divided by the operations in them; warm-up calls are outside it. For an operation whose work goes on
after the answer (`Drained`), the harness waits for that work before reading the CPU time at either end.
A setup that the server answers with an AWS error raises `Skipped`: the workload is n/a there.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from bench.procfs import tree_cpu_seconds
from bench.servers import Running, ServerSpec, Unavailable, start
from bench.workloads import Client, ClientFactory, Drained, Op, Workload

__all__ = [
    "PhaseResult",
    "Skipped",
    "WorkloadResult",
    "client_factory",
    "measure_workload",
    "refusal",
    "start_and_wait",
]

REGION = "us-east-1"
_TIMING_CONFIG = Config(
    retries={"max_attempts": 0}, connect_timeout=5, read_timeout=60, max_pool_connections=4
)
_POLL_SECONDS = 0.010
_START_TIMEOUT_SECONDS = 60.0
_ERROR_GRACE_SECONDS = 5.0


class Skipped(Exception):
    """The server answered a workload's setup with an error; the message says which call and what error."""


def client_factory(endpoint: str) -> ClientFactory:
    """Clients for one server, test/test credentials, no retries. Call it from one thread only."""
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )

    def make_client(service: str) -> Client:
        return session.client(service, endpoint_url=endpoint, config=_TIMING_CONFIG)

    return make_client


def answer(op: Op, client: Client) -> str:
    """Make one call; "ok", the AWS error code with its HTTP status, or the client-side failure."""
    try:
        op(client)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "?")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        return f"{code} ({status})"
    except BotoCoreError as error:
        return type(error).__name__
    return "ok"


def start_and_wait(spec: ServerSpec) -> tuple[Running, float]:
    """Start a server and poll its ready call every 10 ms; seconds from spawn to the first success."""
    running = start(spec)
    try:
        service, method = spec.ready
        ready = getattr(client_factory(running.endpoint)(service), method)
        deadline = running.spawned_at + _START_TIMEOUT_SECONDS
        while True:
            try:
                ready()
                return running, time.perf_counter() - running.spawned_at
            except ClientError as error:
                # It listens but answers with an error: allow it a short while to finish starting.
                deadline = min(deadline, time.perf_counter() + _ERROR_GRACE_SECONDS)
                last_error: Exception = error
            except BotoCoreError as error:
                last_error = error
            running.check_alive()
            if time.perf_counter() > deadline:
                raise Unavailable(f"no successful {service} {method}: {last_error}")
            time.sleep(_POLL_SECONDS)
    except BaseException:
        running.stop()
        raise


@dataclass
class PhaseResult:
    """One timed phase: some clients making calls concurrently."""

    clients: int
    ops: int
    seconds: float
    latencies: list[float] = field(repr=False)
    answers: Counter[str]

    @property
    def ops_per_second(self) -> float:
        return self.ops / self.seconds

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class WorkloadResult:
    """What one workload measured on one server."""

    single: PhaseResult
    threaded: PhaseResult
    cpu_seconds: float

    @property
    def cpu_ms_per_op(self) -> float:
        return 1000 * self.cpu_seconds / (self.single.ops + self.threaded.ops)

    @property
    def answer(self) -> str:
        """The server's usual answer, with a note when it gave others too."""
        answers = self.single.answers + self.threaded.answers
        (top, count), total = answers.most_common(1)[0], answers.total()
        return top if count == total else f"{top} ({total - count} other)"

    def summary(self) -> dict[str, object]:
        """The figures, for JSON."""
        return {
            "ops_per_s_1_client": self.single.ops_per_second,
            f"ops_per_s_{self.threaded.clients}_threads": self.threaded.ops_per_second,
            "p50_ms_1_client": self.single.percentile_ms(0.50),
            "p99_ms_1_client": self.single.percentile_ms(0.99),
            f"p50_ms_{self.threaded.clients}_threads": self.threaded.percentile_ms(0.50),
            f"p99_ms_{self.threaded.clients}_threads": self.threaded.percentile_ms(0.99),
            "cpu_ms_per_op": self.cpu_ms_per_op,
            "answers": dict(self.single.answers + self.threaded.answers),
        }


def _run_phase(op: Op, clients: list[Client], ops: int) -> PhaseResult:
    """`ops` calls shared between the clients, one thread each, all released together."""
    shares = [ops // len(clients) + (1 if i < ops % len(clients) else 0) for i in range(len(clients))]
    latencies: list[list[float]] = [[] for _ in clients]
    answers: list[Counter[str]] = [Counter() for _ in clients]
    gate = threading.Barrier(len(clients) + 1)

    def work(index: int) -> None:
        client, mine, seen = clients[index], latencies[index], answers[index]
        gate.wait()
        for _ in range(shares[index]):
            began = time.perf_counter()
            seen[answer(op, client)] += 1
            mine.append(time.perf_counter() - began)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return PhaseResult(
        clients=len(clients),
        ops=sum(shares),
        seconds=seconds,
        latencies=[value for part in latencies for value in part],
        answers=sum(answers, Counter()),
    )


def measure_workload(
    running: Running, workload: Workload, *, ops: int, threads: int, warmup: int
) -> WorkloadResult:
    """Set up, warm up, then time `ops` calls from one client and `ops` calls from `threads` clients."""
    if workload.max_ops is not None:
        ops = min(ops, workload.max_ops)
        warmup = min(warmup, workload.max_ops)
    make_client = client_factory(running.endpoint)
    try:
        op = workload.setup(make_client)
    except ClientError as error:
        running.check_alive()
        raise Skipped(refusal(error)) from error
    clients = [make_client(workload.service) for _ in range(threads)]
    for client in clients:
        for _ in range(max(1, warmup // threads)):
            answer(op, client)
    running.check_alive()
    _drain(op)
    cpu_before = tree_cpu_seconds(running.pid)
    single = _run_phase(op, clients[:1], ops)
    threaded = _run_phase(op, clients, ops)
    _drain(op)
    cpu_seconds = tree_cpu_seconds(running.pid) - cpu_before
    running.check_alive()
    return WorkloadResult(single=single, threaded=threaded, cpu_seconds=cpu_seconds)


def _drain(op: Op) -> None:
    if isinstance(op, Drained):
        op.wait()


def refusal(error: ClientError) -> str:
    """The refused call and its error (`PutItem answered NotImplemented (501): ...`)."""
    details = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
    message = details.get("Message", "")
    said = f"{error.operation_name} answered {details.get('Code', '?')} ({status})"
    return f"{said}: {message}" if message else said
