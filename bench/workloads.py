"""The workloads: the registry that every measured operation is added to.

A workload is one function decorated with `@workload`. It is the setup: it receives a client factory
(boto3 clients bound to the server under test), creates whatever the operation needs, and returns the
operation itself, a function of one client that makes one call. The harness gives every client thread
its own client of the workload's `service`. An operation that answers with an AWS error is still a
round trip and is timed like any other; the error code is reported as the server's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["WORKLOADS", "Client", "ClientFactory", "Op", "Setup", "Workload", "workload"]

Client = Any
ClientFactory = Callable[[str], Client]
"""`make_client("sqs")`: a new boto3 client for the server under test."""
Op = Callable[[Client], object]
"""One call through one client."""
Setup = Callable[[ClientFactory], Op]
"""Prepares a workload on a fresh server and returns its operation."""


@dataclass(frozen=True)
class Workload:
    """A named operation to time, with the setup that prepares it."""

    name: str
    service: str
    setup: Setup
    description: str


WORKLOADS: dict[str, Workload] = {}


def workload(name: str, service: str) -> Callable[[Setup], Setup]:
    """Register the decorated setup function as the workload `name` on clients of `service`."""

    def register(setup: Setup) -> Setup:
        WORKLOADS[name] = Workload(name, service, setup, (setup.__doc__ or "").strip())
        return setup

    return register


@workload("sts_get_caller_identity", service="sts")
def sts_get_caller_identity(make_client: ClientFactory) -> Op:
    """STS GetCallerIdentity: the smallest signed round trip (query protocol, no state)."""
    return lambda client: client.get_caller_identity()


@workload("not_implemented", service="sqs")
def not_implemented(make_client: ClientFactory) -> Op:
    """SQS ListQueues (JSON protocol): fogbank answers NotImplemented, the peers answer the call."""
    return lambda client: client.list_queues()
