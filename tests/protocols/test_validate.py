"""Input validation: what is a problem, how AWS words it, and which error each family answers with."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from fogbank.protocols.validate import Problem, validate, validation_error
from fogbank.specs import service_model
from tests.protocols.shapegen import generate_input


def _input(service: str, operation: str):
    return service_model(service).operation_model(operation).input_shape


def test_valid_input_has_no_problems() -> None:
    assert validate(_input("iam", "CreateUser"), {"UserName": "alice", "Path": "/"}) == []
    assert validate(None, {}) == []


@pytest.mark.parametrize(
    ("service", "operation"),
    [
        ("dynamodb", "CreateTable"),
        ("kms", "Encrypt"),
        ("lambda", "Invoke"),
        ("sqs", "SendMessage"),
        ("iam", "CreateRole"),
        ("logs", "PutLogEvents"),
    ],
)
def test_generated_inputs_are_valid(service: str, operation: str) -> None:
    model = service_model(service).operation_model(operation)
    assert validate(model.input_shape, generate_input(model)) == []


def test_missing_required_member_in_aws_words() -> None:
    problems = validate(_input("iam", "CreateUser"), {})
    assert problems == [Problem(("UserName",), "required")]
    error = validation_error("query", service_model("iam"), problems)
    assert (error.code, error.status) == ("ValidationError", 400)
    assert error.message == (
        "1 validation error detected: Value null at 'userName' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_several_problems_are_joined() -> None:
    problems = validate(_input("dynamodb", "Query"), {"TableName": "x", "Limit": 0, "Select": "NONE"})
    error = validation_error("json", service_model("dynamodb"), problems)
    assert error.code == "ValidationException"
    assert error.message == (
        "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must "
        "have value greater than or equal to 1; Value 'NONE' at 'select' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, "
        "COUNT]"
    )


def test_enum_length_range_and_pattern() -> None:
    shape = _input("dynamodb", "CreateTable")
    value = {
        "TableName": "t" * 2000,
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "X"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    problems = {(p.coral_path, p.constraint) for p in validate(shape, value)}
    assert ("tableName", "max_length") in problems
    assert ("attributeDefinitions.1.member.attributeType", "enum") in problems
    described = [p.describe() for p in validate(shape, value) if p.constraint == "enum"][0]
    assert described == (
        "Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [S, N, B]"
    )
    pattern = validate(_input("iam", "CreateUser"), {"UserName": "!!!"})
    assert [p.constraint for p in pattern] == ["pattern"]


def test_types_are_checked() -> None:
    problems = validate(
        _input("dynamodb", "Query"), {"TableName": "table", "Limit": "5", "ConsistentRead": 1}
    )
    assert {(p.path, p.constraint) for p in problems} == {(("Limit",), "type"), (("ConsistentRead",), "type")}
    problems = validate(_input("dynamodb", "Query"), {"TableName": "table", "Limit": True})
    assert problems[0].constraint == "type"


def test_nested_attribute_values_are_checked_at_every_depth() -> None:
    value: dict = {"S": 5}
    for _ in range(6):
        value = {"M": {"k": value}}
    problems = validate(_input("dynamodb", "PutItem"), {"TableName": "table", "Item": {"doc": value}})
    assert [(p.path, p.constraint) for p in problems] == [(("Item", "doc", *["M", "k"] * 6, "S"), "type")]
    assert problems[0].coral_path == "item.doc" + ".m.k" * 6 + ".s"


def test_timestamps_blobs_and_streams() -> None:
    assert validate(_input("kms", "Decrypt"), {"CiphertextBlob": b"x"}) == []
    assert validate(_input("kms", "Decrypt"), {"CiphertextBlob": b""})[0].constraint == "min_length"
    assert (
        validate(
            _input("glacier", "UploadArchive"), {"vaultName": "v", "accountId": "-", "body": io.BytesIO(b"")}
        )
        == []
    )
    assert validate(
        _input("cloudwatch", "GetMetricStatistics"),
        {
            "Namespace": "n",
            "MetricName": "m",
            "StartTime": datetime.now(UTC),
            "EndTime": "yesterday",
            "Period": 60,
        },
    )[0].path == ("EndTime",)


def test_sensitive_values_are_not_shown() -> None:
    problems = validate(_input("iam", "ChangePassword"), {"OldPassword": "", "NewPassword": "x"})
    assert problems and all("Value at '" in p.describe() for p in problems if p.value)


def test_query_parameter_style_services() -> None:
    problems = validate(_input("sqs", "CreateQueue"), {})
    for protocol in ("query", "json"):
        error = validation_error(protocol, service_model("sqs"), problems)
        assert (error.code, error.message) == (
            "MissingParameter",
            "The request must contain the parameter QueueName",
        )
    error = validation_error("ec2", service_model("ec2"), validate(_input("ec2", "RunInstances"), {}))
    assert error.code == "MissingParameter"
    bad = validate(_input("cloudwatch", "ListMetrics"), {"Namespace": ""})
    error = validation_error("query", service_model("cloudwatch"), bad)
    assert error.code == "InvalidParameterValue" and "Namespace" in error.message


def test_rest_xml_families() -> None:
    s3 = service_model("s3")
    body = validate(_input("s3", "PutBucketTagging"), {"Bucket": "b", "Tagging": {}})
    assert validation_error("rest-xml", s3, body).code == "MalformedXML"
    header = [Problem(("ContentMD5",), "required", location="header")]
    error = validation_error("rest-xml", s3, header)
    assert error.code == "InvalidArgument" and error.fields["ArgumentName"] == "ContentMD5"
    route53 = validate(_input("route53", "GetHostedZone"), {})
    assert validation_error("rest-xml", service_model("route53"), route53).code == "InvalidInput"


def test_json_family_is_validation_exception() -> None:
    problems = validate(_input("lambda", "GetFunction"), {})
    for protocol, service in (("rest-json", "lambda"), ("json", "kms"), ("smithy-rpc-v2-cbor", "codebuild")):
        error = validation_error(protocol, service_model(service), problems)
        assert (error.code, error.status) == ("ValidationException", 400)
        assert error.message.startswith("1 validation error detected: Value null at 'functionName'")
