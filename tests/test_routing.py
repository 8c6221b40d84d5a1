"""identify() against botocore as the oracle: the exact request a botocore client sends for an operation
must route to that service, operation and protocol."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.serialize import create_serializer

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from fogbank.routing import Route, bucket_from_host, credential_scope, identify
from fogbank.specs import available_services, service_model
from fogbank.specs import index as specs_index
from tests.protocols.oracle import botocore_request_to_http
from tests.specs.capture import capture, client

SERVICES = (
    "iam sts kms s3 s3control dynamodb sqs sns ses sesv2 lambda logs apigateway kinesis cloudformation "
    "cloudwatch ec2 route53 cloudfront glacier xray codecommit codebuild ecr ecs eks batch elasticbeanstalk "
    "rds elasticache efs codedeploy codepipeline events secretsmanager ssm stepfunctions cognito-idp "
    "apigatewayv2"
).split()


def same_request(expected: tuple[str, str], got: tuple[str, str]) -> bool:
    """Whether two operations are sent as the same request, so that no router can tell them apart:
    the same signing name and X-Amz-Target, query Action, or method and request URI template (label
    names and a trailing slash aside). The router picks the first by the index's order."""
    left, right = (service_model(s).operation_model(o) for s, o in (expected, got))
    if left.service_model.signing_name != right.service_model.signing_name:
        return False
    if (
        left.service_model.metadata.get("targetPrefix")
        and left.service_model.protocol != right.service_model.protocol
    ):
        return False

    def template(operation: Any) -> tuple[str, str]:
        uri = re.sub(r"\{[^}]+\}", "{}", operation.http.get("requestUri", "/"))
        path, _, query = uri.partition("?")
        return operation.http.get("method", "POST"), path.rstrip("/") + "?" + query

    return left.name == right.name or template(left) == template(right)


def mismatches(service: str) -> tuple[list[str], list[str], list[str]]:
    """(operations routed elsewhere, operations whose request is identical to another's, operations
    botocore cannot send: bearer-token auth, event-stream input, ARNs its endpoint rules parse)."""
    model = client(service).meta.service_model
    wrong: list[str] = []
    identical: list[str] = []
    unbuildable: list[str] = []
    for operation in model.operation_names:
        try:
            request = capture(service, operation)
        except Exception as error:  # noqa: BLE001 - reported, not routed
            unbuildable.append(f"{service}.{operation}: {error!r}"[:120])
            continue
        expected = (service, operation, model.resolved_protocol)
        try:
            route = identify(request)
        except ServiceError as error:
            wrong.append(f"{operation}: {request.method} {request.path}?{request.query} -> {error}")
            continue
        got = (route.service, route.operation, route.protocol)
        if got == expected:
            continue
        if same_request(expected[:2], got[:2]):
            identical.append(f"{service}.{operation} = {route.service}.{route.operation}")
        else:
            wrong.append(f"{operation}: {request.method} {request.path}?{request.query} -> {got}")
    return wrong, identical, unbuildable


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_routes(service: str) -> None:
    wrong, _, unbuildable = mismatches(service)
    assert (wrong, unbuildable) == ([], [])


def test_all_botocore_services_route() -> None:
    total = 0
    wrong: dict[str, list[str]] = {}
    identical: list[str] = []
    unbuildable: list[str] = []
    for service in available_services():
        found, same, cannot = mismatches(service)
        total += len(client(service).meta.service_model.operation_names) - len(cannot)
        identical.extend(same)
        unbuildable.extend(cannot)
        if found:
            wrong[service] = found
    routed = total - sum(map(len, wrong.values())) - len(identical)
    print(f"\nrouted {routed} of {total} operations; {len(identical)} identical to another:")
    print("\n".join(identical))
    print("not buildable by botocore:", *unbuildable, sep="\n")
    assert wrong == {}


def http(method: str, path: str, query: str = "", body: bytes = b"", **headers: str) -> HttpRequest:
    return HttpRequest(
        method=method,
        path=path,
        query=query,
        headers={k.replace("_", "-"): v for k, v in headers.items()},
        body=io.BytesIO(body),
    )


def signed(scope: str, region: str = "us-east-1") -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=test/20240517/{region}/{scope}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )


def serialized(service: str, operation: str, protocol: str, params: dict[str, Any]) -> HttpRequest:
    """The request in one of the service's other protocols, as botocore's serializer writes it."""
    model = service_model(service).operation_model(operation)
    request_dict = create_serializer(protocol).serialize_to_request(params, model)
    return botocore_request_to_http(request_dict, signing_name=model.service_model.signing_name)


