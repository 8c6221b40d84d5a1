"""The AWS CLI, unchanged, against the shared test server: the `aws` fixture the curriculum tests use.

Import `aws_cli` into a test module (it registers as the fixture `aws`); `aws("sqs", "list-queues")`
runs the CLI with the test credentials and a home of its own, and returns its parsed JSON output (None
when the CLI prints nothing, as for an empty receive).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.server import FogbankServer

__all__ = ["AWS", "Aws", "aws_cli", "needs_cli"]

AWS = Path(sys.executable).parent / "aws"
Aws = Callable[..., Any]

needs_cli = pytest.mark.skipif(not AWS.exists(), reason="the AWS CLI is not installed in this environment")


@pytest.fixture(name="aws")
def aws_cli(server: FogbankServer, tmp_path: Path) -> Aws:
    home = tmp_path / "cli-home"
    home.mkdir()
    settings = {"ACCESS_KEY_ID": "test", "SECRET_ACCESS_KEY": "test", "DEFAULT_REGION": "us-east-1"}
    env = {f"AWS_{key}": value for key, value in settings.items()}
    env.update(PATH=os.environ.get("PATH", ""), HOME=str(home), AWS_CONFIG_FILE=str(home / "config"))
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "credentials")

    def run(*args: str) -> Any:
        done = subprocess.run(
            [str(AWS), "--endpoint-url", server.endpoint, "--output", "json", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run
