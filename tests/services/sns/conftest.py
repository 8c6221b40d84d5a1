"""Fixtures shared by the SNS tests: clients, a fresh account per test, a topic."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.scenarios.iam_helpers import new_account
from tests.services.sns.http_endpoint import Endpoint


@pytest.fixture
def account() -> str:
    """A fresh account (its 12-digit access key acts as its root): tests never see each other's state."""
    return new_account()


@pytest.fixture
def sns(client: Callable[..., Any], account: str) -> Any:
    return client("sns", aws_access_key_id=account)


@pytest.fixture
def sqs(client: Callable[..., Any], account: str) -> Any:
    return client("sqs", aws_access_key_id=account)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """An HTTP subscriber on loopback, closed after the test."""
    made = Endpoint()
    yield made
    made.close()


@pytest.fixture
def topic(sns: Any) -> str:
    return sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]


@pytest.fixture
def private_sns(tmp_path: Any) -> Any:
    """SNS and SQS clients of a server of the test's own, and a function that moves its clock."""
    import urllib.request

    import boto3

    from tests.server import FogbankServer

    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    options = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}

    def advance(duration: str) -> None:
        request = urllib.request.Request(
            server.endpoint + "/_fogbank/clock",
            data=json.dumps({"advance": duration}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=5).read()

    try:
        yield (
            boto3.client("sns", endpoint_url=server.endpoint, **options),
            boto3.client("sqs", endpoint_url=server.endpoint, **options),
            advance,
        )
    finally:
        server.stop()
