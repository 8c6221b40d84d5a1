"""Session fixtures: one real fogbank server (ephemeral, random ports, HTTP and HTTPS) and boto3 clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.server import FogbankServer

CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def server() -> Iterator[FogbankServer]:
    running = FogbankServer().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def client(server: FogbankServer) -> Callable[..., Any]:
    """client("sts") over HTTP; client("s3", tls=True) over HTTPS; extra kwargs go to boto3.client."""
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
