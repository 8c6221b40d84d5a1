"""Key material at rest: the data directory's master key, and every key's material wrapped under it.

The master key is 32 random bytes kept in the settings table (key `kms.master-key`, base64), made at
first use inside the caller's write transaction. The database rather than a file, because nodes that
share one database must share the master key too, and because a write transaction serializes first
uses (SQLite's BEGIN IMMEDIATE; a unique key elsewhere), so two requests can never make two master keys.
The master key never leaves the database.

Each material version of a key is wrapped with AES-256-GCM under the master key, with its key ARN and
version as authenticated data: wrapped material moved to another key or version does not unwrap.

Unwrapping costs a database read and an AES-GCM operation, so unwrapped material is cached in memory,
bounded (least recently used first out), by (key ARN, version, wrapped text): material that was
replaced (re-imported, deleted) has another wrapped text, so a stale entry is never found.
"""

from __future__ import annotations

import base64
import hmac
import os
import threading
from collections import OrderedDict
from typing import Any

from fogbank.state import Transaction

__all__ = ["add_version", "current", "fingerprint", "secret", "unwrap", "version", "wrap"]

MASTER_KEY_SETTING = "kms.master-key"
CACHE_SIZE = 4096

_cache: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _master_key(tx: Transaction) -> bytes:
    stored = tx.get_setting(MASTER_KEY_SETTING)
    if stored is None:
        key = os.urandom(32)
        tx.put_setting(MASTER_KEY_SETTING, base64.b64encode(key).decode())
        return key
    return base64.b64decode(stored)


def _aad(arn: str, number: int) -> bytes:
    return f"{arn}#{number}".encode()


def wrap(tx: Transaction, arn: str, number: int, raw: bytes) -> str:
    """`raw` sealed under the master key for (arn, number): nonce ‖ ciphertext ‖ tag, base64."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_master_key(tx)).encrypt(nonce, raw, _aad(arn, number))
    return base64.b64encode(nonce + sealed).decode()


def unwrap(tx: Transaction, arn: str, number: int, wrapped: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = base64.b64decode(wrapped)
    return AESGCM(_master_key(tx)).decrypt(data[:12], data[12:], _aad(arn, number))


def fingerprint(tx: Transaction, raw: bytes) -> str:
    """A keyed digest of material, to recognize it again without keeping a plain hash of a secret."""
    return hmac.new(_master_key(tx), raw, "sha256").hexdigest()


def current(doc: dict[str, Any]) -> dict[str, Any]:
    """The newest material version: the one new ciphertexts use."""
    return doc["Material"][-1]


def version(doc: dict[str, Any], number: int) -> dict[str, Any] | None:
    for entry in doc.get("Material", []):
        if entry["Version"] == number:
            return entry
    return None


def secret(tx: Transaction, doc: dict[str, Any], entry: dict[str, Any]) -> bytes:
    """The unwrapped material of `entry`, one of `doc`'s versions (cached)."""
    cache_key = (doc["Arn"], entry["Version"], entry["Wrapped"])
    with _cache_lock:
        raw = _cache.get(cache_key)
        if raw is not None:
            _cache.move_to_end(cache_key)
            return raw
    raw = unwrap(tx, doc["Arn"], entry["Version"], entry["Wrapped"])
    with _cache_lock:
        _cache[cache_key] = raw
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return raw


def add_version(
    tx: Transaction,
    doc: dict[str, Any],
    raw: bytes,
    created_at: str,
    kind: str,
    public_key: bytes | None = None,
) -> dict[str, Any]:
    """Append a new newest material version to `doc` (which the caller saves)."""
    number = max((m["Version"] for m in doc.get("Material", [])), default=0) + 1
    entry: dict[str, Any] = {
        "Version": number,
        "Wrapped": wrap(tx, doc["Arn"], number, raw),
        "CreatedAt": created_at,
        "Kind": kind,
    }
    if public_key is not None:
        entry["PublicKey"] = base64.b64encode(public_key).decode()
    doc.setdefault("Material", []).append(entry)
    return entry
