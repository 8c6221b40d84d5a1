"""The ec2 codec against botocore, over every EC2 operation and modelled error."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest

from fogbank.errors import ServiceError
from fogbank.protocols import codec
from fogbank.protocols.http import HttpRequest
from fogbank.specs import service_model
from tests.protocols.oracle import REQUEST_ID, operation_cases
from tests.protocols.test_query import (
    botocore_parse,
    check_input,
    check_output,
)


@pytest.mark.parametrize(("service", "op"), operation_cases(("ec2",)))
def test_input_round_trips(service: str, op: str) -> None:
    check_input("ec2", service, op)


@pytest.mark.parametrize(("service", "op"), operation_cases(("ec2",)))
def test_output_round_trips(service: str, op: str) -> None:
    check_output("ec2", service, op)


def test_error_shape() -> None:
    service = service_model("ec2")
    error = ServiceError("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist", 400)
    response = codec("ec2").serialize_error(service, None, error, REQUEST_ID)
    assert response.status == 400
    assert response.body.startswith(b"<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>")
    parsed = botocore_parse("ec2", response, None)
    assert parsed["Error"] == {"Code": "InvalidInstanceID.NotFound", "Message": error.message}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_response_carries_request_id_and_namespace() -> None:
    operation = service_model("ec2").operation_model("DescribeRegions")
    response = codec("ec2").serialize_response(
        operation, {"Regions": [{"RegionName": "us-east-1"}]}, REQUEST_ID
    )
    assert response.body.startswith(
        b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        b"<requestId>fogbank-request-0001</requestId><regionInfo><item>"
    )


def _request(fields: list[tuple[str, str]]) -> HttpRequest:
    encoded = urlencode([("Action", "DescribeInstances"), ("Version", "2016-11-15"), *fields])
    return HttpRequest("POST", "/", "", {}, io.BytesIO(encoded.encode()))


def test_lists_are_name_dot_n_and_names_capitalised() -> None:
    operation = service_model("ec2").operation_model("DescribeInstances")
    request = _request(
        [
            ("InstanceId.2", "i-2"),
            ("InstanceId.1", "i-1"),
            ("Filter.1.Name", "tag:a"),
            ("Filter.1.Value.1", "b"),
        ]
    )
    parsed = codec("ec2").parse_request(operation, request, {})
    assert parsed == {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "tag:a", "Values": ["b"]}]}


def test_ill_typed_value_is_invalid_parameter_value() -> None:
    operation = service_model("ec2").operation_model("DescribeInstances")
    with pytest.raises(ServiceError) as caught:
        codec("ec2").parse_request(operation, _request([("MaxResults", "many")]), {})
    assert (caught.value.code, caught.value.status) == ("InvalidParameterValue", 400)
