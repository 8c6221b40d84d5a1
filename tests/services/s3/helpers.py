"""Helpers shared by the S3 tests: a refused call's error code and status, and, for tests that run their own
server (the `private` fixture in conftest.py), a boto3 client for it and its clock."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import FogbankServer


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def http_status(error: pytest.ExceptionInfo[ClientError]) -> int:
    return int(error.value.response["ResponseMetadata"]["HTTPStatusCode"])


def client_of(server: FogbankServer, service: str = "s3") -> Any:
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )


def advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": duration}).encode(), method="POST"
    )
    urllib.request.urlopen(request).close()


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The error of a call that must be refused, with its HTTP status as `Status`."""
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return {
        **error.value.response["Error"],
        "Status": error.value.response["ResponseMetadata"]["HTTPStatusCode"],
    }
