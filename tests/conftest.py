"""Session fixtures: one real fogbank server (ephemeral, random ports, HTTP and HTTPS) and boto3 clients."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.server import FogbankServer

CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def server() -> Iterator[FogbankServer]:
    running = FogbankServer().start()
    yield running
    try:
        with urllib.request.urlopen(running.endpoint + "/_fogbank/clock") as response:
            offset = json.load(response)["offset_seconds"]
    finally:
        running.stop()
    # Every test's credentials, policies and timers share this server's clock: a test that moves a clock
    # uses a server of its own (tests/server.py), and this catches one that forgot.
    assert offset == 0, f"a test moved the shared server's clock by {offset} s"


@pytest.fixture(scope="session")
def client(server: FogbankServer) -> Callable[..., Any]:
    """client("sts") over HTTP; client("s3", tls=True) over HTTPS; extra kwargs go to boto3.client."""
    return client_factory(server)


def client_factory(server: FogbankServer) -> Callable[..., Any]:
    """The `client` fixture's factory for any server (a directory's own, when its tests move the clock)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()

    def make(service: str, *, tls: bool = False, **kwargs: Any) -> Any:
        options = {**CREDENTIALS, **kwargs}
        options.setdefault("config", Config(retries={"max_attempts": 0}))
        if tls:
            return session.client(service, endpoint_url=server.tls_endpoint, verify=False, **options)
        return session.client(service, endpoint_url=server.endpoint, **options)

    return make