def test_s3_virtual_host_from_a_client() -> None:
    request = capture(
        "s3",
        "GetObjectTagging",
        {"Bucket": "my-bucket", "Key": "key/with/slash"},
        endpoint="http://localhost:4566",
        addressing_style="virtual",
    )
    assert request.host == "my-bucket.localhost:4566"
    route = identify(request)
    assert (route.service, route.operation) == ("s3", "GetObjectTagging")
    assert route.uri_params == {"Bucket": "my-bucket", "Key": "key/with/slash"}


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("my-bucket.s3.localhost:4566", "my-bucket"),
        ("my.dotted.bucket.s3.localhost.localstack.cloud:4566", "my.dotted.bucket"),
        ("my-bucket.localhost", "my-bucket"),
        ("my-bucket.s3.us-east-1.amazonaws.com", "my-bucket"),
        ("s3.localhost:4566", None),
        ("localhost:4566", None),
        ("127.0.0.1:4566", None),
        ("[::1]:4566", None),
    ],
)
def test_bucket_from_host(host: str, bucket: str | None) -> None:
    assert bucket_from_host(host) == bucket


@pytest.mark.parametrize(
    ("method", "path", "query", "operation", "params"),
    [
        ("GET", "/", "", "ListObjects", {}),
        ("GET", "/", "list-type=2", "ListObjectsV2", {}),
        ("PUT", "/", "", "CreateBucket", {}),
        ("PUT", "/a/b%2Fc", "", "PutObject", {"Key": "a/b/c"}),
        ("GET", "/dir/", "", "GetObject", {"Key": "dir/"}),
        ("GET", "/k%20y", "acl", "GetObjectAcl", {"Key": "k y"}),
        ("POST", "/", "delete", "DeleteObjects", {}),
    ],
)
def test_s3_virtual_host_requests(
    method: str, path: str, query: str, operation: str, params: dict[str, str]
) -> None:
    request = http(method, path, query, host="my-bucket.s3.localhost:4566", authorization=signed("s3"))
    route = identify(request)
    assert (route.service, route.operation) == ("s3", operation)
    assert route.uri_params == {"Bucket": "my-bucket", **params}


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "operation"),
    [
        ("GET", "/b/k", "", {}, "GetObject"),
        ("GET", "/b/k", "tagging", {}, "GetObjectTagging"),
        ("GET", "/b/k", "acl", {}, "GetObjectAcl"),
        ("GET", "/b", "", {}, "ListObjects"),
        ("GET", "/b/", "", {}, "ListObjects"),
        ("GET", "/b", "list-type=2&prefix=x", {}, "ListObjectsV2"),
        ("PUT", "/b", "", {}, "CreateBucket"),
        ("PUT", "/b/k", "", {}, "PutObject"),
        ("PUT", "/b/k", "", {"x-amz-copy-source": "/a/b"}, "CopyObject"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {}, "UploadPart"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {"x-amz-copy-source": "/a/b"}, "UploadPartCopy"),
        ("POST", "/b/k", "uploads", {}, "CreateMultipartUpload"),
        ("GET", "/b", "uploads", {}, "ListMultipartUploads"),
        ("HEAD", "/b", "", {}, "HeadBucket"),
        ("HEAD", "/b/k", "", {}, "HeadObject"),
        ("GET", "/", "", {}, "ListBuckets"),
    ],
)
def test_s3_path_style(method: str, path: str, query: str, headers: dict[str, str], operation: str) -> None:
    request = http(method, path, query, host="127.0.0.1:4566", authorization=signed("s3"), **headers)
    assert identify(request).operation == operation


def test_s3control_host_prefix_gives_the_account() -> None:
    for endpoint in ("http://127.0.0.1:4566", "http://localhost:4566"):
        request = capture(
            "s3control", "GetPublicAccessBlock", {"AccountId": "000000000000"}, endpoint=endpoint
        )
        assert request.host.startswith("000000000000.")
        route = identify(request)
        assert (route.service, route.operation, route.protocol) == (
            "s3control",
            "GetPublicAccessBlock",
            "rest-xml",
        )
        assert route.uri_params == {"AccountId": "000000000000"}


def test_s3control_without_host_prefix() -> None:
    request = http(
        "GET",
        "/v20180820/configuration/publicAccessBlock",
        host="127.0.0.1:4566",
        authorization=signed("s3"),
        x_amz_account_id="000000000000",
    )
    route = identify(request)
    assert (route.service, route.operation, route.uri_params) == ("s3control", "GetPublicAccessBlock", {})


def test_sqs_json_and_query() -> None:
    as_json = identify(capture("sqs", "SendMessage", {"QueueUrl": "http://q/1/q", "MessageBody": "x"}))
    assert (as_json.service, as_json.operation, as_json.protocol) == ("sqs", "SendMessage", "json")
    params = {"QueueUrl": "http://127.0.0.1:4566/000000000000/q", "MessageBody": "x"}
    as_query = identify(serialized("sqs", "SendMessage", "query", params))
    assert (as_query.service, as_query.operation, as_query.protocol) == ("sqs", "SendMessage", "query")


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_cloudwatch_protocols(protocol: str) -> None:
    route = identify(serialized("cloudwatch", "ListMetrics", protocol, {"Namespace": "AWS/EC2"}))
    assert (route.service, route.operation, route.protocol) == ("cloudwatch", "ListMetrics", protocol)
    assert route.signing_name == "monitoring"


