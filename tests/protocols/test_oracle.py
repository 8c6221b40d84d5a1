"""Every operation of the services fogbank serves, through every protocol its model lists, against botocore.

(a) input: botocore serializes a generated input, fogbank's codec parses it back;
(b) output: fogbank's codec serializes a generated output, botocore parses it back;
(c) errors: per service and protocol, one modelled error goes through fogbank's codec and botocore.

A codec module that does not exist yet skips its tests; once it exists, a difference is a failure.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols import PROTOCOLS
from fogbank.specs import service_model
from tests.protocols.oracle import (
    compare,
    input_round_trip,
    parse_with_botocore,
)
from tests.protocols.shapegen import generate_error, generate_output, normalize

SERVICES = (
    "iam",
    "sts",
    "kms",
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "ses",
    "lambda",
    "logs",
    "apigateway",
    "kinesis",
    "cloudformation",
    "cloudwatch",
    "ec2",
    "route53",
    "cloudfront",
    "glacier",
    "xray",
    "codecommit",
    "codebuild",
)
# Protocols fogbank serves beyond those the model lists: SQS still answers the query protocol.
EXTRA_PROTOCOLS = {"sqs": ("query",)}
# botocore's SQS model no longer carries the query protocol's result wrappers, so its query parser
# is no oracle for SQS query responses.
NO_OUTPUT_ORACLE = {("sqs", "query")}
REQUEST_ID = "req-1"
# Two seeds: the second flips booleans and picks other enum values, strings and union members.
SEEDS = (0, 1)
MESSAGE = "fogbank ünï-✓ <&> message"
UNMODELLED_CODE = "InvalidParameterValue"


@dataclass(frozen=True)
class Case:
    service: str
    protocol: str
    operation: str
    kind: str  # input, output or error
    suffix: str = ""

    @property
    def id(self) -> str:
        return f"{self.service}-{self.operation}-{self.kind}{self.suffix}"


def protocols_of(service: str) -> tuple[str, ...]:
    model = service_model(service)
    listed = tuple(model.metadata.get("protocols") or (model.protocol,))
    return listed + tuple(p for p in EXTRA_PROTOCOLS.get(service, ()) if p not in listed)


def _cases(kind: str) -> list[Any]:
    params = []
    for service in SERVICES:
        protocols = protocols_of(service)
        for protocol in protocols:
            suffix = f"-{protocol}" if len(protocols) > 1 else ""
            if kind == "error":
                case = Case(service, protocol, "", kind, suffix)
                params.append(pytest.param(case, id=f"{service}-error{suffix}"))
                continue
            for operation in service_model(service).operation_names:
                case = Case(service, protocol, operation, kind, suffix)
                params.append(pytest.param(case, id=case.id))
    return params


def _codec(protocol: str) -> ModuleType:
    return pytest.importorskip(f"fogbank.protocols.{PROTOCOLS[protocol]}")


@pytest.mark.parametrize("case", _cases("input"))
def test_input_round_trip(case: Case) -> None:
    _codec(case.protocol)
    operation = service_model(case.service).operation_model(case.operation)
    diff: list[str] = []
    for seed in SEEDS:
        diff += _seeded(seed, input_round_trip(case.protocol, operation, seed))
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize("case", _cases("output"))
def test_output_round_trip(case: Case) -> None:
    codec = _codec(case.protocol)
    operation = service_model(case.service).operation_model(case.operation)
    if operation.has_event_stream_output:
        pytest.skip("event-stream output belongs to the eventstream codec")
    if (case.service, case.protocol) in NO_OUTPUT_ORACLE:
        pytest.skip(f"botocore has no {case.protocol} output oracle for {case.service}")
    shape = operation.output_shape
    diff: list[str] = []
    for seed in SEEDS:
        output = generate_output(operation, seed=seed, protocol=case.protocol)
        response = codec.serialize_response(operation, copy.deepcopy(output), REQUEST_ID)
        parsed = parse_with_botocore(case.protocol, operation, response)
        metadata = parsed.pop("ResponseMetadata", {})
        lines = compare(
            normalize(shape, output, case.protocol, top=True),
            normalize(shape, parsed, case.protocol, top=True),
        )
        request_id = metadata.get("RequestId")
        if request_id is None and shape is None:
            # botocore's rpc-v2 parser reads no metadata for an operation without output
            request_id = response.header("x-amzn-requestid")
        if request_id != REQUEST_ID:
            lines.append(f"ResponseMetadata.RequestId: expected {REQUEST_ID!r}, got {request_id!r}")
        if response.status >= 300:
            lines.append(f"status: expected a success, got {response.status}")
        diff += _seeded(seed, lines)
    assert not diff, "\n".join(diff)


def _seeded(seed: int, lines: list[str]) -> list[str]:
    return [f"[seed {seed}] {line}" for line in lines]


def modelled_error(model: ServiceModel) -> tuple[OperationModel, StructureShape | None]:
    """The first error shape (by operation order) with members beyond its message, else the first;
    no shape for a service that models no errors (EC2)."""
    first: tuple[OperationModel, StructureShape | None] | None = None
    for name in model.operation_names:
        operation = model.operation_model(name)
        for shape in operation.error_shapes:
            if first is None:
                first = (operation, shape)
            if any(member.lower() not in ("message", "code") for member in shape.members):
                return operation, shape
    return first or (model.operation_model(model.operation_names[0]), None)


def wire_code(model: ServiceModel, protocol: str, shape: StructureShape) -> str:
    """The Error.Code a client sees: the query code where the protocol (or query compatibility) uses it."""
    query_code = shape.metadata.get("error", {}).get("code")
    if query_code and (protocol in ("query", "ec2") or model.is_query_compatible):
        return query_code
    return shape.name


@pytest.mark.parametrize("case", _cases("error"))
def test_modelled_error(case: Case) -> None:
    codec = _codec(case.protocol)
    model = service_model(case.service)
    operation, shape = modelled_error(model)
    fields: dict[str, Any] = {}
    if shape is not None:
        values = generate_error(model, shape, protocol=case.protocol)
        fields = {k: v for k, v in values.items() if k.lower() not in ("message", "code")}
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400) if shape is not None else 400
    code = shape.name if shape is not None else UNMODELLED_CODE
    error = ServiceError(code, MESSAGE, status, fields=copy.deepcopy(fields))
    response = codec.serialize_error(model, operation, error, REQUEST_ID)
    parsed = parse_with_botocore(case.protocol, operation, response)
    got_error = parsed.get("Error", {})
    diff = []
    if response.status != status:
        diff.append(f"status: expected {status}, got {response.status}")
    expected_code = wire_code(model, case.protocol, shape) if shape is not None else UNMODELLED_CODE
    if got_error.get("Code") != expected_code:
        diff.append(f"Error.Code: expected {expected_code!r}, got {got_error.get('Code')!r}")
    if got_error.get("Message") != MESSAGE:
        diff.append(f"Error.Message: expected {MESSAGE!r}, got {got_error.get('Message')!r}")
    if parsed.get("ResponseMetadata", {}).get("RequestId") != REQUEST_ID:
        diff.append(
            f"ResponseMetadata.RequestId: expected {REQUEST_ID!r}, "
            f"got {parsed.get('ResponseMetadata', {}).get('RequestId')!r}"
        )
    if shape is not None:
        got_fields = {k: parsed[k] for k in fields if k in parsed}
        diff += compare(
            normalize(shape, fields, case.protocol, top=True),
            normalize(shape, got_fields, case.protocol, top=True),
        )
    assert not diff, f"{code} of {operation.name}:\n" + "\n".join(diff)
