"""fogbank's clock for DynamoDB tests: read it, move it, and wait for the scheduler to catch up."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime

from tests.server import FogbankServer


def now(server: FogbankServer) -> datetime:
    with urllib.request.urlopen(server.endpoint + "/_fogbank/clock") as response:
        return datetime.fromisoformat(json.load(response)["now"].replace("Z", "+00:00"))


def advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": duration}).encode(), method="POST"
    )
    urllib.request.urlopen(request).close()


def eventually(check: Callable[[], bool], attempts: int = 100) -> None:
    """Poll `check` until it holds: the scheduler runs jobs in the background after the clock moves."""
    for _ in range(attempts):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the scheduler did not catch up")
