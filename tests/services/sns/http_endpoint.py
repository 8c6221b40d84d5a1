"""A subscriber on loopback for SNS's HTTP tests (conftest.py's `endpoint` fixture makes one per test)."""

from __future__ import annotations

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Endpoint", "when_due"]


class Endpoint:
    """A subscriber on loopback: every POST lands in `received`; the first `failures` POSTs get a
    `failure_status` (500) and land in `refusals`."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        self.failures = 0
        self.failure_status = 500
        self.refused = 0
        self.refusals: queue.Queue[bytes] = queue.Queue()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if endpoint.failures > 0:
                    endpoint.failures -= 1
                    endpoint.refused += 1
                    endpoint.refusals.put(body)
                    self.send_response(endpoint.failure_status)
                    self.end_headers()
                    return
                endpoint.received.put(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self) -> tuple[dict[str, str], dict[str, Any]]:
        headers, body = self.received.get(timeout=10)
        return headers, json.loads(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def when_due(advance: Any, endpoint: Endpoint) -> tuple[dict[str, str], dict[str, Any]]:
    """The next message, moving fogbank's clock half a minute at a time until a retry delivers it."""
    for _ in range(40):
        advance("30s")
        try:
            headers, body = endpoint.received.get(timeout=0.5)
        except queue.Empty:
            continue
        return headers, json.loads(body)
    raise AssertionError("the retry never came")
