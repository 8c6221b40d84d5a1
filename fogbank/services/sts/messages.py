"""Encoded authorization messages: what EC2-style AccessDenied errors carry, and DecodeAuthorizationMessage.

Some services (EC2 among them) do not say why a request was denied; they return an opaque encoded message
that only sts:DecodeAuthorizationMessage turns back into the decision. fogbank encodes the decision's JSON
with AES-GCM (so it is opaque and cannot be forged) under one key per installation, kept in the settings
table so every node sharing the database can decode what another node encoded. The decoded message is the
JSON that was encoded, unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sts import service
from fogbank.state import Database, Transaction

__all__ = ["decode_authorization_message", "encode_authorization_message"]

KEY_SETTING = "sts.authorization-message-key"
_NONCE = 12
_keys: dict[str, bytes] = {}
_lock = threading.Lock()


def _key(tx: Transaction) -> bytes:
    stored = tx.get_setting(KEY_SETTING)
    if stored is None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        stored = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
        tx.put_setting(KEY_SETTING, stored)
    return base64.b64decode(stored)


def _cached_key(db: Database) -> bytes:
    """The installation's key; read (or made) once per process and database, in a transaction of its own.

    Callers must not hold a transaction on this thread the first time (SQLite allows one per thread).
    """
    name = str(db.data_dir)
    with _lock:
        if name not in _keys:
            with db.transaction() as tx:
                _keys[name] = _key(tx)
        return _keys[name]


def encode_authorization_message(db: Database, decision: dict[str, Any]) -> str:
    """An opaque, authenticated encoding of `decision` (JSON-able) for an AccessDenied message."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # imported on first use

    nonce = os.urandom(_NONCE)
    plain = json.dumps(decision, default=str, separators=(",", ":")).encode()
    sealed = AESGCM(_cached_key(db)).encrypt(nonce, plain, None)
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


@service.handler("DecodeAuthorizationMessage")
def decode_authorization_message(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert ctx.tx is not None
    text = request["EncodedMessage"].strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        plain = AESGCM(_key(ctx.tx)).decrypt(raw[:_NONCE], raw[_NONCE:], None)
    except (binascii.Error, ValueError, InvalidTag) as error:
        raise ServiceError(
            "InvalidAuthorizationMessageException", "The encoded authorization message is invalid.", 400
        ) from error
    return {"DecodedMessage": plain.decode()}
