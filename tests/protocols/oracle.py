"""botocore as the oracle of fogbank's codecs: its requests become fogbank's HttpRequest, fogbank's
HttpResponse becomes what botocore's parsers read, and two values are compared into a readable diff.

The conversions follow what botocore does on the wire: `prepare_request_dict` and
`AWSRequest.prepare()` build the exact URL (host prefix, percent-encoded query) and body, which are
then split back into path, query and headers; a response is handed to the parser the way
`botocore.endpoint.convert_to_response_dict` does, including the second, modelled-error pass.

The round trips at the bottom (input, output, modelled error) and the test cases they run over are
shared by the per-protocol codec tests.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterable
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, HeadersDict, create_request_object, prepare_request_dict
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import ResponseParser, create_parser
from botocore.response import StreamingBody
from botocore.serialize import Serializer, create_serializer

from fogbank.errors import ServiceError
from fogbank.protocols import codec
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.query import query_view
from fogbank.specs import service_model
from tests.protocols.shapegen import generate_error, generate_input, generate_output, normalize

__all__ = [
    "ENDPOINT",
    "botocore_request_to_http",
    "prepared_to_http",
    "body_bytes",
    "route_uri_params",
    "parse_with_botocore",
    "response_body",
    "compare",
    "REQUEST_ID",
    "operation_cases",
    "error_cases",
    "input_round_trip",
    "output_round_trip",
    "error_round_trip",
]

ENDPOINT = "http://127.0.0.1:4566"
REQUEST_ID = "fogbank-request-0001"
MESSAGE = "fogbank ünï-✓ <&> message"
_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=test/20240517/us-east-1/{scope}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


def botocore_request_to_http(
    request_dict: dict[str, Any], endpoint: str = ENDPOINT, signing_name: str | None = None
) -> HttpRequest:
    """The HttpRequest a server receives for botocore's `serialize_to_request` output.

    With `signing_name`, a SigV4 Authorization header (with a dummy signature) names the service's
    credential scope, as every real SDK request does.
    """
    prepared_dict = dict(request_dict, headers=dict(request_dict["headers"]))
    prepare_request_dict(prepared_dict, endpoint)
    request = prepared_to_http(create_request_object(prepared_dict).prepare())
    if signing_name:
        request.headers.setdefault("x-amz-date", "20240517T123456Z")
        request.headers.setdefault("authorization", _AUTHORIZATION.format(scope=signing_name))
    return request


def prepared_to_http(prepared: AWSPreparedRequest) -> HttpRequest:
    """The HttpRequest a server receives for a prepared botocore request."""
    url = urlsplit(prepared.url)
    headers: dict[str, str] = {"host": url.netloc}
    for name, value in prepared.headers.items():
        key = name.lower()
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        headers[key] = f"{headers[key]},{text}" if key in headers and key != "host" else text
    return HttpRequest(
        method=prepared.method,
        path=url.path or "/",
        query=url.query,
        headers=headers,
        body=io.BytesIO(body_bytes(prepared.body)),
    )


def body_bytes(body: Any) -> bytes:
    """A prepared request's body, whichever form botocore left it in."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    raise TypeError(f"unexpected request body {type(body).__name__}")


def route_uri_params(operation: OperationModel, request: HttpRequest) -> dict[str, str]:
    """The URI label values of `request`, percent-decoded and keyed by label name.

    fogbank's router answers when it is importable and names this operation; otherwise the
    operation's requestUri template is matched here.
    """
    try:
        from fogbank import routing
    except ImportError:
        routing = None  # type: ignore[assignment]
    if routing is not None:
        try:
            route = routing.identify(request)
        except Exception:  # noqa: BLE001 - a router failure falls back to the template matcher
            route = None
        if route is not None and route.operation == operation.name:
            return dict(route.uri_params)
    return match_request_uri(operation.http.get("requestUri", "/"), request.path) or {}


@cache
def _template_regex(request_uri: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    path = request_uri.split("?", 1)[0]
    names: list[str] = []
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]+)\})?", path):
        pattern += re.escape(literal)
        if label:
            greedy = label.endswith("+")
            names.append(label.rstrip("+"))
            pattern += f"(?P<g{len(names) - 1}>{'.+' if greedy else '[^/]+'})"
    return re.compile(pattern + "/?"), tuple(names)


def match_request_uri(request_uri: str, raw_path: str) -> dict[str, str] | None:
    regex, names = _template_regex(request_uri)
    match = regex.fullmatch(raw_path)
    if match is None:
        return None
    return {name: unquote(match.group(f"g{i}")) for i, name in enumerate(names)}


# The responses a model cannot describe, which botocore's clients parse with a handler of their own.
_WIRE_CUSTOMIZATIONS: dict[tuple[str, str], Callable[..., None]] = {
    ("s3", "GetBucketLocation"): handlers.parse_get_bucket_location,
}


@cache
def _parser(protocol: str) -> ResponseParser:
    return create_parser(protocol)


def response_body(response: HttpResponse) -> bytes:
    body = response.body
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    assert isinstance(body, Iterable), f"response body is {type(body).__name__}"
    return b"".join(bytes(chunk) for chunk in body)


