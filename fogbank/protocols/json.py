"""The `json` protocol (awsJson 1.0 and 1.1), and the shape walk every JSON-family codec shares.

A request is a POST whose `X-Amz-Target` names the operation and whose body is the input
structure as JSON; the response is the output structure as JSON. Blobs are base64, timestamps
epoch seconds unless the member's timestampFormat says otherwise.

`Reader` and `Writer` walk a botocore shape over a decoded document (JSON here, CBOR in
`cbor.py`, the body of `rest_json.py`); a subclass changes only how scalars look on the wire.
A `RawJSON` value in an output is JSON text already in its wire form, which the JSON encoder writes as
it is: a service that keeps values as their wire JSON (DynamoDB's items) answers without decoding them.
A value of the wrong kind is a `ShapeError`, which JSON-family codecs answer with AWS's
SerializationException. The error helpers at the bottom (`error_shape`, `error_document`,
`query_error_header`) are shared by the JSON family the same way.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols import eventstream
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.timestamps import (
    b64decode,
    b64encode,
    format_timestamp,
    format_unix,
    parse_timestamp,
    special_float_text,
    to_datetime,
)

__all__ = [
    "parse_request",
    "serialize_response",
    "serialize_error",
    "Reader",
    "ReadFn",
    "Writer",
    "RawJSON",
    "ShapeError",
    "serialization_error",
    "read_input",
    "load_document",
    "dump_document",
    "error_shape",
    "error_document",
    "query_error_header",
    "initial_response_stream",
    "EVENT_STREAM_TYPE",
]

EVENT_STREAM_TYPE = "application/vnd.amazon.eventstream"


class ShapeError(ValueError):
    """A value on the wire that does not fit its member's shape."""


def serialization_error(exc: Exception) -> ServiceError:
    return ServiceError("SerializationException", str(exc), 400)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOLEAN_VALUE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    if isinstance(value, str):
        return "STRING_VALUE"
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    return type(value).__name__


def _mismatch(value: Any, expected: str) -> ShapeError:
    # The wording follows what AWS's JSON services say for a member of the wrong kind.
    kind = _kind(value)
    if kind == "START_OBJECT":
        return ShapeError("Start of structure or map found where not expected.")
    if kind == "START_ARRAY":
        return ShapeError("Start of list found where not expected.")
    return ShapeError(f"{kind} can not be converted to {expected}")


_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

ReadFn = Callable[[Any], Any]


def _read_as_is(value: Any) -> Any:
    return value


def _read_plain_string(value: Any) -> str:
    if not isinstance(value, str):
        raise _mismatch(value, "a String")
    return value


class _Lazy:
    """A member's read function, compiled when a value first reaches it. Recursive shapes (DynamoDB's
    AttributeValue -> MapAttributeValue -> AttributeValue ...) resolve to new shape objects at every
    level, so compiling their members up front would never end."""

    __slots__ = ("fn",)

    def __init__(self, reader: Reader, shape: Shape) -> None:
        def first_call(value: Any) -> Any:
            self.fn = reader.compiled(shape)
            return self.fn(value)

        self.fn: ReadFn = first_call


