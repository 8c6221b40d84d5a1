"""The floor: the least work an ASGI server can do and still answer an AWS SDK.

It reads the request and answers STS GetCallerIdentity for any query-protocol request, and a
NotImplemented error for any JSON-protocol request (the `X-Amz-Target` header), with no parsing, no
signature check and no state. Served by uvicorn like fogbank, it is the reference that fogbank's
per-request cost is stated against.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

_IDENTITY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn>"
    b"<UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>"
)
_NOT_IMPLEMENTED = b'{"__type":"NotImplemented","message":"not implemented"}'


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """Answer every HTTP request with a fixed body; ignore lifespan events."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    is_json = any(name == b"x-amz-target" for name, _ in scope["headers"])
    status, body, kind = (
        (501, _NOT_IMPLEMENTED, b"application/x-amz-json-1.0") if is_json else (200, _IDENTITY, b"text/xml")
    )
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
