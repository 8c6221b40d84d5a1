"""The `smithy-rpc-v2-cbor` protocol: `POST /service/{Service}/operation/{Operation}`, CBOR bodies.

The same document model as JSON, in binary: blobs are byte strings, timestamps CBOR tag 1
(epoch seconds), floats native (NaN and infinities included). Requests and responses carry
`smithy-protocol: rpc-v2-cbor`. Errors are a CBOR map whose `__type` is the shape id
`namespace#Name`; query-compatible services add `x-amzn-query-error` as in `json`.
Structure keys are member names: the protocol has no locationName.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import cbor2
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.json import (
    EVENT_STREAM_TYPE,
    Reader,
    ShapeError,
    Writer,
    error_document,
    error_shape,
    initial_response_stream,
    query_error_header,
    read_input,
)
from fogbank.protocols.timestamps import to_datetime

__all__ = ["parse_request", "serialize_response", "serialize_error", "CONTENT_TYPE"]

CONTENT_TYPE = "application/cbor"
_PROTOCOL_HEADER = ("smithy-protocol", "rpc-v2-cbor")


class _CborReader(Reader):
    def read_float(self, shape: Shape, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ShapeError(f"expected a number for a {shape.type_name}")
        return float(value)

    read_double = read_float

    def read_blob(self, shape: Shape, value: Any) -> bytes:
        if isinstance(value, str):
            return value.encode()
        if not isinstance(value, bytes | bytearray):
            raise ShapeError("expected a byte string for a blob")
        return bytes(value)

    def read_timestamp(self, shape: Shape, value: Any) -> datetime:
        if isinstance(value, cbor2.CBORTag):
            value = value.value
        if isinstance(value, bool) or not isinstance(value, datetime | int | float):
            raise ShapeError("expected an epoch-seconds timestamp (tag 1)")
        try:
            return to_datetime(value)
        except ValueError as exc:
            raise ShapeError(str(exc)) from exc


class _CborWriter(Writer):
    wire_names = False

    def write_float(self, shape: Shape, value: Any) -> float:
        return float(value)

    write_double = write_float

    def write_blob(self, shape: Shape, value: Any) -> bytes:
        return value.encode() if isinstance(value, str) else bytes(value)

    def write_timestamp(self, shape: Shape, value: Any) -> cbor2.CBORTag:
        moment = to_datetime(value)
        seconds = moment.timestamp()
        # Whole seconds travel as an integer, as Smithy's own encoders send them.
        return cbor2.CBORTag(1, int(seconds) if moment.microsecond == 0 else seconds)


_READER = _CborReader()
_WRITER = _CborWriter()


def _load(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError, TypeError, EOFError) as exc:
        raise ServiceError("SerializationException", "Malformed CBOR request body.", 400) from exc


def _dump(document: Any) -> bytes:
    # NaN and the infinities are legal CBOR floats; nothing else needs care.
    return cbor2.dumps(document)


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    return read_input(_READER, operation.input_shape, _load(request.content()))


def _encode_body(shape: StructureShape, value: Mapping[str, Any]) -> bytes:
    return _dump(_WRITER.write_structure(shape, value))


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    headers = [("x-amzn-RequestId", request_id), _PROTOCOL_HEADER]
    shape = operation.output_shape
    if shape is None:
        return HttpResponse(200, [*headers, ("Content-Type", CONTENT_TYPE)], _dump({}))
    if shape.event_stream_name:
        body = initial_response_stream(shape, output, _encode_body, CONTENT_TYPE)
        return HttpResponse(200, [*headers, ("Content-Type", EVENT_STREAM_TYPE)], body)
    return HttpResponse(200, [*headers, ("Content-Type", CONTENT_TYPE)], _encode_body(shape, output))


def _namespace(service: ServiceModel) -> str:
    # botocore's models drop the Smithy namespace; AWS's is com.amazonaws.<sdk id>, and SDKs
    # read only what follows the "#".
    service_id = str(service.metadata.get("serviceId", service.service_name))
    return "com.amazonaws." + service_id.lower().replace(" ", "")


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    name = shape.name if shape is not None else error.code
    document: dict[str, Any] = {"__type": f"{_namespace(service)}#{name}"}
    document.update(error_document(shape, error, _WRITER))
    headers = [
        ("x-amzn-RequestId", request_id),
        _PROTOCOL_HEADER,
        ("Content-Type", CONTENT_TYPE),
        *query_error_header(service, shape, error),
        *error.headers.items(),
    ]
    return HttpResponse(error.status, headers, _dump(document))
