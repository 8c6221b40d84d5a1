"""The query codec against botocore: botocore serializes and fogbank parses; fogbank serializes
and botocore parses. Every operation of the query services, one modelled error per error shape.

The helpers at the top are shared with the ec2 and rest-xml tests.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel, StructureShape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from fogbank.errors import ServiceError
from fogbank.protocols import codec
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.query import query_view
from fogbank.specs import service_model
from tests.protocols.oracle import REQUEST_ID, error_cases, operation_cases
from tests.protocols.shapegen import generate_error, generate_input, generate_output, normalize

QUERY_SERVICES = (
    "iam",
    "sts",
    "sns",
    "ses",
    "cloudformation",
    "cloudwatch",
    "elasticache",
    "rds",
    "elasticbeanstalk",
)


def botocore_request(protocol: str, operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    return create_serializer(protocol, include_validation=False).serialize_to_request(params, operation)


def form_request(serialized: dict[str, Any]) -> HttpRequest:
    """The HTTP request botocore would send for a query/ec2 serialization (a form body)."""
    body = serialized["body"]
    content = urlencode(list(body.items()), doseq=True).encode() if isinstance(body, dict) else body
    headers = {key.lower(): value for key, value in serialized["headers"].items()}
    return HttpRequest(serialized["method"], serialized["url_path"], "", headers, io.BytesIO(content))


def botocore_parse(
    protocol: str, response: HttpResponse, shape: StructureShape | None, *, streaming: bool = False
) -> dict[str, Any]:
    body = response.body if isinstance(response.body, bytes) else b"".join(response.body)
    if streaming:
        body = StreamingBody(io.BytesIO(body), len(body))
    headers = HeadersDict(response.headers)
    raw = {"status_code": response.status, "headers": headers, "body": body, "context": {}}
    parsed = create_parser(protocol).parse(raw, shape)
    # A StreamingBody cannot seek back, so it is read here, once.
    return {key: value.read() if isinstance(value, StreamingBody) else value for key, value in parsed.items()}


def body_members(shape: StructureShape | None, value: dict[str, Any]) -> dict[str, Any]:
    """The value without ResponseMetadata and event streams (the eventstream codec's, tested apart)."""
    members = shape.members if shape is not None else {}
    return {
        key: item
        for key, item in value.items()
        if key != "ResponseMetadata"
        and not (key in members and members[key].serialization.get("eventstream"))
    }


def assert_same(shape: StructureShape | None, expected: dict, actual: dict, protocol: str) -> None:
    actual = body_members(shape, actual)
    assert normalize(shape, actual, protocol, location="top") == normalize(
        shape, expected, protocol, location="top"
    )


def modelled_error(service: ServiceModel, shape_name: str, protocol: str) -> tuple[ServiceError, str]:
    """A ServiceError carrying every member of the shape, and the code AWS puts on the wire for it."""
    shape = service.shape_for(shape_name)
    fields = generate_error(service, shape, protocol=protocol)
    message = str(fields.pop("message", fields.pop("Message", "it went wrong <&>")))
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    wire_code = shape.metadata.get("error", {}).get("code", shape_name)
    return ServiceError(shape_name, message, status, fields=fields), wire_code


def check_error(protocol: str, service_name: str, shape_name: str) -> None:
    service = service_model(service_name)
    error, wire_code = modelled_error(service, shape_name, protocol)
    operation = service.operation_model(service.operation_names[0])
    response = codec(protocol).serialize_error(service, operation, error, REQUEST_ID)
    assert response.status == error.status
    generic = botocore_parse(protocol, response, operation.output_shape)
    assert generic["Error"]["Code"] == wire_code
    assert generic["Error"]["Message"] == error.message
    assert generic["ResponseMetadata"]["RequestId"] == REQUEST_ID
    shape = service.shape_for(shape_name)
    modelled = botocore_parse(protocol, response, shape)
    expected = {key: value for key, value in error.fields.items() if key in shape.members}
    assert_same(shape, expected, {k: v for k, v in modelled.items() if k.lower() != "message"}, protocol)


def check_input(protocol: str, service_name: str, op: str, wire_protocol: str | None = None) -> None:
    operation = service_model(service_name).operation_model(op)
    wire = wire_protocol or protocol
    params = generate_input(operation, protocol=wire)
    wire_model = query_view(operation) if wire == "query" else operation  # SQS: its query-era names
    request = form_request(botocore_request(wire, wire_model, params))
    parsed = codec(wire).parse_request(operation, request, {})
    assert_same(operation.input_shape, params, parsed, wire)


def check_output(protocol: str, service_name: str, op: str) -> None:
    operation = service_model(service_name).operation_model(op)
    output = generate_output(operation, protocol=protocol)
    response = codec(protocol).serialize_response(operation, output, REQUEST_ID)
    parsed = botocore_parse(protocol, response, operation.output_shape)
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert_same(operation.output_shape, output, parsed, protocol)


@pytest.mark.parametrize(("service", "op"), operation_cases(QUERY_SERVICES))
def test_input_round_trips(service: str, op: str) -> None:
    check_input("query", service, op)


@pytest.mark.parametrize(("service", "op"), operation_cases(QUERY_SERVICES))
def test_output_round_trips(service: str, op: str) -> None:
    check_output("query", service, op)


@pytest.mark.parametrize(("service", "shape_name"), error_cases(QUERY_SERVICES))
def test_modelled_error_round_trips(service: str, shape_name: str) -> None:
    check_error("query", service, shape_name)


@pytest.mark.parametrize(("service", "op"), operation_cases(("sqs",)))
def test_sqs_query_input_round_trips(service: str, op: str) -> None:
    """SQS is a JSON model that still answers the query protocol: its list/map traits apply."""
    check_input("query", service, op)


def test_error_code_trait_names_the_wire_code() -> None:
    """A shape named apart from its code (CloudWatch's DashboardNotFoundError) answers with the code."""
    service = service_model("cloudwatch")
    error = ServiceError("DashboardNotFoundError", "No dashboard.", 404)
    response = codec("query").serialize_error(service, None, error, REQUEST_ID)
    parsed = botocore_parse("query", response, None)
    assert parsed["Error"]["Code"] == "ResourceNotFound"
    assert parsed["Error"]["Type"] == "Sender"
    assert response.header("x-amzn-RequestId") == REQUEST_ID


def test_sqs_query_error_code() -> None:
    service = service_model("sqs")
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist.", 400)
    parsed = botocore_parse("query", codec("query").serialize_error(service, None, error, REQUEST_ID), None)
    assert parsed["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_sqs_result_is_wrapped_as_aws_does() -> None:
    operation = service_model("sqs").operation_model("GetQueueUrl")
    response = codec("query").serialize_response(operation, {"QueueUrl": "http://q/1"}, REQUEST_ID)
    assert b"<GetQueueUrlResult><QueueUrl>http://q/1</QueueUrl></GetQueueUrlResult>" in response.body


def _query_request(
    operation: OperationModel, fields: list[tuple[str, str]], *, in_query: bool = False
) -> Any:
    encoded = urlencode(
        [("Action", operation.name), ("Version", operation.service_model.api_version), *fields]
    )
    if in_query:
        return HttpRequest("GET", "/", encoded)
    return HttpRequest("POST", "/", "", {}, io.BytesIO(encoded.encode()))


def test_parameters_in_the_query_string() -> None:
    operation = service_model("iam").operation_model("ListUsers")
    request = _query_request(operation, [("MaxItems", "5"), ("PathPrefix", "/a/")], in_query=True)
    assert codec("query").parse_request(operation, request, {}) == {"MaxItems": 5, "PathPrefix": "/a/"}


def test_ill_typed_value_is_invalid_parameter_value() -> None:
    operation = service_model("iam").operation_model("ListUsers")
    request = _query_request(operation, [("MaxItems", "abc")])
    with pytest.raises(ServiceError) as caught:
        codec("query").parse_request(operation, request, {})
    assert (caught.value.code, caught.value.status) == ("InvalidParameterValue", 400)


@pytest.mark.parametrize(
    "fields",
    [
        [("Tags.member.x.Key", "k")],
        [("Tags.member.1", "scalar-where-structure-belongs")],
        [("Tags", "x"), ("Tags.member.1.Key", "k")],
        [("Unknown.Param", "ignored"), ("UserName.Nested", "x")],
    ],
)
def test_odd_input_never_escapes_as_an_exception(fields: list[tuple[str, str]]) -> None:
    operation = service_model("iam").operation_model("TagUser")
    request = _query_request(operation, [("UserName", "u"), *fields])
    parsed = codec("query").parse_request(operation, request, {})
    assert isinstance(parsed, dict)


def test_unknown_parameters_are_ignored() -> None:
    operation = service_model("sts").operation_model("GetCallerIdentity")
    request = _query_request(operation, [("Bogus", "1")])
    assert codec("query").parse_request(operation, request, {}) == {}


def test_error_carries_status_type_and_extra_headers() -> None:
    service = service_model("iam")
    error = ServiceError("Throttling", "Rate exceeded", 500, headers={"Retry-After": "1"})
    response = codec("query").serialize_error(service, None, error, REQUEST_ID)
    assert response.status == 500
    assert response.header("retry-after") == "1"
    assert b"<Type>Receiver</Type>" in response.body
    assert response.header("content-type") == "text/xml"
