"""The json codec against botocore, both directions, every operation and every modelled error of
the JSON services; then the behaviours botocore cannot show: malformed bodies, type mismatches,
query-compatible error codes.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from botocore.model import OperationModel

from fogbank.errors import ServiceError
from fogbank.protocols import json as json_codec
from fogbank.protocols.http import HttpRequest, HttpResponse
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

JSON_SERVICES = (
    "dynamodb",
    "kms",
    "sqs",
    "logs",
    "kinesis",
    "codecommit",
    "ecr",
    "ecs",
    "codebuild",
    "cloudwatch",
    "secretsmanager",
    "ssm",
    "events",
    "stepfunctions",
)


def _op(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


@pytest.mark.parametrize(("service", "operation"), operation_cases(JSON_SERVICES))
def test_input_round_trip(service: str, operation: str) -> None:
    diff = input_round_trip("json", _op(service, operation))
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "operation"), operation_cases(JSON_SERVICES))
def test_output_round_trip(service: str, operation: str) -> None:
    op = _op(service, operation)
    if op.has_event_stream_output:
        pytest.skip("event-stream output: tested in test_eventstream")
    diff = output_round_trip("json", op)
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "shape_name"), error_cases(JSON_SERVICES))
def test_modelled_error(service: str, shape_name: str) -> None:
    diff = error_round_trip("json", service_model(service), shape_name)
    assert not diff, "\n".join(diff)


def _request(body: bytes, target: str = "DynamoDB_20120810.DescribeTable") -> HttpRequest:
    return HttpRequest("POST", "/", headers={"x-amz-target": target}, body=io.BytesIO(body))


def _raises(operation: OperationModel, body: bytes) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        json_codec.parse_request(operation, _request(body), {})
    return caught.value


def test_empty_body_is_an_empty_input() -> None:
    assert json_codec.parse_request(_op("dynamodb", "ListTables"), _request(b""), {}) == {}


@pytest.mark.parametrize("body", [b"{", b"[1,", b"\xff\xfe", b"nul"])
def test_malformed_json_is_a_serialization_exception(body: bytes) -> None:
    error = _raises(_op("dynamodb", "DescribeTable"), body)
    assert (error.code, error.status) == ("SerializationException", 400)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"TableName": 5}', "NUMBER_VALUE can not be converted to a String"),
        (b'{"TableName": {"a": 1}}', "Start of structure or map found where not expected."),
        (b'{"TableName": ["a"]}', "Start of list found where not expected."),
    ],
)
def test_wrong_member_type_is_a_serialization_exception(body: bytes, fragment: str) -> None:
    error = _raises(_op("dynamodb", "DescribeTable"), body)
    assert error.code == "SerializationException" and fragment in error.message


def test_integer_member_rejects_strings_and_booleans() -> None:
    for body in (b'{"Limit": "5"}', b'{"Limit": true}', b'{"Limit": 1.5}'):
        assert _raises(_op("dynamodb", "ListTables"), body).code == "SerializationException"
    parsed = json_codec.parse_request(_op("dynamodb", "ListTables"), _request(b'{"Limit": 5.0}'), {})
    assert parsed == {"Limit": 5}


def test_members_come_out_in_the_model_order_whatever_the_wire_order() -> None:
    body = b'{"Item": {"pk": {"S": "a"}}, "Unknown": 1, "ReturnValues": "NONE", "TableName": "table"}'
    parsed = json_codec.parse_request(_op("dynamodb", "PutItem"), _request(body), {})
    assert list(parsed) == ["TableName", "Item", "ReturnValues"]
    assert parsed["Item"] == {"pk": {"S": "a"}}


def test_the_misfit_reported_is_the_first_in_the_model_order() -> None:
    error = _raises(_op("dynamodb", "ListTables"), b'{"Limit": "5", "ExclusiveStartTableName": 5}')
    assert error.message == "NUMBER_VALUE can not be converted to a String"


def test_nested_attribute_values_are_read_at_every_depth() -> None:
    value: dict = {"B": "AAE="}
    for depth in range(12):
        value = {"M": {"k": value}} if depth % 2 else {"L": [value, {"NULL": True}]}
    body = json.dumps({"TableName": "table", "Item": {"pk": {"S": "a"}, "doc": value}}).encode()
    parsed = json_codec.parse_request(_op("dynamodb", "PutItem"), _request(body), {})
    inner = parsed["Item"]["doc"]
    for depth in reversed(range(12)):
        inner = inner["M"]["k"] if depth % 2 else inner["L"][0]
    assert inner == {"B": b"\x00\x01"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le", "utf-16", "utf-32-be"])
def test_bodies_in_any_json_encoding_are_read(encoding: str) -> None:
    body = '{"TableName": "tablé"}'.encode(encoding)
    assert json_codec.parse_request(_op("dynamodb", "DescribeTable"), _request(body), {}) == {
        "TableName": "tablé"
    }


def test_bad_base64_blob_is_a_serialization_exception() -> None:
    operation = _op("kms", "Decrypt")
    with pytest.raises(ServiceError) as caught:
        json_codec.parse_request(operation, _request(b'{"CiphertextBlob": "!!!"}'), {})
    assert caught.value.code == "SerializationException"


def test_timestamps_read_epoch_numbers_and_text() -> None:
    operation = _op("kinesis", "GetShardIterator")
    expected = datetime(2024, 5, 17, 12, 34, 56, 789000, tzinfo=UTC)
    for raw in (1715949296.789, '"2024-05-17T12:34:56.789Z"'):
        body = (
            f'{{"StreamName": "s", "ShardId": "x", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": {raw}}}'
        )
        parsed = json_codec.parse_request(operation, _request(body.encode()), {})
        assert parsed["Timestamp"] == expected


def test_response_headers_and_content_type_follow_json_version() -> None:
    response = json_codec.serialize_response(_op("kms", "ListKeys"), {"Keys": []}, REQUEST_ID)
    assert response.header("content-type") == "application/x-amz-json-1.1"
    assert response.header("x-amzn-requestid") == REQUEST_ID
    response = json_codec.serialize_response(_op("dynamodb", "ListTables"), {}, REQUEST_ID)
    assert response.header("content-type") == "application/x-amz-json-1.0"


def test_unknown_output_keys_are_left_out() -> None:
    response = json_codec.serialize_response(_op("kms", "ListKeys"), {"Keys": [], "_internal": 1}, REQUEST_ID)
    assert json.loads(bytes(response.body)) == {"Keys": []}


def _error(service: str, error: ServiceError) -> HttpResponse:
    return json_codec.serialize_error(service_model(service), None, error, REQUEST_ID)


def test_error_body_has_type_and_message() -> None:
    response = _error("dynamodb", ServiceError("ResourceNotFoundException", "Requested resource not found"))
    assert response.status == 400
    assert json.loads(bytes(response.body)) == {
        "__type": "ResourceNotFoundException",
        "message": "Requested resource not found",
    }
    assert response.header("x-amzn-query-error") is None


def test_query_compatible_error_carries_the_query_code() -> None:
    # Raised by shape name or by the legacy query code, the wire is the same.
    for code in ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"):
        response = _error("sqs", ServiceError(code, "The specified queue does not exist."))
        assert json.loads(bytes(response.body))["__type"] == "QueueDoesNotExist"
        assert response.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_query_compatible_unmodelled_error_uses_its_own_code_and_fault() -> None:
    response = _error("sqs", ServiceError("InternalError", "boom", 500))
    assert response.header("x-amzn-query-error") == "InternalError;Receiver"
    parsed = parse_with_botocore("json", _op("sqs", "ListQueues"), response)
    assert parsed["Error"]["Code"] == "InternalError"


def test_error_extra_headers_are_kept() -> None:
    response = _error("kms", ServiceError("ThrottlingException", "slow down", headers={"Retry-After": "1"}))
    assert response.header("retry-after") == "1"


def test_raw_json_values_are_spliced_in_verbatim() -> None:
    raw = json_codec.RawJSON
    items = [raw('{"pk":{"S":"a"},"n":{"N":"1.5"}}'), raw('{"pk":{"S":"\\u00e9"}}')]
    document = {"Items": items, "Count": 2, "Blob": b"\x01"}
    text = json_codec.dump_document(document)
    assert json.loads(text) == {
        "Items": [{"pk": {"S": "a"}, "n": {"N": "1.5"}}, {"pk": {"S": "é"}}],
        "Count": 2,
        "Blob": "AQ==",
    }
    assert b'{"pk":{"S":"a"},"n":{"N":"1.5"}}' in text


def test_raw_json_placeholder_found_in_data_falls_back_to_decoding() -> None:
    # A string equal to the placeholder cannot come from a request (it is random per process); were it
    # there anyway, the document is encoded by decoding each raw value instead of splicing.
    document = {"Items": [json_codec.RawJSON('{"a":{"S":"x"}}')], "Note": json_codec._RAW_TOKEN}
    assert json.loads(json_codec.dump_document(document)) == {
        "Items": [{"a": {"S": "x"}}],
        "Note": json_codec._RAW_TOKEN,
    }
