"""Fixtures shared by the S3 tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.iam_helpers import new_account
from tests.server import FogbankServer


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FogbankServer]:
    """A server of the test's own, so that moving its clock touches no other test."""
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    yield server
    server.stop()


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def account() -> str:
    """A fresh account: its 12-digit access key acts as its root user."""
    return new_account()