def test_cbor_path_of_a_cbor_only_service() -> None:
    request = http(
        "POST",
        "/service/AWSEventsV2/operation/ListEventBuses",
        smithy_protocol="rpc-v2-cbor",
        authorization=signed("events"),
    )
    assert identify(request).service == "eventbridgev2"


def test_query_action_version_chooses_the_service() -> None:
    body = b"Action=DescribeDBClusters&Version=2014-10-31"
    headers = {"content_type": "application/x-www-form-urlencoded; charset=utf-8"}
    request = http("POST", "/", body=body, authorization=signed("rds"), **headers)
    assert identify(request).service == "rds"
    ec2 = http(
        "POST",
        "/",
        body=b"Action=DescribeInstances&Version=2016-11-15",
        authorization=signed("ec2"),
        **headers,
    )
    assert (identify(ec2).service, identify(ec2).protocol) == ("ec2", "ec2")


def test_unsigned_requests() -> None:
    anonymous = identify(http("GET", "/public-bucket/a/b.txt", host="127.0.0.1:4566"))
    assert (anonymous.service, anonymous.operation, anonymous.signing_name) == ("s3", "GetObject", None)
    web_identity = http("GET", "/", "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=r")
    assert (identify(web_identity).service, identify(web_identity).operation) == (
        "sts",
        "AssumeRoleWithWebIdentity",
    )
    get_id = http("POST", "/", x_amz_target="AWSCognitoIdentityService.GetId")
    assert identify(get_id).service == "cognito-identity"
    sso = capture("sso", "GetRoleCredentials", {"roleName": "r", "accountId": "1", "accessToken": "t"})
    assert "authorization" not in sso.headers
    assert (identify(sso).service, identify(sso).operation) == ("sso", "GetRoleCredentials")


def test_presigned_urls() -> None:
    v4 = http(
        "GET",
        "/b/k",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20240517%2Feu-west-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20240517T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
    )
    route = identify(v4)
    assert (route.service, route.operation, route.signing_name, route.region) == (
        "s3",
        "GetObject",
        "s3",
        "eu-west-1",
    )
    v2 = http("GET", "/b/k", "AWSAccessKeyId=test&Expires=1&Signature=x")
    assert identify(v2).operation == "GetObject"


def test_credential_scope() -> None:
    assert credential_scope(http("GET", "/", authorization=signed("lambda", "eu-central-1"))) == (
        "lambda",
        "eu-central-1",
    )
    sigv4a = (
        "AWS4-ECDSA-P256-SHA256 Credential=test/20240517/s3/aws4_request, SignedHeaders=host, Signature=0"
    )
    assert credential_scope(http("GET", "/", authorization=sigv4a)) == ("s3", None)
    assert credential_scope(http("GET", "/", authorization="AWS test:sig")) == ("s3", None)
    assert credential_scope(http("GET", "/")) == (None, None)


@pytest.mark.parametrize(
    ("request_", "code", "status"),
    [
        (http("POST", "/", x_amz_target="DynamoDB_20120810.NoSuchThing"), "UnknownOperationException", 400),
        (http("POST", "/", x_amz_target="NoSuchPrefix.Op"), "UnknownOperationException", 400),
        (http("POST", "/", authorization=signed("dynamodb")), "UnknownOperationException", 400),
        (
            http("GET", "/", "Action=NoSuchThing&Version=2011-06-15", authorization=signed("sts")),
            "InvalidAction",
            400,
        ),
        (
            http("GET", "/", "Action=CreateUser&Version=2010-05-08", authorization=signed("sts")),
            "InvalidAction",
            400,
        ),
        (http("POST", "/", authorization=signed("sts")), "MissingAction", 400),
        (
            http(
                "POST",
                "/service/GraniteServiceVersion20100801/operation/NoSuchThing",
                authorization=signed("monitoring"),
            ),
            "UnknownOperationException",
            404,
        ),
        (http("GET", "/no/such/route", authorization=signed("lambda")), "UnknownOperationException", 404),
        (http("PATCH", "/b/k", authorization=signed("s3")), "MethodNotAllowed", 405),
    ],
)
def test_errors(request_: HttpRequest, code: str, status: int) -> None:
    with pytest.raises(ServiceError) as raised:
        identify(request_)
    assert (raised.value.code, raised.value.status) == (code, status)


def test_route_is_a_value() -> None:
    route = identify(
        http("POST", "/", x_amz_target="DynamoDB_20120810.ListTables", authorization=signed("dynamodb"))
    )
    assert route == Route("dynamodb", "ListTables", "json", {}, "dynamodb", "us-east-1")


def test_index_cache_rebuilds_when_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = specs_index.build_index
    monkeypatch.setattr(specs_index, "build_index", lambda: build(["sts", "s3"]))
    path = tmp_path / "fogbank" / "index.json"
    path.parent.mkdir()
    path.write_text("{not json")
    document = specs_index.load_document(path)
    assert set(document["services"]) == {"sts", "s3"}
    assert json.loads(path.read_text()) == document
    assert specs_index.load_document(path) == document
