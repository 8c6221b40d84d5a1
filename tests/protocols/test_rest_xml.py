"""The rest-xml codec against botocore: every operation of S3, S3 Control, Route 53 and CloudFront
both ways, and every modelled error."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from botocore.handlers import parse_get_bucket_location
from botocore.model import OperationModel
from botocore.utils import percent_encode_sequence

from fogbank.errors import ServiceError
from fogbank.protocols import codec
from fogbank.protocols.http import HttpRequest
from fogbank.specs import service_model
from tests.protocols.oracle import REQUEST_ID, error_cases, operation_cases
from tests.protocols.shapegen import generate_input, generate_output
from tests.protocols.test_query import (
    assert_same,
    botocore_parse,
    botocore_request,
    check_error,
)

REST_XML_SERVICES = ("s3", "s3control", "route53", "cloudfront")


def uri_params(operation: OperationModel, path: str) -> dict[str, str]:
    """What routing hands the codec: each URI label's value, percent-decoded."""
    template = operation.http["requestUri"].partition("?")[0]
    names: list[str] = []
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template):
        pattern += re.escape(literal)
        if label:
            names.append(label.rstrip("+"))
            pattern += "(.*)" if label.endswith("+") else "([^/]*)"
    match = re.fullmatch(pattern, path)
    assert match is not None, (template, path)
    return {name: unquote(value) for name, value in zip(names, match.groups(), strict=True)}


def rest_request(operation: OperationModel, serialized: dict[str, Any]) -> tuple[HttpRequest, dict[str, str]]:
    path, _, literal_query = serialized["url_path"].partition("?")
    query = "&".join(q for q in (literal_query, percent_encode_sequence(serialized["query_string"])) if q)
    headers = {key.lower(): str(value) for key, value in serialized["headers"].items()}
    body = serialized["body"]
    if isinstance(body, str):
        body = body.encode()
    stream = body if hasattr(body, "read") else io.BytesIO(body or b"")
    request = HttpRequest(serialized["method"], path, query, headers, stream)
    return request, uri_params(operation, path)


@pytest.mark.parametrize(("service", "op"), operation_cases(REST_XML_SERVICES))
def test_input_round_trips(service: str, op: str) -> None:
    operation = service_model(service).operation_model(op)
    params = generate_input(operation, protocol="rest-xml")
    request, labels = rest_request(operation, botocore_request("rest-xml", operation, params))
    parsed = codec("rest-xml").parse_request(operation, request, labels)
    assert_same(operation.input_shape, params, parsed, "rest-xml")


@pytest.mark.parametrize(("service", "op"), operation_cases(REST_XML_SERVICES))
def test_output_round_trips(service: str, op: str) -> None:
    operation = service_model(service).operation_model(op)
    output = generate_output(operation, protocol="rest-xml")
    response = codec("rest-xml").serialize_response(operation, output, REQUEST_ID)
    parsed = botocore_parse(
        "rest-xml", response, operation.output_shape, streaming=operation.has_streaming_output
    )
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    if op == "GetBucketLocation":
        # botocore reads this one body by hand, in a handler, as AWS's root element is the value.
        parse_get_bucket_location(parsed, SimpleNamespace(raw=object(), content=response.body))
    assert_same(operation.output_shape, output, parsed, "rest-xml")


@pytest.mark.parametrize(("service", "shape_name"), error_cases(REST_XML_SERVICES))
def test_modelled_error_round_trips(service: str, shape_name: str) -> None:
    check_error("rest-xml", service, shape_name)


def _s3(op: str) -> OperationModel:
    return service_model("s3").operation_model(op)


def test_streaming_payload_is_the_body_file_itself() -> None:
    body = io.BytesIO(b"fog" * 10)
    request = HttpRequest("PUT", "/b/k", "", {"x-amz-meta-colour": "blue", "content-length": "30"}, body)
    parsed = codec("rest-xml").parse_request(_s3("PutObject"), request, {"Bucket": "b", "Key": "k"})
    assert parsed["Body"] is body
    assert parsed["Metadata"] == {"colour": "blue"}
    assert parsed["ContentLength"] == 30


def test_streaming_output_is_passed_through() -> None:
    chunks = iter([b"a", b"b"])
    response = codec("rest-xml").serialize_response(_s3("GetObject"), {"Body": chunks}, REQUEST_ID)
    assert response.body is chunks
    assert response.header("x-amz-request-id") == REQUEST_ID
    assert response.header("x-amz-id-2")


