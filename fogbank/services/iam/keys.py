"""Access keys that fogbank issued, as the authenticate stage looks them up, and their last use.

fogbank issues long-term keys beginning AKIA (IAM, document kind "access-key") and temporary ones
beginning ASIA (STS, kind "session"); any other key is one of the default keys and never needs a
database read. An inactive or deleted key is refused (RefusedKey), so its requests fail as AWS fails
them (InvalidClientTokenId) even when fogbank is not strict; deletion leaves a tombstone for that.
A session resolves to its principal with its expiry and token, which the authenticate stage checks.

Recording a key's last use is on every request's path, so `record_key_use` writes at most once a
minute per key: a map in memory remembers when each key was last written.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import cast

from fogbank.auth.credentials import Credential, Principal, PrincipalKind, RefusedKey
from fogbank.services.iam import store
from fogbank.state import Database

__all__ = ["lookup_access_key", "record_key_use", "ISSUED_PREFIXES", "WRITE_INTERVAL"]

ISSUED_PREFIXES = ("AKIA", "ASIA")
WRITE_INTERVAL = 60.0  # seconds between two writes of one key's last use

_last_written: dict[str, float] = {}
_lock = threading.Lock()


def lookup_access_key(db: Database, access_key: str, now: datetime) -> Credential | None:
    """The credential of a key fogbank issued, None for any other key; RefusedKey for an inactive key."""
    if not access_key.startswith(ISSUED_PREFIXES):
        return None
    if access_key.startswith("ASIA"):
        return _session(db, access_key)
    with db.transaction(write=False) as tx:
        doc = tx.get_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, access_key)
        deleted = doc is None and tx.get_doc(
            store.SERVICE, store.DELETED_ACCESS_KEY, "", store.REGION, access_key
        )
    if deleted:
        raise RefusedKey(access_key)
    if doc is None:
        return None
    if doc.get("Status") != "Active":
        raise RefusedKey(access_key)
    principal = Principal(
        account=doc["Account"],
        arn=doc["Arn"],
        user_id=doc["UserId"],
        kind=cast(PrincipalKind, doc.get("PrincipalKind", "user")),
        access_key=access_key,
    )
    return Credential(principal=principal, secret_key=doc["SecretAccessKey"], session_token=None)


def _session(db: Database, access_key: str) -> Credential | None:
    with db.transaction(write=False) as tx:
        doc = tx.get_doc(store.SERVICE, store.SESSION, "", store.REGION, access_key)
    if doc is None:
        return None
    kind = cast(PrincipalKind, doc["PrincipalKind"])
    principal = Principal(
        account=doc["Account"],
        arn=doc["Arn"],
        user_id=doc["UserId"],
        kind=kind,
        access_key=access_key,
        role_arn=doc.get("SourceArn") if kind == "assumed-role" else None,
        session_name=doc.get("SessionName"),
        expires=datetime.fromisoformat(doc["Expiration"]),
    )
    secret = doc["SecretAccessKey"]
    return Credential(principal=principal, secret_key=secret, session_token=doc["SessionToken"])


def record_key_use(db: Database, access_key: str, service: str, region: str, now: datetime) -> None:
    """Remember that a long-term key signed a request for `service` (its signing name) in `region`."""
    if not access_key.startswith("AKIA"):
        return
    stamp = now.timestamp()
    with _lock:
        last = _last_written.get(access_key)
        if last is not None and 0 <= stamp - last < WRITE_INTERVAL:
            return
        _last_written[access_key] = stamp
    with db.transaction() as tx:
        doc = tx.get_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, access_key)
        if doc is None:
            return
        doc["LastUsed"] = {
            "LastUsedDate": now.replace(microsecond=0).isoformat(),
            "ServiceName": service,
            "Region": region,
        }
        tx.put_doc(store.SERVICE, store.ACCESS_KEY, "", store.REGION, access_key, doc)
