"""The event-stream encoder, decoded by botocore: framing and typed headers, then whole model-driven
streams (Kinesis SubscribeToShard over json, Lambda InvokeWithResponseStream over rest-json, a
CBOR stream) read back through botocore's parsers as a client reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest
from botocore.awsrequest import HeadersDict
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import EventStreamError
from botocore.parsers import create_parser

from fogbank.errors import ServiceError
from fogbank.protocols import cbor, eventstream, rest_json
from fogbank.protocols import json as json_codec
from fogbank.protocols.http import HttpResponse
from fogbank.specs import service_model


def _decode(data: bytes) -> list[Any]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_message_framing_and_every_header_type() -> None:
    moment = datetime(2024, 5, 17, 12, 34, 56, 789000, tzinfo=UTC)
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    headers = {
        "t": True,
        "f": False,
        "i32": 7,
        "i64": 2**40,
        "neg": -3,
        "bytes": b"\x00\xff",
        "str": "ünï ✓",
        "ts": moment,
        "uuid": ident,
        "byte": eventstream.HeaderValue(eventstream.BYTE, -2),
        "short": eventstream.HeaderValue(eventstream.SHORT, 300),
        "long": eventstream.HeaderValue(eventstream.LONG, 5),
    }
    data = eventstream.encode_message(headers, b"payload \x00")
    (message,) = _decode(data)
    assert message.payload == b"payload \x00"
    assert message.headers == {
        "t": True,
        "f": False,
        "i32": 7,
        "i64": 2**40,
        "neg": -3,
        "bytes": b"\x00\xff",
        "str": "ünï ✓",
        "ts": 1715949296789,
        "uuid": ident.bytes,
        "byte": -2,
        "short": 300,
        "long": 5,
    }


def test_several_messages_and_an_empty_one() -> None:
    data = eventstream.encode_event("A", b"1", "text/plain") + eventstream.encode_message({}, b"")
    first, second = _decode(data)
    assert first.headers == {":message-type": "event", ":event-type": "A", ":content-type": "text/plain"}
    assert (second.headers, second.payload) == ({}, b"")


def test_exception_and_error_messages() -> None:
    exception, error = _decode(
        eventstream.encode_exception("Boom", b'{"message":"m"}', "application/json")
        + eventstream.encode_error("InternalFailure", "broken")
    )
    assert exception.headers[":message-type"] == "exception"
    assert exception.headers[":exception-type"] == "Boom"
    assert error.headers == {
        ":message-type": "error",
        ":error-code": "InternalFailure",
        ":error-message": "broken",
    }


class _RawStream:
    """What botocore's EventStream reads: an object whose stream() yields chunks."""

    def __init__(self, chunks: Any) -> None:
        self._chunks = chunks

    def stream(self) -> Iterator[bytes]:
        # Re-chunk into small pieces: frames must survive arbitrary splits.
        data = b"".join(self._chunks)
        for i in range(0, len(data), 7):
            yield data[i : i + 7]

    def close(self) -> None:
        return None


def _client_parse(protocol: str, service: str, operation_name: str, response: HttpResponse) -> dict:
    operation = service_model(service).operation_model(operation_name)
    headers = HeadersDict(dict(response.headers))
    parsed = create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": headers,
            "body": _RawStream(response.body),
            "context": {"operation_name": operation_name},
        },
        operation.output_shape,
    )
    return parsed


def _kinesis_events(fail: bool) -> Iterator[dict[str, Any]]:
    arrival = datetime(2024, 5, 17, 12, 0, 0, 250000, tzinfo=UTC)
    yield {
        "SubscribeToShardEvent": {
            "Records": [
                {
                    "SequenceNumber": "1",
                    "Data": b"\x00data\xff",
                    "PartitionKey": "pk",
                    "ApproximateArrivalTimestamp": arrival,
                }
            ],
            "ContinuationSequenceNumber": "1",
            "MillisBehindLatest": 0,
        }
    }
    if fail:
        raise ServiceError("ResourceNotFoundException", "shard gone")


def test_json_event_stream_round_trip_with_initial_response_and_modelled_exception() -> None:
    operation = service_model("kinesis").operation_model("SubscribeToShard")
    response = json_codec.serialize_response(operation, {"EventStream": _kinesis_events(fail=True)}, "r")
    assert response.header("content-type") == "application/vnd.amazon.eventstream"
    parsed = _client_parse("json", "kinesis", "SubscribeToShard", response)
    events = iter(parsed["EventStream"])
    first = next(events)["SubscribeToShardEvent"]
    assert first["Records"][0]["Data"] == b"\x00data\xff"
    assert first["Records"][0]["ApproximateArrivalTimestamp"] == datetime(
        2024, 5, 17, 12, 0, 0, 250000, tzinfo=UTC
    )
    with pytest.raises(EventStreamError) as caught:
        next(events)
    assert caught.value.response["Error"] == {"Code": "ResourceNotFoundException", "Message": "shard gone"}


def test_unmodelled_stream_error_is_an_error_message() -> None:
    def events() -> Iterator[dict[str, Any]]:
        raise ServiceError("InternalFailure", "broken", 500)
        yield {}

    operation = service_model("kinesis").operation_model("SubscribeToShard")
    response = json_codec.serialize_response(operation, {"EventStream": events()}, "r")
    parsed = _client_parse("json", "kinesis", "SubscribeToShard", response)
    with pytest.raises(EventStreamError) as caught:
        list(parsed["EventStream"])
    assert caught.value.response["Error"] == {"Code": "InternalFailure", "Message": "broken"}


def test_rest_json_event_stream_payload_and_headers() -> None:
    operation = service_model("lambda").operation_model("InvokeWithResponseStream")
    output = {
        "StatusCode": 200,
        "ExecutedVersion": "$LATEST",
        "EventStream": iter(
            [
                {"PayloadChunk": {"Payload": b"chunk-1"}},
                {"PayloadChunk": {"Payload": b"chunk-2"}},
                {"InvokeComplete": {"ErrorCode": "", "LogResult": "bG9n"}},
            ]
        ),
    }
    response = rest_json.serialize_response(operation, output, "r")
    assert response.header("x-amz-executed-version") == "$LATEST"
    parsed = _client_parse("rest-json", "lambda", "InvokeWithResponseStream", response)
    events = list(parsed["EventStream"])
    assert events[0] == {"PayloadChunk": {"Payload": b"chunk-1"}}
    assert events[1] == {"PayloadChunk": {"Payload": b"chunk-2"}}
    assert events[2] == {"InvokeComplete": {"ErrorCode": "", "LogResult": "bG9n"}}


def test_cbor_event_stream_bodies_are_cbor() -> None:
    # No CBOR model streams today; the same framing carries CBOR bodies when one does.
    shape = service_model("kinesis").operation_model("SubscribeToShard").output_shape
    frames = b"".join(
        json_codec.initial_response_stream(
            shape, {"EventStream": _kinesis_events(fail=False)}, cbor._encode_body, cbor.CONTENT_TYPE
        )
    )
    initial, event = _decode(frames)
    assert initial.headers[":event-type"] == "initial-response"
    assert event.headers[":content-type"] == "application/cbor"
    assert cbor2.loads(event.payload)["Records"][0]["Data"] == b"\x00data\xff"
