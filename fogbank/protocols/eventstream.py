"""The AWS event-stream binary framing (application/vnd.amazon.eventstream), encoder side.

A message is a prelude (total length, headers length, CRC32 of those eight bytes), typed
headers, the payload, and a CRC32 of everything before it. Headers are typed on the wire; a
Python value picks its type (bool, int32 or int64 by magnitude, bytes, str, datetime, UUID)
unless it is wrapped in `HeaderValue` to name the type exactly, as a model's event header
members do. Three kinds of message exist: events (`:message-type event`), modeled exceptions
(`:message-type exception`) and unmodeled errors (`:message-type error`).

`encode_event_stream` turns a model's event-stream union and an iterable of events into
frames, given the body encoder of the protocol (JSON or CBOR); it has no other protocol
knowledge.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.model import Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols.timestamps import to_datetime

__all__ = [
    "HeaderValue",
    "encode_message",
    "encode_event",
    "encode_exception",
    "encode_error",
    "encode_event_stream",
]

BOOL_TRUE, BOOL_FALSE, BYTE, SHORT, INTEGER, LONG, BYTE_ARRAY, STRING, TIMESTAMP, UUID = range(10)

_INT32 = range(-(2**31), 2**31)


@dataclass(frozen=True, slots=True)
class HeaderValue:
    """A header value with its wire type named explicitly (one of the type codes above)."""

    type: int
    value: Any


def _header_value(value: Any) -> HeaderValue:
    if isinstance(value, HeaderValue):
        return value
    if isinstance(value, bool):
        return HeaderValue(BOOL_TRUE if value else BOOL_FALSE, value)
    if isinstance(value, int):
        return HeaderValue(INTEGER if value in _INT32 else LONG, value)
    if isinstance(value, bytes | bytearray):
        return HeaderValue(BYTE_ARRAY, bytes(value))
    if isinstance(value, str):
        return HeaderValue(STRING, value)
    if isinstance(value, datetime):
        return HeaderValue(TIMESTAMP, value)
    if isinstance(value, uuid.UUID):
        return HeaderValue(UUID, value)
    raise TypeError(f"no event-stream header type for {type(value).__name__}")


def _encode_header(name: str, value: Any) -> bytes:
    raw_name = name.encode()
    typed = _header_value(value)
    out = struct.pack("B", len(raw_name)) + raw_name + struct.pack("B", typed.type)
    kind, v = typed.type, typed.value
    if kind in (BOOL_TRUE, BOOL_FALSE):
        return out
    if kind == BYTE:
        return out + struct.pack(">b", v)
    if kind == SHORT:
        return out + struct.pack(">h", v)
    if kind == INTEGER:
        return out + struct.pack(">i", v)
    if kind == LONG:
        return out + struct.pack(">q", v)
    if kind in (BYTE_ARRAY, STRING):
        data = v.encode() if isinstance(v, str) else bytes(v)
        return out + struct.pack(">H", len(data)) + data
    if kind == TIMESTAMP:
        # An int is already epoch milliseconds, the wire unit; anything else is a moment.
        millis = v if isinstance(v, int) else int(to_datetime(v).timestamp() * 1000)
        return out + struct.pack(">q", millis)
    if kind == UUID:
        return out + (v.bytes if isinstance(v, uuid.UUID) else bytes(v))
    raise ValueError(f"unknown event-stream header type {kind}")


def encode_message(headers: Mapping[str, Any], payload: bytes) -> bytes:
    """One framed message; header order is kept as given."""
    raw_headers = b"".join(_encode_header(name, value) for name, value in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + raw_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def encode_event(
    event_type: str, payload: bytes, content_type: str | None = None, headers: Mapping[str, Any] | None = None
) -> bytes:
    """An event message; `headers` are the event's own modeled header members."""
    framing: dict[str, Any] = {":message-type": "event", ":event-type": event_type}
    if content_type is not None:
        framing[":content-type"] = content_type
    framing.update(headers or {})
    return encode_message(framing, payload)


def encode_exception(exception_type: str, payload: bytes, content_type: str) -> bytes:
    """A modeled exception of the stream: the SDK raises the stream member of that name."""
    return encode_message(
        {":message-type": "exception", ":exception-type": exception_type, ":content-type": content_type},
        payload,
    )


def encode_error(code: str, message: str) -> bytes:
    """An unmodeled error: the stream ends and the SDK raises `code` with `message`."""
    return encode_message({":message-type": "error", ":error-code": code, ":error-message": message}, b"")


BodyEncoder = Callable[[StructureShape, Mapping[str, Any]], bytes]

_HEADER_TYPES = {
    "boolean": None,
    "byte": BYTE,
    "short": SHORT,
    "integer": INTEGER,
    "long": LONG,
    "blob": BYTE_ARRAY,
    "string": STRING,
    "timestamp": TIMESTAMP,
}


def _event_header(shape: Shape, value: Any) -> Any:
    kind = _HEADER_TYPES.get(shape.type_name)
    if kind is None:
        return value
    if kind == TIMESTAMP:
        return HeaderValue(TIMESTAMP, int(to_datetime(value).timestamp() * 1000))
    return HeaderValue(kind, value)


def _encode_one(
    name: str, shape: StructureShape, value: Mapping[str, Any], encode_body: BodyEncoder, body_type: str
) -> bytes:
    headers: dict[str, Any] = {}
    body_members: dict[str, Any] = {}
    payload: bytes | None = None
    content_type = body_type
    for member_name, member_shape in shape.members.items():
        member_value = value.get(member_name)
        if member_value is None:
            continue
        if member_shape.serialization.get("eventheader"):
            headers[member_name] = _event_header(member_shape, member_value)
        elif member_shape.serialization.get("eventpayload"):
            if member_shape.type_name == "blob":
                payload, content_type = bytes(member_value), "application/octet-stream"
            elif member_shape.type_name == "string":
                payload, content_type = member_value.encode(), "text/plain"
            else:
                payload = encode_body(member_shape, member_value)
        else:
            body_members[member_name] = member_value
    if payload is None:
        payload = encode_body(shape, body_members)
    return encode_event(name, payload, content_type, headers)


def encode_event_stream(
    stream_shape: StructureShape,
    events: Iterable[Mapping[str, Any]],
    encode_body: BodyEncoder,
    body_type: str,
) -> Iterator[bytes]:
    """Frames for `events`, each a one-key dict {member name of the stream union: event}.

    A ServiceError raised by the event source ends the stream with an exception message when
    the stream models that error, else with an error message, as AWS ends a failed stream.
    """
    members = stream_shape.members
    try:
        for event in events:
            for name, value in event.items():
                yield _encode_one(name, members[name], value, encode_body, body_type)
    except ServiceError as error:
        shape = members.get(error.code)
        if shape is not None and shape.metadata.get("exception"):
            body = {"message": error.message, **error.fields}
            known = {k: v for k, v in body.items() if k in shape.members}
            if "message" not in shape.members and "Message" in shape.members:
                known.setdefault("Message", error.message)
            yield encode_exception(error.code, encode_body(shape, known), body_type)
        else:
            yield encode_error(error.code, error.message)
