"""The HTTP/1.1 protocol uvicorn runs for fogbank: uvicorn's httptools protocol, with writes coalesced.

uvicorn writes a response's status line and headers when the app sends `http.response.start` and its body
when the app sends `http.response.body`: two writes, and with TCP_NODELAY two packets, for every small
answer. The transport handed to uvicorn's protocol keeps what is written during one turn of the event loop
and passes it on as one `writelines` at the end of that turn, which uvloop sends with one system call.
Flow control is untouched: pause and resume come from the real transport, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HttpProtocol"]


class _CoalescingTransport:
    __slots__ = ("_transport", "_loop", "_pending")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending and not self._transport.is_closing():
            self._transport.writelines(pending)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
