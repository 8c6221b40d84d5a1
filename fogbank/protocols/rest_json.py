"""The `rest-json` protocol: an operation is a method and a requestUri template, its input spread
over the URI, query string, headers (`rest.py`) and a JSON body.

The body is either the one member named by the structure's `payload` trait — raw bytes for a
blob or string (a streaming blob stays the request's file object), JSON for a structure, an
event stream for an eventstream union — or, without a payload, every unbound member as one
JSON object. Errors name their code in `x-amzn-ErrorType`, which SDKs read before the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols import eventstream, rest
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.json import (
    EVENT_STREAM_TYPE,
    Reader,
    ReadFn,
    ShapeError,
    Writer,
    dump_document,
    error_document,
    error_shape,
    load_document,
    query_error_header,
    serialization_error,
)

__all__ = ["parse_request", "serialize_response", "serialize_error"]

_READER = Reader()
_WRITER = Writer()
_JSON = "application/json"


def _read_payload(member_name: str, shape: StructureShape, request: HttpRequest) -> Any:
    member = shape.members[member_name]
    if member.serialization.get("streaming") or member.serialization.get("eventstream"):
        request.body.seek(0)
        return request.body
    body = request.content()
    if not body:
        return None
    if member.type_name == "blob":
        return body
    if member.type_name == "string":
        return body.decode()
    return _READER.read(member, load_document(body))


# Input shapes are those of the service models, which specs caches for the server's life.
_BODY_READERS: dict[Shape, ReadFn] = {}


def _body_reader(shape: StructureShape) -> ReadFn:
    """The compiled reader of the members `shape` carries in its body."""
    reader = _BODY_READERS.get(shape)
    if reader is None:
        reader = _BODY_READERS[shape] = _READER.structure_reader(shape, rest.body_members(shape))
    return reader


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    shape = operation.input_shape
    if shape is None:
        return {}
    try:
        params = rest.parse_bindings(shape, request, uri_params, operation.http.get("requestUri", ""))
        payload = rest.payload_member(shape)
        if payload is not None:
            value = _read_payload(payload, shape, request)
            if value is not None:
                params[payload] = value
        else:
            document = load_document(request.content())
            params.update(_body_reader(shape)(document))
    except (rest.BindingError, ShapeError) as exc:
        raise serialization_error(exc) from exc
    return params


def _encode_body(shape: StructureShape, value: Mapping[str, Any]) -> bytes:
    return dump_document(_WRITER.write_structure(shape, value))


def _has_header(headers: list[tuple[str, str]], name: str) -> bool:
    return any(key.lower() == name for key, _ in headers)


def _body(shape: StructureShape, output: Mapping[str, Any], headers: list[tuple[str, str]]) -> bytes | Any:
    payload = rest.payload_member(shape)
    if payload is None:
        members = rest.body_members(shape)
        if not members:
            return b""
        headers.append(("Content-Type", _JSON))
        return dump_document(_WRITER.write_structure(shape, output, members))
    member = shape.members[payload]
    value = output.get(payload)
    if member.serialization.get("eventstream"):
        headers.append(("Content-Type", EVENT_STREAM_TYPE))
        return eventstream.encode_event_stream(member, value or (), _encode_body, _JSON)
    if member.type_name in ("blob", "string"):
        if not _has_header(headers, "content-type"):
            headers.append(
                ("Content-Type", "text/plain" if member.type_name == "string" else "application/octet-stream")
            )
        if value is None:
            return b""
        return value.encode() if isinstance(value, str) else value
    if value is None:
        return b""
    headers.append(("Content-Type", _JSON))
    return dump_document(_WRITER.write(member, value))


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    status = int(operation.http.get("responseCode", 200))
    shape = operation.output_shape
    headers = [("x-amzn-RequestId", request_id)]
    if shape is None:
        return HttpResponse(status, headers, b"")
    bound_status, bound_headers = rest.serialize_bindings(shape, output)
    headers.extend(bound_headers)
    body = _body(shape, output, headers)
    return HttpResponse(bound_status or status, headers, body)


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    code = shape.name if shape is not None else error.code
    headers = [
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", code),
        ("Content-Type", _JSON),
        *query_error_header(service, shape, error),
    ]
    fields: Mapping[str, Any] = error.fields
    if shape is not None:
        # The code travels in x-amzn-ErrorType; a member bound to that header would repeat it.
        bound = rest.serialize_bindings(shape, fields)[1]
        headers.extend((k, v) for k, v in bound if k.lower() != "x-amzn-errortype")
        body_shape_fields = {k: v for k, v in fields.items() if k in rest.body_members(shape)}
        error = ServiceError(
            error.code,
            error.message,
            error.status,
            sender_fault=error.sender_fault,
            fields=body_shape_fields,
            headers=error.headers,
        )
    headers.extend(error.headers.items())
    # `__type` repeats the code for SDKs that look only in the body; botocore prefers the header.
    document = {"__type": code, **error_document(shape, error, _WRITER)}
    return HttpResponse(error.status, headers, dump_document(document))
