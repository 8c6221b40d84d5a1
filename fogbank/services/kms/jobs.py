"""KMS's scheduler jobs: automatic rotation ("kms.rotate"), deletion at DeletionDate ("kms.delete") and
imported material expiry at ValidTo ("kms.expire-material").

Each job settles its key as of the time it was due (lifecycle.settle), the same code a request runs
when it reads a key whose transition came due before the scheduler's tick. A job whose key changed
meanwhile (rotation disabled, deletion cancelled, material re-imported) finds nothing due and does nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fogbank.services.kms import lifecycle, service, store
from fogbank.state import Transaction

__all__: list[str] = []


def _settle(tx: Transaction, payload: dict[str, Any]) -> None:
    doc = tx.get_doc(store.SERVICE, store.KEY, payload["account"], payload["region"], payload["KeyId"])
    if doc is not None:
        lifecycle.settle(tx, doc, datetime.fromisoformat(payload["due"]))


service.job("rotate")(_settle)
service.job("delete")(_settle)
service.job("expire-material")(_settle)
