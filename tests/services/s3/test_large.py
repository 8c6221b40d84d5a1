"""A 1 GiB object through boto3's transfer manager over HTTPS: byte-identical, and the server stays small.

The server is a private one so that its memory is this test's alone; its peak resident size (VmHWM)
is read from /proc after the round trip.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tests.server import FogbankServer

GIB = 1024**3
MIB = 1024**2
# The server's peak is bounded by its concurrent requests (ten parts in flight each way, each with about a
# MiB of pieces being sealed or opened) and the allocator's slack, never by the object's size: a quarter of
# the object is far below what holding it would take, and above what a loaded 2-core machine measured
# (204 MiB once, with other tests running beside it).
MEMORY_LIMIT = GIB // 4


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FogbankServer]:
    server = FogbankServer(data_dir=tmp_path / "data").start()
    yield server
    server.stop()


def _write_file(path: Path, size: int) -> str:
    """A file of `size` bytes that no two MiB repeat, written a MiB at a time; returns its SHA-256."""
    seed = os.urandom(MIB)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for index in range(size // MIB):
            block = index.to_bytes(8, "big") + seed[8:]
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while piece := stream.read(MIB):
            digest.update(piece)
    return digest.hexdigest()


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_one_gib_round_trip_over_https(private: FogbankServer, tmp_path: Path) -> None:
    source, copy = tmp_path / "source.bin", tmp_path / "copy.bin"
    expected = _write_file(source, GIB)
    s3 = boto3.client(
        "s3",
        endpoint_url=private.tls_endpoint,
        verify=False,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )
    s3.create_bucket(Bucket="large")
    s3.upload_file(str(source), "large", "one-gib.bin")
    head = s3.head_object(Bucket="large", Key="one-gib.bin")
    assert head["ContentLength"] == GIB
    s3.download_file("large", "one-gib.bin", str(copy))
    assert copy.stat().st_size == GIB
    assert _sha256(copy) == expected
    assert private.process is not None
    peak = _memory_kib(private.process.pid, "VmHWM") * 1024
    assert peak < MEMORY_LIMIT, f"server peak resident memory {peak / MIB:.0f} MiB"