class Reader:
    """Wire document -> input values (aware datetimes, bytes), member names as in the model.

    Each shape's walk is compiled once into a function of the wire value (`compiled`), so a request
    costs dict lookups and direct calls rather than a dispatch on the shape per value."""

    def __init__(self) -> None:
        # Shapes read are those of the service models, which specs caches for the server's life.
        self._compiled: dict[Shape, ReadFn] = {}

    def read(self, shape: Shape, value: Any) -> Any:
        if value is None:
            return None
        return (self._compiled.get(shape) or self.compiled(shape))(value)

    def read_structure(self, shape: Shape, value: Any) -> Any:
        return (self._compiled.get(shape) or self.compiled(shape))(value)

    def compiled(self, shape: Shape) -> ReadFn:
        """The function reading a wire value of `shape` that is not None."""
        fn = self._compiled.get(shape)
        if fn is None:
            fn = self._compiled[shape] = self._compile(shape)
        return fn

    def _compile(self, shape: Shape) -> ReadFn:
        kind = shape.type_name
        if kind == "structure":
            return self.structure_reader(shape, shape.members)
        if kind == "list":
            return self._list_reader(shape)
        if kind == "map":
            return self._map_reader(shape)
        method = getattr(type(self), f"read_{kind}", None) or type(self).read_string
        if method is Reader.read_string:
            return _read_as_is if shape.serialization.get("jsonvalue") else _read_plain_string
        return partial(method, self, shape)

    def structure_reader(self, shape: Shape, members: Mapping[str, Shape]) -> ReadFn:
        """Reads `members` of the structure `shape`: those sent are looked up by their wire names,
        and come out in the model's order whatever the wire's."""
        if shape.is_document_type:
            return _read_as_is
        wired = tuple(
            (name, member.serialization.get("name", name), _Lazy(self, member))
            for name, member in members.items()
        )
        by_wire = {wire: (index, name, member) for index, (name, wire, member) in enumerate(wired)}

        def in_model_order(value: dict) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, wire, member in wired:
                raw = value.get(wire)
                if raw is not None:
                    out[name] = member.fn(raw)
            return out

        def read_structure(value: Any) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise _mismatch(value, "a Structure")
            out: dict[str, Any] = {}
            ordered = True
            last = -1
            try:
                for key, raw in value.items():
                    found = by_wire.get(key)
                    if found is not None and raw is not None:
                        index, name, member = found
                        out[name] = member.fn(raw)
                        ordered = ordered and index > last
                        last = index
            except ShapeError:
                # The member to report is the first in the model's order that does not fit.
                in_model_order(value)
                raise
            return out if ordered else {name: out[name] for name, _, _ in wired if name in out}

        return read_structure

    def _list_reader(self, shape: Shape) -> ReadFn:
        member = _Lazy(self, shape.member)

        def read_list(value: Any) -> list[Any]:
            if not isinstance(value, list):
                raise _mismatch(value, "a List")
            read = member.fn
            return [None if item is None else read(item) for item in value]

        return read_list

    def _map_reader(self, shape: Shape) -> ReadFn:
        key_reader = _Lazy(self, shape.key)
        value_reader = _Lazy(self, shape.value)

        def read_map(value: Any) -> dict[Any, Any]:
            if not isinstance(value, dict):
                raise _mismatch(value, "a Map")
            read_key = key_reader.fn
            read_value = value_reader.fn
            return {
                None if k is None else read_key(k): None if v is None else read_value(v)
                for k, v in value.items()
            }

        return read_map

    def read_string(self, shape: Shape, value: Any) -> Any:
        if shape.serialization.get("jsonvalue"):
            return value  # a JSON value member is any JSON document, inlined in the body
        if not isinstance(value, str):
            raise _mismatch(value, "a String")
        return value

    def read_boolean(self, shape: Shape, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _mismatch(value, "a Boolean")
        return value

    def read_integer(self, shape: Shape, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _mismatch(value, "an Integer")
        if isinstance(value, float) and not value.is_integer():
            raise ShapeError(f"{value} can not be converted to an Integer")
        return int(value)

    read_long = read_byte = read_short = read_integer

    def read_float(self, shape: Shape, value: Any) -> float:
        if isinstance(value, str) and value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _mismatch(value, "a Double")
        return float(value)

    read_double = read_float

    def read_blob(self, shape: Shape, value: Any) -> bytes:
        if not isinstance(value, str):
            raise _mismatch(value, "a Blob")
        try:
            return b64decode(value)
        except ValueError as exc:
            raise ShapeError("Base64 encoded value is not valid") from exc

    def read_timestamp(self, shape: Shape, value: Any) -> Any:
        try:
            if isinstance(value, str):
                return parse_timestamp(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return to_datetime(value)
        except ValueError as exc:
            raise ShapeError(str(exc)) from exc
        raise _mismatch(value, "a Timestamp")


def _epoch(value: Any) -> int | float:
    text = format_unix(value)
    return float(text) if "." in text else int(text)


def _verbatim(shape: Shape, visiting: frozenset[str] = frozenset()) -> bool:
    """Whether values of `shape` go on the wire as they are: strings, booleans and blobs (the encoder
    base64s bytes), in lists, maps and unions of them without renamed members. A union holds data, not a
    handler's bookkeeping, so nothing needs leaving out: DynamoDB's AttributeValue is one, and a Scan page
    holds thousands of them, whose walk through the model was most of the page's cost."""
    known = getattr(shape, "_fogbank_verbatim", None)  # kept on the shape: models are loaded once
    if known is not None:
        return bool(known)
    if shape.name in visiting:  # a recursive shape (AttributeValue -> MapAttributeValue -> ...)
        return True
    inside = visiting | {shape.name}
    kind = shape.type_name
    if kind in ("string", "boolean", "blob"):
        verbatim = True
    elif kind == "list":
        verbatim = _verbatim(shape.member, inside)
    elif kind == "map":
        verbatim = _verbatim(shape.key, inside) and _verbatim(shape.value, inside)
    elif kind == "structure":
        verbatim = bool(shape.metadata.get("union")) and all(
            "name" not in m.serialization and _verbatim(m, inside) for m in shape.members.values()
        )
    else:
        verbatim = False
    if not visiting:  # an inner call's answer for a recursive shape is provisional
        shape._fogbank_verbatim = verbatim  # type: ignore[attr-defined]
    return verbatim


class Writer:
    """Output values -> wire document. `wire_names` uses members' locationName as JSON does."""

    wire_names = True
    default_timestamp_format = "unixTimestamp"

    def write(self, shape: Shape, value: Any) -> Any:
        if _verbatim(shape):
            return value
        handler = getattr(self, f"write_{shape.type_name}", None)
        return handler(shape, value) if handler else value

    def write_structure(self, shape: Shape, value: Any, members: Mapping[str, Shape] | None = None) -> Any:
        if shape.is_document_type:
            return value
        out: dict[str, Any] = {}
        # Keys the model does not know (a handler's bookkeeping) are left out, as AWS would.
        for name, member in (shape.members if members is None else members).items():
            member_value = value.get(name)
            if member_value is not None:
                key = member.serialization.get("name", name) if self.wire_names else name
                out[key] = self.write(member, member_value)
        return out

    def write_list(self, shape: Shape, value: Any) -> list[Any]:
        return [None if item is None else self.write(shape.member, item) for item in value]

    def write_map(self, shape: Shape, value: Any) -> dict[Any, Any]:
        return {k: None if v is None else self.write(shape.value, v) for k, v in value.items()}

    def write_integer(self, shape: Shape, value: Any) -> int:
        return int(value)

    write_long = write_byte = write_short = write_integer

    def write_float(self, shape: Shape, value: Any) -> Any:
        value = float(value)
        return special_float_text(value) or value

    write_double = write_float

    def write_boolean(self, shape: Shape, value: Any) -> bool:
        return bool(value)

    def write_blob(self, shape: Shape, value: Any) -> Any:
        return b64encode(value)

    def write_timestamp(self, shape: Shape, value: Any) -> Any:
        timestamp_format = shape.serialization.get("timestampFormat", self.default_timestamp_format)
        if timestamp_format.lower() == "unixtimestamp":
            return _epoch(value)
        return format_timestamp(value, timestamp_format)


_READER = Reader()
_WRITER = Writer()


_DECODER = json.JSONDecoder()


def load_document(body: bytes) -> Any:
    """A JSON body; an empty one is {} as AWS treats it."""
    if not body.strip():
        return {}
    try:
        # What json.loads does, less its checks: a body opening with "{" and no NUL after it is UTF-8.
        encoding = "utf-8" if body[0] == 0x7B and body[1:2] != b"\x00" else json.detect_encoding(body)
        return _DECODER.decode(body.decode(encoding, "surrogatepass"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError("SerializationException", "Malformed JSON request body.", 400) from exc


class RawJSON:
    """A value given as its JSON text, which `dump_document` writes verbatim. Only a member whose shape
    is written verbatim (see `_verbatim`) may hold one, and the text must be what that value's wire
    form is: nothing checks it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# A RawJSON is first written as this string, then its text replaces the string's encoding. The string is
# random per process, so a request cannot send it; one found anyway makes the document encoded the slow way.
_RAW_TOKEN = f"\x00raw-{secrets.token_hex(16)}\x00"
_RAW_WIRE = json.dumps(_RAW_TOKEN, ensure_ascii=False)


def _bytes_as_base64(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return b64encode(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _decoded(value: Any) -> Any:
    if isinstance(value, RawJSON):
        return json.loads(value.text)
    return _bytes_as_base64(value)


def _dumps(document: Any, default: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=default)


def dump_document(document: Any) -> bytes:
    # Blobs inside verbatim values (see _verbatim) are still bytes here.
    raws: list[str] = []

    def default(value: Any) -> Any:
        if isinstance(value, RawJSON):
            raws.append(value.text)
            return _RAW_TOKEN
        return _bytes_as_base64(value)

    text = _dumps(document, default)
    if not raws:
        return text.encode()
    parts = text.split(_RAW_WIRE)
    if len(parts) != len(raws) + 1:
        return _dumps(document, _decoded).encode()
    spliced = [parts[0]]
    for raw, part in zip(raws, parts[1:], strict=True):
        spliced.append(raw)
        spliced.append(part)
    return "".join(spliced).encode()


def _content_type(service: ServiceModel) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def read_input(reader: Reader, shape: StructureShape | None, document: Any) -> dict:
    """The input structure read from a decoded body; a value that does not fit is a SerializationException."""
    if shape is None:
        return {}
    try:
        return reader.read_structure(shape, document)
    except ShapeError as exc:
        raise serialization_error(exc) from exc


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    return read_input(_READER, operation.input_shape, load_document(request.content()))


def _encode_body(shape: StructureShape, value: Mapping[str, Any]) -> bytes:
    return dump_document(_WRITER.write_structure(shape, value))


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    headers = [("x-amzn-RequestId", request_id)]
    shape = operation.output_shape
    if shape is None:
        return HttpResponse(200, [*headers, ("Content-Type", _content_type(operation.service_model))], b"{}")
    stream_name = shape.event_stream_name
    if stream_name:
        return HttpResponse(
            200,
            [*headers, ("Content-Type", EVENT_STREAM_TYPE)],
            initial_response_stream(shape, output, _encode_body, "application/json"),
        )
    headers.append(("Content-Type", _content_type(operation.service_model)))
    return HttpResponse(200, headers, _encode_body(shape, output))


def initial_response_stream(
    shape: StructureShape, output: Mapping[str, Any], encode_body: eventstream.BodyEncoder, body_type: str
) -> Iterator[bytes]:
    """The body of an RPC event-stream response: `initial-response` with the other members, then
    the events of the stream member."""
    stream_name = shape.event_stream_name
    rest = {k: v for k, v in output.items() if k != stream_name}
    yield eventstream.encode_event("initial-response", encode_body(shape, rest), body_type)
    yield from eventstream.encode_event_stream(
        shape.members[stream_name], output.get(stream_name) or (), encode_body, body_type
    )


def error_shape(service: ServiceModel, code: str) -> StructureShape | None:
    """The modeled error for `code`: a shape of that name, or one whose error code it is
    (query-compatible services raise their legacy codes)."""
    if code in service.shape_names:
        shape = service.shape_for(code)
        if shape.metadata.get("exception"):
            return shape
    return service.shape_for_error_code(code)


def error_document(shape: StructureShape | None, error: ServiceError, writer: Writer) -> dict[str, Any]:
    """The error's members: its message (named as the shape names it) and its fields."""
    values = dict(error.fields)
    message_key = "message"
    if shape is not None and "message" not in shape.members and "Message" in shape.members:
        message_key = "Message"
    values.setdefault(message_key, error.message)
    if shape is None:
        return values
    document = writer.write_structure(shape, values)
    document.setdefault(message_key, error.message)
    return document


def query_error_header(
    service: ServiceModel, shape: StructureShape | None, error: ServiceError
) -> list[tuple[str, str]]:
    """`x-amzn-query-error: Code;Sender`, by which a query-compatible service tells the SDK the
    error code of its older query protocol."""
    if "awsQueryCompatible" not in service.metadata:
        return []
    code = shape.error_code if shape is not None else error.code
    return [("x-amzn-query-error", f"{code};{error.fault}")]


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    document = {"__type": shape.name if shape is not None else error.code}
    document.update(error_document(shape, error, _WRITER))
    headers = [
        ("x-amzn-RequestId", request_id),
        ("Content-Type", _content_type(service)),
        *query_error_header(service, shape, error),
        *error.headers.items(),
    ]
    return HttpResponse(error.status, headers, dump_document(document))
