"""The blob store: large bytes (object bodies, code packages, layers) on disk, named by their SHA-256.

Invariant: a blob path exists only once its bytes are complete. A write streams the body in 1 MiB
pieces into a temporary file beside the store (same filesystem), hashing as it goes, then renames
it atomically to `blobs/ab/cd/<digest>`. With `fsync=True` the file and the directories that
name it are flushed to stable storage before the rename returns, so a caller that writes the
blob first and the row that references it second never commits a row pointing at a missing or
torn blob, not even across power loss. Without fsync the same ordering holds against a killed
process, which is what the operating system's page cache already guarantees.

A body whose SHA-256 was computed as it arrived (S3 uploads are hashed while the request is checked)
is stored by `adopt`, which does not hash it again: a named spool file on the same filesystem is
hard-linked into place, anything else copied. The address is still the SHA-256 of the content; the
caller vouches for it.

Bytes that can never repeat — ciphertext under a fresh data key and nonces — are stored by
`write_unique` under a random 256-bit name instead: hashing them would buy no sharing and cost a
SHA-256 pass over every encrypted upload. Such a name has the digest's shape, so every reader treats
it alike.

Equal bodies share one file. Because of that, `delete` is for a caller that knows no row still
references the digest.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

__all__ = ["BlobRef", "BlobStore", "Hasher", "CHUNK_SIZE"]

CHUNK_SIZE = 1024 * 1024
_DIGEST = re.compile(r"[0-9a-f]{64}")


class Hasher(Protocol):
    """Anything fed the bytes alongside SHA-256: hashlib objects (md5 for S3 ETags), CRC wrappers."""

    def update(self, data: bytes, /) -> None: ...


@dataclass(frozen=True, slots=True)
class BlobRef:
    digest: str  # SHA-256 (or, for unique bytes, a random 256-bit name), lower-case hex
    size: int


class BlobStore:
    def __init__(self, root: Path, *, fsync: bool) -> None:
        self.root = root
        self.fsync = fsync
        self._tmp = root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def write(self, stream: BinaryIO, extra: Iterable[Hasher] = ()) -> BlobRef:
        """Store everything `stream` yields; each of `extra` is updated with the same bytes."""
        sha = hashlib.sha256()
        return self._copy(stream, (sha, *extra), sha.hexdigest)

    def write_unique(self, stream: BinaryIO, extra: Iterable[Hasher] = ()) -> BlobRef:
        """Store bytes that no other blob can equal (see the module docstring) under a random name."""
        name = os.urandom(32).hex()
        return self._copy(stream, tuple(extra), lambda: name)

    def adopt(self, stream: BinaryIO, digest: str, size: int) -> BlobRef:
        """Store the `size` bytes of `stream`, whose SHA-256 hex `digest` the caller computed from them.

        A spool file with a name on this filesystem is linked into place once flushed (and fsynced), so
        its bytes are neither read nor written again; closing the spool then removes only its own name.
        """
        dest = self.path(digest)
        if dest.is_file():
            return BlobRef(digest, size)
        name = getattr(stream, "name", None)
        if isinstance(name, str) and os.path.isabs(name):
            stream.flush()
            if self.fsync:
                os.fsync(stream.fileno())
            created = self._makedirs(dest.parent)
            try:
                os.link(name, dest)
            except FileExistsError:
                return BlobRef(digest, size)
            except OSError:
                pass  # another filesystem, or links not supported: copy below
            else:
                self._sync_dirs(dest, created)
                return BlobRef(digest, size)
        stream.seek(0)
        return self._copy(stream, (), lambda: digest)

    def _copy(self, stream: BinaryIO, hashers: tuple[Hasher, ...], digest_of: Callable[[], str]) -> BlobRef:
        """Copy `stream` to a temporary file, feeding `hashers`, then install it under `digest_of()`."""
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="w-")
        try:
            with open(fd, "wb", buffering=0) as out:
                while piece := stream.read(CHUNK_SIZE):
                    for hasher in hashers:
                        hasher.update(piece)
                    view = memoryview(piece)
                    while view:
                        view = view[out.write(view) :]
                    size += len(piece)
                if self.fsync:
                    os.fsync(out.fileno())
            digest = digest_of()
            self._install(Path(tmp_name), digest)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return BlobRef(digest, size)

    def write_bytes(self, data: bytes, extra: Iterable[Hasher] = ()) -> BlobRef:
        return self.write(io.BytesIO(data), extra)

    def path(self, digest: str) -> Path:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"not a blob digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def open(self, digest: str) -> BinaryIO:
        """The blob for reading; raises FileNotFoundError if it is not stored."""
        return open(self.path(digest), "rb")

    def delete(self, digest: str) -> bool:
        try:
            self.path(digest).unlink()
        except FileNotFoundError:
            return False
        return True

    def remove_stale_temp(self, older_than: float = 3600.0) -> int:
        """Remove temporary files left by writes that died; young ones may belong to live writers."""
        cutoff = time.time() - older_than
        removed = 0
        for entry in os.scandir(self._tmp):
            try:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def _install(self, tmp: Path, digest: str) -> None:
        dest = self.path(digest)
        if dest.is_file():
            # Same digest, same bytes: the stored copy is already complete.
            tmp.unlink()
            return
        created = self._makedirs(dest.parent)
        os.replace(tmp, dest)
        self._sync_dirs(dest, created)

    def _sync_dirs(self, dest: Path, created: list[Path]) -> None:
        """Flush the directory entries that name a new blob, when the store is durable."""
        if self.fsync:
            _fsync_dir(dest.parent)
            for directory in created:
                _fsync_dir(directory.parent)

    def _makedirs(self, directory: Path) -> list[Path]:
        """Create `directory` and its missing parents under root; return the ones created."""
        missing: list[Path] = []
        while not directory.is_dir() and directory != self.root:
            missing.append(directory)
            directory = directory.parent
        for path in reversed(missing):
            path.mkdir(exist_ok=True)
        return missing


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
