"""DynamoDB tests that move fogbank's clock (TTL, stream retention, PITR windows, idempotency tokens): each
module gets a server of its own, so the shared server's clock, which other tests' credentials and
policies depend on, never moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import client_factory
from tests.server import FogbankServer


@pytest.fixture(scope="module")
def server() -> Iterator[FogbankServer]:
    own = FogbankServer(tls_port=False).start()
    yield own
    own.stop()


@pytest.fixture(scope="module")
def client(server: FogbankServer) -> Callable[..., Any]:
    return client_factory(server)
