"""What the authorization of KMS requests reads, kept while the account's KMS documents do not change.

Every KMS request is authorized, and authorization reads the key the request names (following an
alias), then its key policy and its grants. Instead, a request reads one number, the generation of the
account's KMS documents (`Transaction.doc_generation`), and while it is unchanged finds here the keys
earlier requests named and each key's parsed key policy and grants. Time moves without a write: a key
past its DeletionDate is judged gone on each use. Only the authorize stage's read transaction uses this,
so a generation seen is a committed one. Cached documents are shared: read them, never change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fogbank.authorization import ResourcePolicies
from fogbank.services.kms import store
from fogbank.services.kms.resolve import check_present, home, resolve_key
from fogbank.state import Transaction

__all__ = ["PER_SNAPSHOT", "Snapshot", "grants_of", "named_key", "snapshot"]

_SNAPSHOTS = 1024
# Keys (and key policies) kept per snapshot: the keys an account's requests keep naming. Documents beyond
# are read each time, which bounds the memory a snapshot holds.
PER_SNAPSHOT = 64


@dataclass(slots=True)
class Snapshot:
    """One generation of an account's KMS documents in one region, as far as requests needed them."""

    generation: int
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # what a request named -> the key
    grants: dict[str, list[dict[str, Any]]] | None = None  # key id -> its grants, read when first needed
    policies: dict[str, ResourcePolicies] = field(default_factory=dict)  # key id -> key policy and grants


# (account, region) -> the newest generation seen.
_snapshots: dict[tuple[str, str], Snapshot] = {}


def snapshot(tx: Transaction, account: str, region: str) -> Snapshot:
    where = (account, region)
    generation = tx.doc_generation(store.SERVICE, account)
    found = _snapshots.get(where)
    if found is None or found.generation != generation:
        if len(_snapshots) >= _SNAPSHOTS:
            _snapshots.clear()
        found = Snapshot(generation)
        _snapshots[where] = found
    return found


def named_key(tx: Transaction, account: str, region: str, ref: str, now: datetime) -> dict[str, Any]:
    """`resolve_key(tx, account, region, ref, now, write=False)`, from the snapshot while it holds."""
    cached = snapshot(tx, *home(account, region, ref))
    doc = cached.keys.get(ref)
    if doc is None:
        doc = resolve_key(tx, account, region, ref, now, write=False)
        if len(cached.keys) < PER_SNAPSHOT:
            cached.keys[ref] = doc
    else:
        check_present(doc, now)
    return doc


def grants_of(
    tx: Transaction, cached: Snapshot, account: str, region: str, key_id: str
) -> list[dict[str, Any]]:
    """The grants of a key in the snapshot's account and region."""
    if cached.grants is None:
        by_key: dict[str, list[dict[str, Any]]] = {}
        for _, grant in tx.list_docs(store.SERVICE, store.GRANT, account, region):
            by_key.setdefault(grant["KeyId"], []).append(grant)
        cached.grants = by_key
    return cached.grants.get(key_id, [])
