"""The HTTP values that codecs read and write: no I/O lives here.

A request's body is a binary file object (in memory when small, a spool file when large);
`content()` reads it whole once, for the operations whose input is not a stream.
Header names are lower case; repeated headers are joined with "," as AWS canonicalizes them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

__all__ = ["HttpRequest", "HttpResponse"]


@dataclass(slots=True)
class HttpRequest:
    method: str
    path: str  # raw, still percent-encoded, without the query string
    query: str = ""  # raw query string, without "?"
    headers: dict[str, str] = field(default_factory=dict)
    body: BinaryIO = field(default_factory=io.BytesIO)
    scheme: str = "http"
    client_ip: str = "127.0.0.1"
    # The routing.Route found for it, kept by the server when it looked before the pipeline did.
    route: Any = None
    _content: bytes | None = None

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    def content(self) -> bytes:
        """The whole body; read once and kept, for non-streaming operations."""
        if self._content is None:
            self.body.seek(0)
            self._content = self.body.read()
        return self._content

    def query_params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None
