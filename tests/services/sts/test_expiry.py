"""Temporary credentials expire by fogbank's clock: moving it past Expiration makes them ExpiredToken."""

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
from tests.services.sts.helpers import trust


@pytest.fixture(scope="module")
def private_server() -> Iterator[FogbankServer]:
    running = FogbankServer(tls_port=False).start()
    yield running
    running.stop()


def _client(server: FogbankServer, service: str, **credentials: Any) -> Any:
    options = {"aws_access_key_id": "test", "aws_secret_access_key": "test", **credentials}
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
        **options,
    )


def _advance(server: FogbankServer, duration: str) -> None:
    request = urllib.request.Request(
        server.endpoint + "/_fogbank/clock",
        data=json.dumps({"advance": duration}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_session_expires_when_the_clock_passes_its_expiration(private_server: FogbankServer) -> None:
    iam = _client(private_server, "iam")
    arn = iam.create_role(RoleName="expiring", AssumeRolePolicyDocument=trust({"AWS": "000000000000"}))[
        "Role"
    ]["Arn"]
    credentials = _client(private_server, "sts").assume_role(
        RoleArn=arn, RoleSessionName="short", DurationSeconds=900
    )["Credentials"]
    session = _client(
        private_server,
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert session.get_caller_identity()["Arn"].endswith("/expiring/short")
    _advance(private_server, "16m")
    with pytest.raises(ClientError) as expired:
        session.get_caller_identity()
    error = expired.value.response
    assert error["Error"]["Code"] == "ExpiredToken"
    assert error["Error"]["Message"] == "The security token included in the request is expired"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_session_token_is_refused(private_server: FogbankServer) -> None:
    credentials = _client(private_server, "sts").get_session_token()["Credentials"]
    session = _client(
        private_server,
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"][:-4] + "AAAA",
    )
    with pytest.raises(ClientError) as invalid:
        session.get_caller_identity()
    assert invalid.value.response["Error"]["Code"] == "InvalidClientTokenId"
