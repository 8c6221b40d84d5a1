"""The smithy-rpc-v2-cbor codec against botocore, both directions, every operation and modelled
error of every service whose model lists the protocol; then malformed bodies and the error wire.
"""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime

import cbor2
import pytest
from botocore.model import OperationModel

from fogbank.errors import ServiceError
from fogbank.protocols import cbor as codec
from fogbank.protocols.http import HttpRequest
from fogbank.specs import available_services, service_model
from tests.protocols.oracle import (
    REQUEST_ID,
    error_cases,
    error_round_trip,
    input_round_trip,
    operation_cases,
    output_round_trip,
    parse_with_botocore,
)

CBOR_SERVICES = tuple(
    name
    for name in available_services()
    if "smithy-rpc-v2-cbor" in (service_model(name).metadata.get("protocols") or ())
)


def _op(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


@pytest.mark.parametrize(("service", "operation"), operation_cases(CBOR_SERVICES))
def test_input_round_trip(service: str, operation: str) -> None:
    diff = input_round_trip("smithy-rpc-v2-cbor", _op(service, operation))
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "operation"), operation_cases(CBOR_SERVICES))
def test_output_round_trip(service: str, operation: str) -> None:
    op = _op(service, operation)
    if op.has_event_stream_output:
        pytest.skip("event-stream output: tested in test_eventstream")
    diff = output_round_trip("smithy-rpc-v2-cbor", op)
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize(("service", "shape_name"), error_cases(CBOR_SERVICES))
def test_modelled_error(service: str, shape_name: str) -> None:
    diff = error_round_trip("smithy-rpc-v2-cbor", service_model(service), shape_name)
    assert not diff, "\n".join(diff)


def _request(body: bytes) -> HttpRequest:
    return HttpRequest(
        "POST",
        "/service/GraniteServiceVersion20100801/operation/GetMetricData",
        headers={"smithy-protocol": "rpc-v2-cbor"},
        body=io.BytesIO(body),
    )


@pytest.mark.parametrize("body", [b"\xa1", b"\xff", b"\x5f\x41"])
def test_malformed_cbor_is_a_serialization_exception(body: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        codec.parse_request(_op("cloudwatch", "ListMetrics"), _request(body), {})
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


def test_wrong_member_type_is_a_serialization_exception() -> None:
    with pytest.raises(ServiceError) as caught:
        codec.parse_request(_op("cloudwatch", "ListMetrics"), _request(cbor2.dumps({"Namespace": 5})), {})
    assert caught.value.code == "SerializationException"


def test_timestamps_accept_tag_1_and_plain_numbers() -> None:
    operation = _op("cloudwatch", "GetMetricStatistics")
    expected = datetime(2024, 5, 17, 12, 34, 56, tzinfo=UTC)
    for value in (cbor2.CBORTag(1, 1715949296), 1715949296, 1715949296.0):
        body = cbor2.dumps(
            {"Namespace": "n", "MetricName": "m", "StartTime": value, "EndTime": value, "Period": 60}
        )
        assert codec.parse_request(operation, _request(body), {})["StartTime"] == expected


def test_response_carries_protocol_header_and_tagged_timestamps() -> None:
    operation = _op("cloudwatch", "DescribeAlarmHistory")
    when = datetime(2024, 5, 17, 12, 34, 56, 500000, tzinfo=UTC)
    response = codec.serialize_response(operation, {"AlarmHistoryItems": [{"Timestamp": when}]}, REQUEST_ID)
    assert response.header("smithy-protocol") == "rpc-v2-cbor"
    assert response.header("content-type") == "application/cbor"
    # Tag 1 (0xc1) then a double (0xfb): epoch seconds with the fraction kept.
    assert b"\xc1\xfb" + struct.pack(">d", 1715949296.5) in bytes(response.body)


def test_error_type_is_a_shape_id_and_query_compatible_header() -> None:
    model = service_model("cloudwatch")
    error = ServiceError("ResourceNotFound", "no such alarm", 404)
    response = codec.serialize_error(model, None, error, REQUEST_ID)
    document = cbor2.loads(bytes(response.body))
    assert document == {"__type": "com.amazonaws.cloudwatch#ResourceNotFound", "message": "no such alarm"}
    assert response.header("x-amzn-query-error") == "ResourceNotFound;Sender"
    parsed = parse_with_botocore("smithy-rpc-v2-cbor", _op("cloudwatch", "DescribeAlarms"), response)
    assert parsed["Error"]["Code"] == "ResourceNotFound"
