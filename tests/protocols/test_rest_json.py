"""The rest-json codec against botocore, both directions, every operation and modelled error of the
REST-JSON services; then the HTTP bindings one by one (rest.py) and the error wire format.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import OperationModel

from fogbank.errors import ServiceError
from fogbank.protocols import rest
from fogbank.protocols import rest_json as codec
from fogbank.protocols.http import HttpRequest
from fogbank.specs import service_model
from tests.protocols.oracle import (
    REQUEST_ID,
    error_cases,
    error_round_trip,
    input_round_trip,
    operation_cases,
    output_round_trip,
    parse_with_botocore,
)

REST_JSON_SERVICES = (
    "xray",
    "lambda",
    "apigateway",
    "glacier",
    "eks",
    "efs",
    "batch",
    "appsync",
    "apigatewayv2",
    "iot",
    "mediaconvert",
    "lexv2-runtime",
)


def _op(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


@pytest.mark.parametrize(("service", "operation"), operation_cases(REST_JSON_SERVICES))
def test_input_round_trip(service: str, operation: str) -> None:
    op = _op(service, operation)
    if op.has_event_stream_input:
        pytest.skip("event-stream input is a bidirectional HTTP/2 stream fogbank does not serve")
    diff = input_round_trip("rest-json", op)
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "operation"), operation_cases(REST_JSON_SERVICES))
def test_output_round_trip(service: str, operation: str) -> None:
    op = _op(service, operation)
    if op.has_event_stream_output:
        pytest.skip("event-stream output: tested in test_eventstream")
    if op.has_streaming_output:
        pytest.skip("streaming output: tested below, the shared normalizer cannot rewind a StreamingBody")
    diff = output_round_trip("rest-json", op)
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "shape_name"), error_cases(REST_JSON_SERVICES))
def test_modelled_error(service: str, shape_name: str) -> None:
    diff = error_round_trip("rest-json", service_model(service), shape_name)
    assert not diff, "\n".join(diff)


def _request(
    method: str, path: str, query: str = "", headers: dict[str, str] | None = None, body: bytes = b""
) -> HttpRequest:
    return HttpRequest(method, path, query, headers or {}, io.BytesIO(body))


def test_streaming_output_passes_bytes_through() -> None:
    operation = _op("glacier", "GetJobOutput")
    output = {"body": b"\x00archive\xff", "status": 206, "contentRange": "bytes 0-9/10", "checksum": "abc"}
    response = codec.serialize_response(operation, output, REQUEST_ID)
    assert response.status == 206 and response.body == b"\x00archive\xff"
    assert response.header("content-range") == "bytes 0-9/10"
    parsed = parse_with_botocore("rest-json", operation, response)
    assert parsed["body"].read() == b"\x00archive\xff" and parsed["status"] == 206


def test_streaming_input_is_the_request_body() -> None:
    operation = _op("glacier", "UploadArchive")
    body = io.BytesIO(b"archive bytes")
    request = HttpRequest("POST", "/-/vaults/v/archives", "", {"x-amz-archive-description": "d"}, body)
    parsed = codec.parse_request(operation, request, {"accountId": "-", "vaultName": "v"})
    assert parsed["body"] is body and parsed["body"].read() == b"archive bytes"
    assert parsed == {"body": body, "accountId": "-", "vaultName": "v", "archiveDescription": "d"}


def test_blob_payload_is_bytes_and_absent_when_empty() -> None:
    operation = _op("lambda", "Invoke")
    request = _request("POST", "/2015-03-31/functions/f/invocations", body=b'{"x": 1}')
    assert codec.parse_request(operation, request, {"FunctionName": "f"})["Payload"] == b'{"x": 1}'
    request = _request("POST", "/2015-03-31/functions/f/invocations")
    assert "Payload" not in codec.parse_request(operation, request, {"FunctionName": "f"})


def test_querystring_list_map_and_literal_keys() -> None:
    # apigateway GetExport: a querystring map (parameters) beside a header (accepts).
    operation = _op("apigateway", "GetExport")
    request = _request(
        "GET",
        "/restapis/a/stages/s/exports/swagger",
        "extensions=postman&x=1",
        {"accept": "application/yaml"},
    )
    labels = {"restapi_id": "a", "stage_name": "s", "export_type": "swagger"}
    parsed = codec.parse_request(operation, request, labels)
    assert parsed["parameters"] == {"extensions": "postman", "x": "1"}
    assert parsed["accepts"] == "application/yaml"
    assert rest.literal_query_keys("/{Bucket}?tagging&x-id=GetObject") == {"tagging", "x-id"}


def test_querystring_scalars_convert_and_bad_text_is_a_serialization_exception() -> None:
    operation = _op("lambda", "ListFunctions")
    request = _request("GET", "/2015-03-31/functions/", "MaxItems=5&Marker=m")
    parsed = codec.parse_request(operation, request, {})
    assert parsed == {"MaxItems": 5, "Marker": "m"}
    with pytest.raises(ServiceError) as caught:
        codec.parse_request(operation, _request("GET", "/2015-03-31/functions/", "MaxItems=five"), {})
    assert caught.value.code == "SerializationException"


def test_header_timestamps_and_lists() -> None:
    shape = _op("lambda", "Invoke").input_shape
    member = shape.members["ClientContext"]
    assert rest.parse_text(member, "abc", "header") == "abc"
    timestamp = datetime(2024, 5, 17, 12, 34, 56, tzinfo=UTC)
    ts_shape = _op("glacier", "GetJobOutput").output_shape  # any shape will do for text forms
    assert ts_shape is not None
    assert rest.format_text(_TimestampShape(), timestamp, "header") == "Fri, 17 May 2024 12:34:56 GMT"
    assert rest.parse_text(_TimestampShape(), "Fri, 17 May 2024 12:34:56 GMT", "header") == timestamp


class _TimestampShape:
    type_name = "timestamp"
    serialization: dict[str, Any] = {}


def test_jsonvalue_header_round_trip() -> None:
    class JsonValue:
        type_name = "string"
        serialization = {"jsonvalue": True, "location": "header"}

    text = rest.format_text(JsonValue(), {"a": [1, "ü"]}, "header")
    assert rest.parse_text(JsonValue(), text, "header") == {"a": [1, "ü"]}


def test_error_names_code_in_header_and_body() -> None:
    model = service_model("lambda")
    error = ServiceError("ResourceNotFoundException", "Function not found: f", 404, fields={"Type": "User"})
    response = codec.serialize_error(model, None, error, REQUEST_ID)
    assert response.status == 404
    assert response.header("x-amzn-errortype") == "ResourceNotFoundException"
    assert json.loads(bytes(response.body)) == {
        "__type": "ResourceNotFoundException",
        "Type": "User",
        "Message": "Function not found: f",
    }


def test_error_header_members_go_to_headers() -> None:
    model = service_model("lambda")
    error = ServiceError("TooManyRequestsException", "Rate exceeded", 429, fields={"retryAfterSeconds": "3"})
    response = codec.serialize_error(model, None, error, REQUEST_ID)
    assert response.header("retry-after") == "3"
    assert "retryAfterSeconds" not in json.loads(bytes(response.body))


def test_unmodelled_error() -> None:
    response = codec.serialize_error(
        service_model("xray"), None, ServiceError("AccessDeniedException", "no"), REQUEST_ID
    )
    parsed = parse_with_botocore("rest-json", _op("xray", "GetGroups"), response)
    assert parsed["Error"] == {"Code": "AccessDeniedException", "Message": "no"}


def test_status_code_member_and_default_response_code() -> None:
    operation = _op("glacier", "CompleteMultipartUpload")
    assert codec.serialize_response(operation, {}, REQUEST_ID).status == 201
    operation = _op("lambda", "Invoke")
    response = codec.serialize_response(operation, {"StatusCode": 202, "Payload": b""}, REQUEST_ID)
    assert response.status == 202