def parse_with_botocore(protocol: str, operation: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """What a boto3 client returns (or raises with) for `response`, as botocore's endpoint builds it."""
    headers = HeadersDict()
    for name, value in response.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body = response_body(response)
    response_dict: dict[str, Any] = {
        "headers": headers,
        "status_code": response.status,
        "context": {"operation_name": operation.name},
        "body": body,
    }
    if response.status < 300 and operation.has_streaming_output and not operation.has_event_stream_output:
        response_dict["body"] = StreamingBody(io.BytesIO(body), headers.get("content-length"))
    parser = _parser(protocol)
    parsed = parser.parse(response_dict, operation.output_shape)
    customization = _WIRE_CUSTOMIZATIONS.get((operation.service_model.service_name, operation.name))
    if customization is not None and response.status < 300:
        customization(parsed=parsed, http_response=SimpleNamespace(raw=body, content=body))
    if response.status >= 300:
        code = parsed.get("Error", {}).get("Code")
        error_shape = operation.service_model.shape_for_error_code(code) if code else None
        if error_shape is not None:
            response_dict["body"] = body
            parsed.update(parser.parse(response_dict, error_shape))
    return parsed


def compare(expected: Any, got: Any, path: str = "") -> list[str]:
    """Readable differences between two normalized values; empty when they are equal."""
    where = path or "<top>"
    if isinstance(expected, dict) and isinstance(got, dict):
        lines: list[str] = []
        for key in expected:
            if key not in got:
                lines.append(f"{_join(path, key)}: missing (expected {_show(expected[key])})")
            else:
                lines.extend(compare(expected[key], got[key], _join(path, key)))
        for key in got:
            if key not in expected:
                lines.append(f"{_join(path, key)}: unexpected {_show(got[key])}")
        return lines
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{where}: expected {len(expected)} items {_show(expected)}, got {len(got)} {_show(got)}"]
        lines = []
        for i, (left, right) in enumerate(zip(expected, got, strict=True)):
            lines.extend(compare(left, right, f"{path}[{i}]"))
        return lines
    if type(expected) is not type(got) and not (_number(expected) and _number(got)):
        return [
            f"{where}: expected {_show(expected)} ({type(expected).__name__}), "
            f"got {_show(got)} ({type(got).__name__})"
        ]
    if expected != got:
        return [f"{where}: expected {_show(expected)}, got {_show(got)}"]
    return []


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def operation_cases(services: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(name, op, id=f"{name}.{op}")
        for name in services
        for op in service_model(name).operation_names
    ]


def error_cases(services: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(name, shape.name, id=f"{name}.{shape.name}")
        for name in services
        for shape in service_model(name).error_shapes
    ]


@cache
def _serializer(protocol: str) -> Serializer:
    return create_serializer(protocol, include_validation=False)


def input_round_trip(protocol: str, operation: OperationModel, seed: int = 0) -> list[str]:
    """botocore serializes a generated input, the codec parses it: the differences."""
    params = generate_input(operation, seed=seed, protocol=protocol)
    model = operation.service_model
    # A JSON model answering query requests (SQS) is serialized as query-era SDKs name its members.
    wire_model = query_view(operation) if protocol == "query" else operation
    request = botocore_request_to_http(
        _serializer(protocol).serialize_to_request(copy.deepcopy(params), wire_model),
        signing_name=model.signing_name or model.endpoint_prefix,
    )
    parsed = codec(protocol).parse_request(operation, request, route_uri_params(operation, request))
    shape = operation.input_shape
    return compare(normalize(shape, params, protocol, top=True), normalize(shape, parsed, protocol, top=True))


def output_round_trip(protocol: str, operation: OperationModel) -> list[str]:
    """The codec serializes a generated output, botocore parses it: the differences."""
    output = generate_output(operation, protocol=protocol)
    response = codec(protocol).serialize_response(operation, copy.deepcopy(output), REQUEST_ID)
    parsed = parse_with_botocore(protocol, operation, response)
    metadata = parsed.pop("ResponseMetadata", {})
    shape = operation.output_shape
    diff = compare(normalize(shape, output, protocol, top=True), normalize(shape, parsed, protocol, top=True))
    if shape is not None and metadata.get("RequestId") != REQUEST_ID:
        diff.append(f"RequestId: got {metadata.get('RequestId')!r}")
    if response.status >= 300:
        diff.append(f"status {response.status}")
    return diff


def error_round_trip(protocol: str, model: ServiceModel, shape_name: str) -> list[str]:
    """A modelled error through the codec and botocore: code (the query code where the service is
    query compatible), message, status and every field."""
    shape = model.shape_for(shape_name)
    values = generate_error(model, shape, protocol=protocol)
    message_member = next((m for m in shape.members if m.lower() == "message"), None)
    fields = {k: v for k, v in values.items() if k != message_member}
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    error = ServiceError(shape_name, MESSAGE, status, fields=copy.deepcopy(fields))
    operation = model.operation_model(model.operation_names[0])
    response = codec(protocol).serialize_error(model, operation, error, REQUEST_ID)
    parsed = parse_with_botocore(protocol, operation, response)
    expected_code = shape.error_code if model.is_query_compatible else shape_name
    diff = []
    if parsed["Error"]["Code"] != expected_code:
        diff.append(f"Code: expected {expected_code!r}, got {parsed['Error']['Code']!r}")
    if parsed["Error"]["Message"] != MESSAGE:
        diff.append(f"Message: got {parsed['Error']['Message']!r}")
    if response.status != status:
        diff.append(f"status: expected {status}, got {response.status}")
    if parsed.get("ResponseMetadata", {}).get("RequestId") != REQUEST_ID:
        diff.append("RequestId missing")
    got = {k: parsed[k] for k in fields if k in parsed}
    expected = normalize(shape, fields, protocol, top=True)
    return diff + compare(expected, normalize(shape, got, protocol, top=True))
