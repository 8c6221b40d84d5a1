"""A key's timed transitions: automatic rotation, imported material expiry, and deletion at DeletionDate.

Each transition is a timestamp in the key's document. The scheduler's jobs (jobs.py) apply them when
fogbank's clock reaches them, and `settle` applies the due ones whenever a request reads the key, so a
request right after `fogbank clock advance` sees them even before the scheduler's next tick. Both paths
run the same code, at the transition's own time: a rotation is dated when it was due, not when noticed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from fogbank import scheduler
from fogbank.services.kms import material, store
from fogbank.state import Transaction

__all__ = [
    "ROTATE",
    "DELETE",
    "EXPIRE",
    "delete_key",
    "drop_material",
    "gone",
    "region_of",
    "rotate",
    "save",
    "schedule",
    "settle",
    "stamp",
]

ROTATE = "kms.rotate"
DELETE = "kms.delete"
EXPIRE = "kms.expire-material"


def stamp(moment: datetime) -> str:
    return moment.isoformat()


def region_of(doc: dict[str, Any]) -> str:
    return str(doc["Arn"]).split(":")[3]


def save(tx: Transaction, doc: dict[str, Any]) -> None:
    tx.put_doc(store.SERVICE, store.KEY, doc["AWSAccountId"], region_of(doc), doc["KeyId"], doc)


def schedule(tx: Transaction, kind: str, doc: dict[str, Any], due: str) -> None:
    payload = {"account": doc["AWSAccountId"], "region": region_of(doc), "KeyId": doc["KeyId"], "due": due}
    scheduler.schedule(tx, kind, doc["Arn"], datetime.fromisoformat(due), payload)


def rotate(tx: Transaction, doc: dict[str, Any], at: datetime, rotation_type: str) -> None:
    """New symmetric material, newest from now on; the old versions stay for old ciphertexts."""
    material.add_version(tx, doc, os.urandom(32), stamp(at), "AWS_KMS")
    rotation = doc.setdefault("Rotation", {"Enabled": False, "Rotations": []})
    rotation.setdefault("Rotations", []).append({"RotationDate": stamp(at), "RotationType": rotation_type})


def drop_material(doc: dict[str, Any]) -> None:
    """Imported material deleted or expired: the key waits for an import again."""
    doc["Material"] = []
    doc.update(KeyState="PendingImport", Enabled=False)
    for field in ("ValidTo", "ExpirationModel"):
        doc.pop(field, None)


def delete_key(tx: Transaction, doc: dict[str, Any]) -> None:
    """The key is gone, with its aliases and grants."""
    account, region = doc["AWSAccountId"], region_of(doc)
    for kind in (store.ALIAS, store.GRANT):
        for name, other in tx.list_docs(store.SERVICE, kind, account, region):
            if other.get("TargetKeyId", other.get("KeyId")) == doc["KeyId"]:
                tx.delete_doc(store.SERVICE, kind, account, region, name)
    tx.delete_doc(store.SERVICE, store.KEY, account, region, doc["KeyId"])
    for kind in (ROTATE, EXPIRE, DELETE):
        scheduler.cancel(tx, kind, doc["Arn"])


def gone(doc: dict[str, Any], now: datetime) -> bool:
    """Whether the key's deletion window has ended by `now`."""
    return doc.get("KeyState") == "PendingDeletion" and datetime.fromisoformat(doc["DeletionDate"]) <= now


def settle(tx: Transaction, doc: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """Apply the transitions due at `now` (saving the key if any); None when the key is gone."""
    if gone(doc, now):
        delete_key(tx, doc)
        return None
    changed = False
    rotation = doc.get("Rotation") or {}
    # A disabled key does not rotate; once enabled again, a rotation that came due meanwhile happens.
    if rotation.get("Enabled") and doc.get("KeyState") == "Enabled" and rotation.get("NextRotationDate"):
        due = datetime.fromisoformat(rotation["NextRotationDate"])
        while due <= now:
            rotate(tx, doc, due, "AUTOMATIC")
            due += timedelta(days=rotation["RotationPeriodInDays"])
            changed = True
        if changed:
            rotation["NextRotationDate"] = stamp(due)
            schedule(tx, ROTATE, doc, rotation["NextRotationDate"])
    if doc.get("ValidTo") and datetime.fromisoformat(doc["ValidTo"]) <= now:
        drop_material(doc)
        changed = True
    if changed:
        save(tx, doc)
    return doc
