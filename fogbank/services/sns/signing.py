"""The key SNS signs messages with, its certificate, and AWS's canonical strings.

Each region has one RSA key and a self-signed X.509 certificate for it, made on first use and kept as
a document (account "", kind "signing-key"), so signatures made before a restart still verify after
it. The certificate is served at SigningCertURL; a document of kind "signing-cert" keyed by the
certificate's id finds it for the route. The parsed key is cached in memory once its document is
committed: signing is on every publish's path.

SignatureVersion 1 is SHA1withRSA and 2 is SHA256withRSA (PKCS#1 v1.5), over the canonical string AWS
documents: "Name\\nvalue\\n" for each signed field, in byte order of the names, Subject only when present.
"""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import datetime
from typing import Any

from fogbank.state import Transaction

__all__ = ["SIGNED_FIELDS", "Signer", "canonical", "signer", "cert_pem", "timestamp"]

KIND_KEY = "signing-key"
KIND_CERT = "signing-cert"

_CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRMATION_FIELDS,
    "UnsubscribeConfirmation": _CONFIRMATION_FIELDS,
}


def timestamp(now: datetime) -> str:
    """A message's Timestamp as AWS writes it: ISO 8601 in UTC with milliseconds."""
    return (
        f"{now.year:04d}-{now.month:02d}-{now.day:02d}T{now.hour:02d}:{now.minute:02d}:{now.second:02d}"
        f".{now.microsecond // 1000:03d}Z"
    )


def canonical(message: dict[str, Any]) -> bytes:
    """The string AWS signs for `message` (a Notification or a (un)subscribe confirmation)."""
    parts = []
    for name in SIGNED_FIELDS[message["Type"]]:
        value = message.get(name)
        if value is None:
            continue  # only Subject is optional
        parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode()


class Signer:
    """One region's key: signs canonical strings; `cert_id` names its certificate."""

    def __init__(self, private_pem: bytes, cert_id: str) -> None:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        self.cert_id = cert_id
        self._key: Any = serialization.load_pem_private_key(private_pem, password=None)
        self._padding = padding.PKCS1v15()
        self._sha1 = hashes.SHA1()  # noqa: S303 - AWS's version 1
        self._sha256 = hashes.SHA256()

    def sign(self, message: dict[str, Any], version: str) -> str:
        algorithm = self._sha256 if version == "2" else self._sha1
        signature = self._key.sign(canonical(message), self._padding, algorithm)
        return base64.b64encode(signature).decode()


_cache: dict[str, Signer] = {}
_lock = threading.Lock()


def signer(tx: Transaction, region: str, now: datetime) -> Signer:
    """The region's signer, made (and kept in `tx`) on first use."""
    found = _cache.get(region)
    if found is not None:
        return found
    doc = tx.get_doc("sns", KIND_KEY, "", region, "key")
    if doc is None:
        doc = _new_key(region, now)
        tx.put_doc("sns", KIND_KEY, "", region, "key", doc)
        tx.put_doc(
            "sns", KIND_CERT, "", "", doc["CertId"], {"Region": region, "Certificate": doc["Certificate"]}
        )
    made = Signer(doc["PrivateKey"].encode(), doc["CertId"])

    def keep() -> None:
        with _lock:
            _cache.setdefault(region, made)

    tx.after_commit(keep)
    return made


def cert_pem(tx: Transaction, cert_id: str) -> str | None:
    doc = tx.get_doc("sns", KIND_CERT, "", "", cert_id)
    return doc["Certificate"] if doc else None


def _new_key(region: str, now: datetime) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from fogbank.tls import private_pem, self_signed

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, f"sns.{region}.amazonaws.com", now)
    return {
        "PrivateKey": private_pem(key).decode(),
        "Certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "CertId": uuid.uuid4().hex,
    }
