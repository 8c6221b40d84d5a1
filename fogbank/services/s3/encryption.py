"""Object bytes at rest: chunked AES-256-GCM under each encrypted object version's own data key.

Design. Every encrypted object version gets a fresh 256-bit data key. Its body is cut into chunks of
`CHUNK` plaintext bytes; each chunk is sealed with AES-256-GCM into `CHUNK + TAG` bytes of blob (the last
chunk may be shorter; an empty body is one empty chunk, i.e. a lone tag). A chunk's 96-bit nonce is the
version's random 4-byte prefix, the part number (0 for a single PUT) and the chunk index; its associated
data binds the part number, the chunk index and whether it is the final chunk, so chunks cannot be
reordered, swapped between parts or truncated without GCM noticing. A Range GET maps its plaintext span
to whole chunks (`chunk_span`) and decrypts only those.

The blob store holds the ciphertext only: `EncryptingReader` turns the request's body into ciphertext as
the blob store reads it, so no plaintext copy is written (the decode stage's spool file is removed when the
request ends). The object row's meta["Encryption"] (sse.py) keeps how to get the data key back: wrapped
under fogbank's S3 master key (SSE-S3), a KMS ciphertext blob (SSE-KMS) or nothing at all (SSE-C: the
customer sends the key with every request; only its MD5 is kept) — with the nonce prefix and chunk size.

A multipart upload fixes its encryption (and data key) at CreateMultipartUpload; each part is one blob
sealed with its part number in the nonces, so nonces never repeat across parts, and completion keeps the
parts' blobs (meta["Encryption"]["Segments"] lists each part's number and plaintext size). A copy that
keeps the encryption shares the source's blobs and data key; one that changes it streams decrypt →
encrypt under a new data key. SSE-KMS data keys come from fogbank's KMS as the caller (kms_bridge.py).

API:
    new_data_key() -> bytes; new_prefix() -> bytes
    EncryptingReader(body, key, prefix, part=0, hashers=())   a file-like reader of ciphertext
    decrypt_range(blobs, digest, size, key, prefix, start, end, part=0) -> Iterator[bytes]
    wrap_s3(tx, raw, aad) / unwrap_s3(tx, wrapped, aad)        data keys under the S3 master key
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from fogbank.auth.checksums import Hasher
from fogbank.state import BlobStore, Transaction

__all__ = [
    "CHUNK",
    "TAG",
    "EncryptingReader",
    "chunk_span",
    "decrypt_range",
    "new_data_key",
    "new_prefix",
    "unwrap_s3",
    "wrap_s3",
]

CHUNK = 64 * 1024
TAG = 16
# Chunks read (and answered as one piece of plaintext, 1 MiB) at a time by a GET.
_CHUNKS_PER_READ = 16
_MASTER_KEY_SETTING = "s3.master-key"


def new_data_key() -> bytes:
    return os.urandom(32)


def new_prefix() -> bytes:
    return os.urandom(4)


def _nonce(prefix: bytes, part: int, index: int) -> bytes:
    return prefix + struct.pack(">II", part, index)


def _aad(part: int, index: int, final: bool) -> bytes:
    return struct.pack(">IIB", part, index, int(final))


def chunk_count(plain_size: int) -> int:
    return max(1, -(-plain_size // CHUNK))


def chunk_span(plain_size: int, start: int, end: int) -> tuple[int, int]:
    """The chunk indexes [first, last] holding plaintext bytes [start, end)."""
    if end <= start:
        return 0, 0
    return start // CHUNK, (end - 1) // CHUNK


class EncryptingReader:
    """Reads `body` and answers its ciphertext; `hashers` see the plaintext (ETag, checksums)."""

    def __init__(
        self, body: BinaryIO, key: bytes, prefix: bytes, part: int = 0, hashers: Iterable[Hasher] = ()
    ) -> None:
        self._body = body
        self._aead = _aesgcm()(key)
        self._prefix = prefix
        self._part = part
        self._hashers = tuple(hashers)
        self._index = 0
        self._pending = self._body.read(CHUNK)
        self._done = False
        self._buffer = b""
        self.plain_size = 0

    def _next_chunk(self) -> bytes:
        chunk = self._pending
        self._pending = self._body.read(CHUNK) if len(chunk) == CHUNK else b""
        final = not self._pending
        for hasher in self._hashers:
            hasher.update(chunk)
        self.plain_size += len(chunk)
        sealed = self._aead.encrypt(
            _nonce(self._prefix, self._part, self._index), chunk, _aad(self._part, self._index, final)
        )
        self._index += 1
        self._done = final
        return sealed

    def read(self, size: int = -1) -> bytes:
        """Ciphertext: whole sealed chunks when `size` allows (a short read, as raw streams may answer),
        so the blob store copies each chunk once."""
        if size < 0:
            pieces = [self._buffer]
            while not self._done:
                pieces.append(self._next_chunk())
            self._buffer = b""
            return b"".join(pieces)
        if not self._buffer:
            if self._done:
                return b""
            pieces = [self._next_chunk()]
            have = len(pieces[0])
            while not self._done and have + CHUNK + TAG <= size:
                pieces.append(self._next_chunk())
                have += len(pieces[-1])
            self._buffer = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def decrypt_range(
    blobs: BlobStore,
    digest: str,
    plain_size: int,
    key: bytes,
    prefix: bytes,
    start: int,
    end: int,
    part: int = 0,
) -> Iterator[bytes]:
    """Plaintext bytes [start, end) of one encrypted blob, one chunk at a time."""
    if end <= start:
        return
    aead = _aesgcm()(key)
    invalid_tag = _invalid_tag()
    first, last = chunk_span(plain_size, start, end)
    final_index = chunk_count(plain_size) - 1
    per_read = _CHUNKS_PER_READ
    with blobs.open(digest) as stream:
        stream.seek(first * (CHUNK + TAG))
        for batch in range(first, last + 1, per_read):
            indexes = range(batch, min(batch + per_read, last + 1))
            sealed = memoryview(stream.read(len(indexes) * (CHUNK + TAG)))
            plain = []
            for n, index in enumerate(indexes):
                piece = sealed[n * (CHUNK + TAG) : (n + 1) * (CHUNK + TAG)]
                try:
                    opened = aead.decrypt(
                        _nonce(prefix, part, index), piece, _aad(part, index, index == final_index)
                    )
                except invalid_tag:
                    raise OSError(f"blob {digest} failed authentication at chunk {index}") from None
                lo = max(start - index * CHUNK, 0)
                hi = min(end - index * CHUNK, len(opened))
                plain.append(opened[lo:hi] if lo or hi != len(opened) else opened)
            yield plain[0] if len(plain) == 1 else b"".join(plain)


def _aesgcm() -> Any:
    # cryptography's native bindings cost MiBs at import; a server that stores no encrypted object
    # never loads them.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM


def _invalid_tag() -> type[Exception]:
    from cryptography.exceptions import InvalidTag

    return InvalidTag


def _master_key(tx: Transaction) -> bytes:
    stored = tx.get_setting(_MASTER_KEY_SETTING)
    if stored is None:
        key = os.urandom(32)
        tx.put_setting(_MASTER_KEY_SETTING, base64.b64encode(key).decode())
        return key
    return base64.b64decode(stored)


def wrap_s3(tx: Transaction, raw: bytes, aad: bytes) -> str:
    """An SSE-S3 data key sealed under fogbank's S3 master key: nonce ‖ ciphertext ‖ tag, base64."""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aesgcm()(_master_key(tx)).encrypt(nonce, raw, aad)).decode()


def unwrap_s3(tx: Transaction, wrapped: str, aad: bytes) -> bytes:
    data = base64.b64decode(wrapped)
    return _aesgcm()(_master_key(tx)).decrypt(data[:12], data[12:], aad)
