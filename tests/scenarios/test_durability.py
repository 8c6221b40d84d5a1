"""Acknowledged writes survive SIGKILL of the server in the middle of a write load."""

from __future__ import annotations

import threading
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.server import FogbankServer


def _iam(endpoint: str) -> object:
    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5),
    )


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    server = FogbankServer(data_dir=tmp_path / "data", tls_port=False).start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        iam = _iam(server.endpoint)
        n = 0
        while not stop.is_set():
            name = f"durable-{worker}-{n}"
            try:
                iam.create_user(UserName=name, Path=f"/load/{worker}/")  # type: ignore[attr-defined]
            except (BotoCoreError, ClientError):
                return
            with lock:
                acknowledged.append(name)
            n += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    while True:
        with lock:
            if len(acknowledged) >= 200:
                break
        stop.wait(0.01)
    server.kill()  # SIGKILL while the writers are still sending
    stop.set()
    for thread in threads:
        thread.join()

    restarted = FogbankServer(data_dir=tmp_path / "data", tls_port=False).start()
    try:
        iam = _iam(restarted.endpoint)
        stored = {
            user["UserName"]: user
            for page in iam.get_paginator("list_users").paginate(PathPrefix="/load/")  # type: ignore[attr-defined]
            for user in page["Users"]
        }
        missing = [name for name in acknowledged if name not in stored]
        assert not missing, f"{len(missing)} acknowledged writes lost: {missing[:5]}"
        # Nothing half-written: every stored user is whole, and reads back one by one.
        for name, user in stored.items():
            assert user["Arn"].endswith(f"/{name}") and user["UserId"].startswith("AIDA")
        assert len(stored) >= len(acknowledged)
        assert len(stored) <= len(acknowledged) + 4  # at most one unacknowledged write per writer
    finally:
        restarted.stop()
