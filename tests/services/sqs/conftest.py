"""Fixtures shared by the SQS tests: clients, fresh queues, and a private server whose clock moves."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import CREDENTIALS
from tests.server import FogbankServer


@pytest.fixture
def sqs(client: Callable[..., Any]) -> Any:
    return client("sqs")


@pytest.fixture(scope="session")
def clocked() -> Iterator[FogbankServer]:
    """A server of SQS's tests' own, so that moving its clock touches no other test."""
    server = FogbankServer(tls_port=False).start()
    yield server
    server.stop()


@pytest.fixture
def csqs(clocked: FogbankServer) -> Any:
    """A client of the clocked server."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sqs", endpoint_url=clocked.endpoint, config=Config(retries={"max_attempts": 0}), **CREDENTIALS
    )


@pytest.fixture
def advance(clocked: FogbankServer) -> Callable[[str], None]:
    def move(duration: str) -> None:
        request = urllib.request.Request(
            clocked.endpoint + "/_fogbank/clock",
            data=json.dumps({"advance": duration}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request) as response:
            response.read()

    return move


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_queue() -> Callable[..., str]:
    """make_queue(client, fifo=False, **attributes) -> a new queue's URL."""

    def make(client: Any, *, fifo: bool = False, **attributes: str) -> str:
        name = unique() + (".fifo" if fifo else "")
        if fifo:
            attributes.setdefault("FifoQueue", "true")
        return client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]

    return make
