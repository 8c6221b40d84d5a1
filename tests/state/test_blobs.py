"""The content-addressed blob store."""

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from fogbank.state.blobs import BlobRef, BlobStore


@pytest.fixture(params=[False, True], ids=["no-fsync", "fsync"])
def store(tmp_path: Path, request: pytest.FixtureRequest) -> BlobStore:
    return BlobStore(tmp_path / "blobs", fsync=request.param)


def test_write_then_read_back(store: BlobStore) -> None:
    data = b"hello fogbank" * 100_000
    md5 = hashlib.md5()
    ref = store.write(io.BytesIO(data), extra=[md5])
    assert ref.digest == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert md5.hexdigest() == hashlib.md5(data).hexdigest()
    path = store.path(ref.digest)
    assert path.relative_to(store.root).parts == (ref.digest[:2], ref.digest[2:4], ref.digest)
    assert store.exists(ref.digest)
    with store.open(ref.digest) as body:
        assert body.read() == data
    assert list((store.root / "tmp").iterdir()) == []


def test_empty_and_equal_bodies(store: BlobStore) -> None:
    empty = store.write_bytes(b"")
    assert empty.digest == hashlib.sha256(b"").hexdigest() and empty.size == 0
    first = store.write_bytes(b"same")
    second = store.write_bytes(b"same")
    assert first == second
    assert list((store.root / "tmp").iterdir()) == []


def test_delete(store: BlobStore) -> None:
    ref = store.write_bytes(b"gone soon")
    assert store.delete(ref.digest) is True
    assert not store.exists(ref.digest)
    assert store.delete(ref.digest) is False
    with pytest.raises(FileNotFoundError):
        store.open(ref.digest)


def test_digest_is_validated(store: BlobStore) -> None:
    for bad in ("../../etc/passwd", "AB" * 32, "ab" * 31):
        with pytest.raises(ValueError):
            store.path(bad)


def test_a_failing_stream_leaves_no_blob_and_no_temp_file(store: BlobStore) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            raise OSError("client went away")

    with pytest.raises(OSError):
        store.write(io.BufferedReader(Broken()))
    assert list((store.root / "tmp").iterdir()) == []
    assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_stale_temp_files_are_removed(store: BlobStore) -> None:
    leftover = store.root / "tmp" / "w-dead"
    leftover.write_bytes(b"x")
    assert store.remove_stale_temp(older_than=3600) == 0
    assert store.remove_stale_temp(older_than=-1) == 1
    assert not leftover.exists()


STREAM_200_MIB = textwrap.dedent(
    """
    import hashlib, io, sys
    from pathlib import Path
    from fogbank.state.blobs import BlobStore

    def peak_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])

    class Generated(io.RawIOBase):
        # 200 MiB made up on the fly, 64 KiB at a time: never in memory as a whole.
        def __init__(self, total):
            self.left = total
            self.piece = bytes(range(256)) * 256
        def readable(self):
            return True
        def readinto(self, buffer):
            n = min(len(buffer), len(self.piece), self.left)
            buffer[:n] = self.piece[:n]
            self.left -= n
            return n

    total = 200 * 1024 * 1024
    store = BlobStore(Path(sys.argv[1]), fsync=False)
    store.write_bytes(b"warm up")
    before = peak_kib()
    md5 = hashlib.md5()
    ref = store.write(io.BufferedReader(Generated(total), 65536), extra=[md5])
    after = peak_kib()
    expected = hashlib.sha256()
    piece = bytes(range(256)) * 256
    for _ in range(total // len(piece)):
        expected.update(piece)
    assert ref.digest == expected.hexdigest(), "digest"
    assert ref.size == total, "size"
    print(after - before)
    """
)


def test_a_200_mib_stream_is_never_held_in_memory(tmp_path: Path) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the peak resident set")
    result = subprocess.run(
        [sys.executable, "-c", STREAM_200_MIB, str(tmp_path / "blobs")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    growth_kib = int(result.stdout.strip())
    assert growth_kib < 16 * 1024, f"peak RSS grew by {growth_kib} KiB while streaming 200 MiB"


def test_adopt_links_a_named_spool_without_copying(store: BlobStore, tmp_path: Path) -> None:
    data = b"spooled upload" * 100_000
    digest = hashlib.sha256(data).hexdigest()
    with tempfile.NamedTemporaryFile(dir=tmp_path) as spool:
        spool.write(data)
        ref = store.adopt(spool, digest, len(data))  # type: ignore[arg-type]
        assert os.path.samefile(spool.name, store.path(digest))
    # Closing the spool removed its own name only.
    assert ref == BlobRef(digest, len(data))
    assert store.path(digest).read_bytes() == data
    assert list((store.root / "tmp").iterdir()) == []
    # The same bytes again: the stored copy stands.
    assert store.adopt(io.BytesIO(data), digest, len(data)) == ref


def test_adopt_copies_a_body_without_a_name(store: BlobStore) -> None:
    data = b"in memory"
    digest = hashlib.sha256(data).hexdigest()
    body = io.BytesIO(data)
    body.read()
    assert store.adopt(body, digest, len(data)) == BlobRef(digest, len(data))
    assert store.path(digest).read_bytes() == data
    assert list((store.root / "tmp").iterdir()) == []


def test_write_unique_names_bytes_without_hashing_them(store: BlobStore) -> None:
    seen = hashlib.md5()
    first = store.write_unique(io.BytesIO(b"sealed bytes"), extra=[seen])
    second = store.write_unique(io.BytesIO(b"sealed bytes"))
    assert first.size == second.size == 12
    assert seen.hexdigest() == hashlib.md5(b"sealed bytes").hexdigest()
    # Random names in the digest's shape: never the content's SHA-256, never shared.
    assert first.digest != second.digest != hashlib.sha256(b"sealed bytes").hexdigest()
    assert len(first.digest) == 64
    with store.open(first.digest) as stream:
        assert stream.read() == b"sealed bytes"
