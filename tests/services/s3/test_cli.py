"""The AWS CLI, unchanged, against fogbank: `aws s3 cp`, `aws s3 sync` and `aws s3api`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.server import FogbankServer

AWS = Path(sys.executable).parent / "aws"

pytestmark = pytest.mark.skipif(not AWS.exists(), reason="the AWS CLI is not installed in this environment")


@pytest.fixture
def aws(server: FogbankServer, tmp_path: Path) -> Callable[..., str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(AWS), "--endpoint-url", server.endpoint, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture
def bucket(client: Callable[..., Any]) -> str:
    name = "cli-" + uuid.uuid4().hex[:12]
    client("s3").create_bucket(Bucket=name)
    return name


def test_cp_up_and_down(aws: Callable[..., str], bucket: str, tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_text("hello from the aws cli\n")
    large = tmp_path / "large.bin"
    large.write_bytes(os.urandom(9 * 1024 * 1024))  # over the CLI's 8 MiB multipart threshold
    aws("s3", "cp", str(small), f"s3://{bucket}/docs/small.txt")
    aws("s3", "cp", str(large), f"s3://{bucket}/large.bin")
    aws("s3", "cp", f"s3://{bucket}/docs/small.txt", str(tmp_path / "small.copy"))
    aws("s3", "cp", f"s3://{bucket}/large.bin", str(tmp_path / "large.copy"))
    assert (tmp_path / "small.copy").read_bytes() == small.read_bytes()
    assert (tmp_path / "large.copy").read_bytes() == large.read_bytes()
    head = json.loads(aws("s3api", "head-object", "--bucket", bucket, "--key", "large.bin"))
    assert head["ContentLength"] == 9 * 1024 * 1024 and head["ETag"].endswith('-2"')
    listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "docs/"))
    assert [item["Key"] for item in listed["Contents"]] == ["docs/small.txt"]
    assert "small.txt" in aws("s3", "ls", f"s3://{bucket}/docs/")


def test_sync_directory(aws: Callable[..., str], bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "site"
    files = {"index.html": b"<h1>home</h1>", "css/site.css": b"body{}", "img/a b.png": os.urandom(3000)}
    for name, data in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    output = aws("s3", "sync", str(source), f"s3://{bucket}/site/")
    assert output.count("upload:") == len(files)
    assert aws("s3", "sync", str(source), f"s3://{bucket}/site/").strip() == ""  # nothing changed
    listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", bucket))
    assert sorted(item["Key"] for item in listed["Contents"]) == sorted(f"site/{name}" for name in files)
    target = tmp_path / "copy"
    aws("s3", "sync", f"s3://{bucket}/site/", str(target))
    assert {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()} == files
