"""Bad input gets AWS's error shape with a 4xx status, never a 500, and the server keeps serving."""

from __future__ import annotations

import http.client
import json
from typing import Any
from xml.etree import ElementTree

import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.server import FogbankServer


def send(
    server: FogbankServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    service: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    headers = dict(headers or {})
    if service is not None:
        request = AWSRequest(method=method, url=server.endpoint + path, data=body, headers=headers)
        SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def still_serving(client: Any) -> None:
    assert client("sts").get_caller_identity()["Account"] == "000000000000"


JSON_1_0 = "application/x-amz-json-1.0"


def test_malformed_json(server: FogbankServer, client: Any) -> None:
    status, headers, body = send(
        server,
        "POST",
        "/",
        b'{"TableName": "t", ',
        {"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": JSON_1_0},
        "dynamodb",
    )
    assert status == 400
    assert json.loads(body)["__type"].endswith("SerializationException")
    assert headers["x-amzn-requestid"]
    still_serving(client)


def test_ill_typed_json_member(server: FogbankServer) -> None:
    status, _, body = send(
        server,
        "POST",
        "/",
        b'{"TableName": 5, "Key": {}}',
        {"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": JSON_1_0},
        "dynamodb",
    )
    assert status == 400
    assert json.loads(body)["__type"].endswith("SerializationException")


def test_missing_required_json_member(server: FogbankServer) -> None:
    status, _, body = send(
        server,
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": JSON_1_0},
        "dynamodb",
    )
    assert status == 400
    error = json.loads(body)
    assert error["__type"].endswith("ValidationException")
    assert "validation error" in error["message"]


def test_unknown_target(server: FogbankServer) -> None:
    status, _, body = send(
        server,
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "DynamoDB_20120810.NoSuchThing", "Content-Type": JSON_1_0},
        "dynamodb",
    )
    assert status == 400
    assert json.loads(body)["__type"].endswith("UnknownOperationException")


def _query_error(body: bytes) -> tuple[str, str]:
    root = ElementTree.fromstring(body)
    ns = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
    error = root.find(f"{ns}Error")
    assert error is not None
    return error.findtext(f"{ns}Code") or "", error.findtext(f"{ns}Type") or ""


def test_unknown_query_action(server: FogbankServer) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = send(server, "POST", "/", b"Action=NoSuchAction&Version=2011-06-15", form, "sts")
    assert status == 400
    assert _query_error(body) == ("InvalidAction", "Sender")


def test_missing_required_query_parameter(server: FogbankServer, client: Any) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = send(server, "POST", "/", b"Action=CreateUser&Version=2010-05-08", form, "iam")
    assert status == 400
    assert _query_error(body)[0] == "ValidationError"
    assert client("iam").list_users(PathPrefix="/")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_malformed_xml(server: FogbankServer, client: Any) -> None:
    status, _, body = send(
        server,
        "PUT",
        "/some-bucket?tagging",
        b"<Tagging><TagSet><Tag>",
        {"Content-Type": "application/xml"},
        "s3",
    )
    assert status == 400
    assert ElementTree.fromstring(body).findtext("Code") == "MalformedXML"
    still_serving(client)


def test_xml_with_entities_is_refused(server: FogbankServer) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "boom">]><Tagging><TagSet/></Tagging>'
    status, _, body = send(server, "PUT", "/some-bucket?tagging", evil, {}, "s3")
    assert status == 400
    assert ElementTree.fromstring(body).findtext("Code") == "MalformedXML"


def test_malformed_cbor(server: FogbankServer) -> None:
    headers = {
        "smithy-protocol": "rpc-v2-cbor",
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
    }
    status, response_headers, body = send(
        server,
        "POST",
        "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        b"\xbf\x61",
        headers,
        "monitoring",
    )
    assert status == 400
    assert response_headers.get("smithy-protocol") == "rpc-v2-cbor"
    assert cbor2.loads(body)["__type"].endswith("SerializationException")


def test_truncated_aws_chunked_body(server: FogbankServer, client: Any) -> None:
    headers = {
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": "100",
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    status, _, body = send(server, "PUT", "/some-bucket/key", b"64\r\nonly-a-little", headers, "s3")
    assert status == 400
    assert ElementTree.fromstring(body).findtext("Code") == "IncompleteBody"
    still_serving(client)


def test_oversized_headers(server: FogbankServer, client: Any) -> None:
    try:
        status, _, _ = send(server, "GET", "/", b"", {"X-Big": "a" * 200_000})
    except (ConnectionError, http.client.HTTPException):
        status = 400  # the HTTP layer may refuse by closing the connection
    assert 400 <= status < 500
    still_serving(client)


@pytest.mark.parametrize("path", ["/_fogbank/nothing-here", "/_fogbank/"])
def test_unknown_own_route(server: FogbankServer, path: str) -> None:
    status, _, body = send(server, "GET", path)
    assert status == 404
    assert json.loads(body)["error"]["code"] == "NotFound"


def test_unsigned_non_s3_request_is_refused(server: FogbankServer) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = send(server, "POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15", form)
    assert status == 403
    assert _query_error(body)[0] == "MissingAuthenticationToken"
