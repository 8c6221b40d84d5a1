"""The `fogbank` command and the AWS CLI against a running server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.server import FogbankServer

BIN = Path(sys.executable).parent


def _fogbank(*args: str, endpoint: str | None = None) -> str:
    command = [sys.executable, "-m", "fogbank", *args]
    if endpoint:
        command += ["--endpoint", endpoint]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def _aws_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    env.pop("AWS_PROFILE", None)
    return env


def test_aws_cli_get_caller_identity(server: FogbankServer) -> None:
    aws = str(BIN / "aws") if (BIN / "aws").exists() else "aws"
    result = subprocess.run(
        [aws, "--endpoint-url", server.endpoint, "sts", "get-caller-identity", "--output", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=_aws_env(),
        timeout=120,
    )
    identity = json.loads(result.stdout)
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_env_prints_exports() -> None:
    out = _fogbank("env", "--endpoint", "http://127.0.0.1:4999")
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4999" in out
    assert "export AWS_ACCESS_KEY_ID=test" in out
    assert "export AWS_SECRET_ACCESS_KEY=test" in out


def test_status(server: FogbankServer) -> None:
    out = _fogbank("status", endpoint=server.endpoint)
    assert "fogbank" in out and "sts" in out


def test_coverage_counts_registered_handlers(server: FogbankServer) -> None:
    out = _fogbank("coverage", "sts", endpoint=server.endpoint)
    first = out.splitlines()[0].split()
    assert first[0] == "sts"
    assert int(first[1]) >= 1 and int(first[3]) >= 8
    assert "GetCallerIdentity" in out


def test_clock_advance_set_reset(tmp_path: Path) -> None:
    own = FogbankServer(data_dir=tmp_path / "d", tls_port=False).start()
    try:
        _fogbank("clock", "set", "2030-01-01T00:00:00Z", endpoint=own.endpoint)
        assert _fogbank("clock", "show", endpoint=own.endpoint).startswith("2030-01-01T00:00:0")
        _fogbank("clock", "advance", "30d", endpoint=own.endpoint)
        assert _fogbank("clock", endpoint=own.endpoint).startswith("2030-01-31T00:00:0")
        own.stop()
        own = FogbankServer(data_dir=tmp_path / "d", tls_port=False).start()
        assert _fogbank("clock", endpoint=own.endpoint).startswith("2030-01-31"), "the clock survives restart"
        _fogbank("clock", "reset", endpoint=own.endpoint)
        assert "offset +0s" in _fogbank("clock", endpoint=own.endpoint)
    finally:
        own.stop()


def test_serve_tls_on_the_main_port(tmp_path: Path) -> None:
    import boto3

    own = FogbankServer("--tls", data_dir=tmp_path / "d", tls_port=False, tls=True).start()
    try:
        assert own.endpoint.startswith("https://")
        sts = boto3.client(
            "sts",
            endpoint_url=own.endpoint,
            verify=False,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        assert sts.get_caller_identity()["Account"] == "000000000000"
        assert (tmp_path / "d" / "tls" / "cert.pem").exists()
    finally:
        own.stop()


def test_explain_prints_why_a_request_was_denied(server: FogbankServer) -> None:
    from botocore.exceptions import ClientError

    from tests.scenarios.iam_helpers import new_account, policy, user_with_policies

    reader = policy({"Sid": "ListOnly", "Effect": "Allow", "Action": "iam:List*", "Resource": "*"})
    make, _ = user_with_policies(server, new_account(), "explained", {"list": reader})
    try:
        make("iam").create_user(UserName="someone")
        raise AssertionError("CreateUser should be denied")
    except ClientError as error:
        request_id = error.response["ResponseMetadata"]["RequestId"]
    out = _fogbank("explain", request_id, endpoint=server.endpoint)
    assert "DENIED  iam:CreateUser" in out
    assert "because no identity-based policy allows the iam:CreateUser action" in out
    assert "ListOnly" in out and "aws:SourceIp = 127.0.0.1" in out
    as_json = json.loads(_fogbank("explain", request_id, "--json", endpoint=server.endpoint))
    assert as_json["decisions"][0]["decision"] == "denied"
