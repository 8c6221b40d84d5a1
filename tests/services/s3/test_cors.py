"""S3 CORS: Put/Get/DeleteBucketCors, preflight answers, and Access-Control headers on actual requests."""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.s3.helpers import error_code

RULES = [
    {
        "AllowedOrigins": ["https://*.example.com"],
        "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["x-amz-*", "content-type"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 600,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "cors-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def _request(
    server: FogbankServer, method: str, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_configuration_round_trip_and_validation(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_code(error) == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    bad = [
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}],
        [{"AllowedOrigins": ["https://*.*.com"], "AllowedMethods": ["GET"]}],
        [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}] * 101,
    ]
    for rules in bad:
        with pytest.raises(ClientError) as error:
            s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
        assert error_code(error) == "InvalidRequest"
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)


def test_preflight(server: FogbankServer, s3: Any, bucket: str) -> None:
    path = f"/{bucket}/photo.jpg"
    ask = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}
    status, _, body = _request(server, "OPTIONS", path, ask)
    assert status == 403 and b"CORS is not enabled for this bucket" in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, headers, _ = _request(
        server, "OPTIONS", path, {**ask, "Access-Control-Request-Headers": "Content-Type, X-Amz-Date"}
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-allow-methods"] == "GET, PUT"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-date"
    assert headers["access-control-max-age"] == "600"
    status, _, body = _request(server, "OPTIONS", path, {**ask, "Access-Control-Request-Headers": "x-other"})
    assert status == 403 and b"CORSResponse: This CORS request is not allowed." in body
    status, _, _ = _request(server, "OPTIONS", path, {**ask, "Origin": "https://evil.test"})
    assert status == 403
    status, headers, _ = _request(
        server, "OPTIONS", path, {"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"}
    )
    assert (status, headers["access-control-allow-origin"]) == (200, "*")


def test_actual_request_headers(client: Callable[..., Any], s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    seen: list[dict[str, str]] = []
    browser = client("s3")

    def add_origin(request: Any, **_: Any) -> None:
        request.headers["Origin"] = "https://app.example.com"

    def keep(http_response: Any, **_: Any) -> None:
        seen.append({k.lower(): v for k, v in http_response.headers.items()})

    browser.meta.events.register("before-send.s3.GetObject", add_origin)
    browser.meta.events.register("after-call.s3.GetObject", keep)
    browser.get_object(Bucket=bucket, Key="k")
    assert seen[0]["access-control-allow-origin"] == "https://app.example.com"
    assert seen[0]["access-control-expose-headers"] == "ETag"
    assert "Origin" in seen[0]["vary"]
    plain = s3.get_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"]
    assert "access-control-allow-origin" not in plain
