"""Errors for requests that never reached a protocol: no service or operation could be named.

The shape follows what the request looks like: a JSON-family request (X-Amz-Target or a JSON
content type) gets a JSON error, anything else the XML ErrorResponse of the query protocol.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse

__all__ = ["fallback_error"]


def fallback_error(request: HttpRequest, error: ServiceError, request_id: str) -> HttpResponse:
    content_type = request.headers.get("content-type", "")
    headers = [("x-amzn-RequestId", request_id), *error.headers.items()]
    if "x-amz-target" in request.headers or "json" in content_type:
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", error.code)]
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        return HttpResponse(error.status, headers, body)
    headers.append(("Content-Type", "text/xml"))
    body = (
        "<ErrorResponse><Error>"
        f"<Type>{error.fault}</Type><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return HttpResponse(error.status, headers, body)