def test_timestamp_header_is_rfc822() -> None:
    moment = datetime(2024, 5, 17, 12, 34, 56, tzinfo=UTC)
    response = codec("rest-xml").serialize_response(_s3("HeadObject"), {"LastModified": moment}, REQUEST_ID)
    assert response.header("last-modified") == "Fri, 17 May 2024 12:34:56 GMT"


def test_s3_document_carries_the_s3_namespace() -> None:
    output = {"Buckets": [{"Name": "b"}], "Owner": {"ID": "1"}}
    response = codec("rest-xml").serialize_response(_s3("ListBuckets"), output, REQUEST_ID)
    assert b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' in response.body
    assert b"<Buckets><Bucket><Name>b</Name></Bucket></Buckets>" in response.body


@pytest.mark.parametrize(
    "body", [b"<Tagging><TagSet>", b"not xml", b'<!DOCTYPE x [<!ENTITY a "b">]><Tagging/>']
)
def test_malformed_xml(body: bytes) -> None:
    request = HttpRequest("PUT", "/b", "tagging", {}, io.BytesIO(body))
    with pytest.raises(ServiceError) as caught:
        codec("rest-xml").parse_request(_s3("PutBucketTagging"), request, {"Bucket": "b"})
    assert (caught.value.code, caught.value.status) == ("MalformedXML", 400)


def test_ill_typed_value_s3_is_invalid_argument() -> None:
    request = HttpRequest("GET", "/b", "list-type=2&max-keys=abc")
    with pytest.raises(ServiceError) as caught:
        codec("rest-xml").parse_request(_s3("ListObjectsV2"), request, {"Bucket": "b"})
    assert (caught.value.code, caught.value.status) == ("InvalidArgument", 400)


def test_ill_typed_value_route53_is_invalid_input() -> None:
    operation = service_model("route53").operation_model("CreateHealthCheck")
    xml = (
        b'<CreateHealthCheckRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
        b"<CallerReference>r</CallerReference><HealthCheckConfig><Port>eighty</Port></HealthCheckConfig>"
        b"</CreateHealthCheckRequest>"
    )
    request = HttpRequest("POST", "/2013-04-01/healthcheck", "", {}, io.BytesIO(xml))
    with pytest.raises(ServiceError) as caught:
        codec("rest-xml").parse_request(operation, request, {})
    assert (caught.value.code, caught.value.status) == ("InvalidInput", 400)


def test_get_bucket_location_root_is_the_constraint() -> None:
    """botocore reads this one body by hand: the root element's text is the region."""
    response = codec("rest-xml").serialize_response(
        _s3("GetBucketLocation"), {"LocationConstraint": "eu-west-1"}, REQUEST_ID
    )
    parsed: dict[str, Any] = {}
    http_response = SimpleNamespace(raw=object(), content=response.body)
    parse_get_bucket_location(parsed, http_response)
    assert parsed == {"LocationConstraint": "eu-west-1"}


def test_unknown_query_parameters_and_body_members_are_ignored() -> None:
    body = (
        b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Extra>x</Extra></Tag></TagSet><More/></Tagging>"
    )
    request = HttpRequest("PUT", "/b", "tagging&bogus=1", {}, io.BytesIO(body))
    parsed = codec("rest-xml").parse_request(_s3("PutBucketTagging"), request, {"Bucket": "b"})
    assert parsed == {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}


def test_s3_error_and_head_error() -> None:
    service = service_model("s3")
    error = ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": "k"})
    response = codec("rest-xml").serialize_error(service, _s3("GetObject"), error, REQUEST_ID)
    assert response.status == 404
    assert b"<Error><Code>NoSuchKey</Code>" in response.body
    assert b"<Key>k</Key>" in response.body
    parsed = botocore_parse("rest-xml", response, None)
    assert parsed["Error"]["Code"] == "NoSuchKey"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    head = codec("rest-xml").serialize_error(service, _s3("HeadObject"), error, REQUEST_ID)
    assert (head.status, head.body) == (404, b"")


def test_route53_error_is_an_error_response() -> None:
    service = service_model("route53")
    error = ServiceError("NoSuchHostedZone", "No hosted zone found with ID: Z1", 404)
    response = codec("rest-xml").serialize_error(service, None, error, REQUEST_ID)
    assert b"<ErrorResponse" in response.body and b"<Type>Sender</Type>" in response.body
    assert response.header("x-amzn-RequestId") == REQUEST_ID
    parsed = botocore_parse("rest-xml", response, None)
    assert parsed["Error"]["Code"] == "NoSuchHostedZone"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
