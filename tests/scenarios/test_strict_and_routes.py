"""`--strict` refuses keys fogbank did not issue; fogbank's own routes answer in their shapes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import FogbankServer


@pytest.fixture(scope="module")
def strict_server() -> Iterator[FogbankServer]:
    running = FogbankServer("--strict", tls_port=False).start()
    yield running
    running.stop()


def _client(server: FogbankServer, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("sts", lambda c: c.get_caller_identity(), "InvalidClientTokenId", 403),
        ("dynamodb", lambda c: c.list_tables(), "UnrecognizedClientException", 400),
        ("s3", lambda c: c.list_buckets(), "InvalidAccessKeyId", 403),
    ],
    ids=["query", "json", "rest-xml"],
)
def test_strict_refuses_default_keys(
    strict_server: FogbankServer, service: str, call: Any, code: str, status: int
) -> None:
    with pytest.raises(ClientError) as error:
        call(_client(strict_server, service))
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] in (status, 403)


def _get(server: FogbankServer, path: str) -> Any:
    with urllib.request.urlopen(server.endpoint + path, timeout=5) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


def test_health(server: FogbankServer) -> None:
    health = _get(server, "/_fogbank/health")
    assert health["version"]
    assert "sts" in health["services"]
    assert health["uptime"] >= 0


def test_localstack_health_shape(server: FogbankServer) -> None:
    health = _get(server, "/_localstack/health")
    assert set(health) >= {"services", "version", "edition"}
    assert health["services"]["sts"] in ("running", "available")


def test_coverage_route(server: FogbankServer) -> None:
    rows = {row["service"]: row for row in _get(server, "/_fogbank/coverage")}
    assert "GetCallerIdentity" in rows["sts"]["implemented"]
    assert rows["sts"]["total"] >= 8
    assert {"CreateUser", "GetUser", "ListUsers", "DeleteUser"} <= set(rows["iam"]["implemented"])
    assert len(rows["iam"]["implemented"]) < rows["iam"]["total"]
