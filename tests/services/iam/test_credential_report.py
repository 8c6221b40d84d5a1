"""The credential report through boto3: not present, generated, its CSV, kept for four hours."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import FogbankServer


def test_report_not_present_then_generated(client: Any) -> None:
    iam = client("iam", aws_access_key_id="510000000001", aws_secret_access_key="x")
    with pytest.raises(ClientError) as error:
        iam.get_credential_report()
    assert error.value.response["Error"]["Code"] == "ReportNotPresent"
    iam.create_user(UserName="reported")
    iam.create_access_key(UserName="reported")
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [r["user"] for r in rows] == ["<root_account>", "reported"]
    assert rows[0]["password_enabled"] == "not_supported"
    assert rows[1]["access_key_1_active"] == "true" and rows[1]["access_key_2_active"] == "false"
    assert rows[1]["password_enabled"] == "false" and rows[1]["cert_1_active"] == "false"


def _users_in_report(iam: Any) -> list[str]:
    content = iam.get_credential_report()["Content"].decode()
    return [row["user"] for row in csv.DictReader(io.StringIO(content))]


def test_a_report_is_kept_for_four_hours_of_fogbanks_clock(tmp_path: Path) -> None:
    server = FogbankServer(data_dir=tmp_path, tls_port=False).start()
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=server.endpoint,
            aws_access_key_id="520000000001",
            aws_secret_access_key="x",
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 0}),
        )
        assert iam.generate_credential_report()["State"] == "STARTED"
        iam.create_user(UserName="latecomer")
        assert iam.generate_credential_report()["State"] == "COMPLETE"
        assert _users_in_report(iam) == ["<root_account>"]  # the old report, made before the user
        advance = urllib.request.Request(
            server.endpoint + "/_fogbank/clock",
            data=json.dumps({"advance": "4h1m"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(advance).read()
        assert iam.generate_credential_report()["State"] == "STARTED"
        assert _users_in_report(iam) == ["<root_account>", "latecomer"]
    finally:
        server.stop()
