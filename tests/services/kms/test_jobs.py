"""KMS's scheduler jobs run by fogbank's scheduler: rotation, deletion and material expiry happen when the
clock reaches them even if no request reads the key; key material is stored wrapped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from fogbank.clock import Clock
from fogbank.scheduler import run_due
from fogbank.services import registry
from fogbank.services.kms import lifecycle, material, store
from fogbank.services.kms.keys import default_policy, new_key
from fogbank.state import Database, open_database

ACCOUNT, REGION = "000000000000", "us-east-1"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, fsync=False)
    yield database
    database.close()


def stored(db: Database, key_id: str) -> dict[str, Any] | None:
    with db.transaction(write=False) as tx:
        return tx.get_doc(store.SERVICE, store.KEY, ACCOUNT, REGION, key_id)


def test_jobs_rotate_delete_and_expire(db: Database) -> None:
    clock = Clock(db)
    start = clock.now().replace(microsecond=0)
    with db.transaction() as tx:
        rotating = new_key(tx, ACCOUNT, REGION, start, policy=default_policy(ACCOUNT))
        doomed = new_key(tx, ACCOUNT, REGION, start, policy=default_policy(ACCOUNT))
        expiring = new_key(tx, ACCOUNT, REGION, start, origin="EXTERNAL", policy=default_policy(ACCOUNT))
        due = lifecycle.stamp(start + timedelta(days=90))
        rotating["Rotation"].update(Enabled=True, RotationPeriodInDays=90, NextRotationDate=due)
        lifecycle.save(tx, rotating)
        lifecycle.schedule(tx, lifecycle.ROTATE, rotating, due)
        doomed.update(KeyState="PendingDeletion", DeletionDate=lifecycle.stamp(start + timedelta(days=7)))
        lifecycle.save(tx, doomed)
        lifecycle.schedule(tx, lifecycle.DELETE, doomed, doomed["DeletionDate"])
        material.add_version(tx, expiring, b"k" * 32, lifecycle.stamp(start), "EXTERNAL")
        expiring.update(KeyState="Enabled", Enabled=True, ValidTo=lifecycle.stamp(start + timedelta(days=1)))
        lifecycle.save(tx, expiring)
        lifecycle.schedule(tx, lifecycle.EXPIRE, expiring, expiring["ValidTo"])
    handlers = registry()["kms"].jobs
    assert set(handlers) == {lifecycle.ROTATE, lifecycle.DELETE, lifecycle.EXPIRE}
    assert run_due(db, clock, handlers) == 0

    clock.advance(timedelta(days=91))
    assert run_due(db, clock, handlers) == 3

    rotated = stored(db, rotating["KeyId"])
    assert rotated is not None and [m["Version"] for m in rotated["Material"]] == [1, 2]
    assert rotated["Rotation"]["Rotations"] == [{"RotationDate": due, "RotationType": "AUTOMATIC"}]
    assert rotated["Rotation"]["NextRotationDate"] == lifecycle.stamp(start + timedelta(days=180))
    assert stored(db, doomed["KeyId"]) is None
    expired = stored(db, expiring["KeyId"])
    assert expired is not None and expired["KeyState"] == "PendingImport" and expired["Material"] == []


def test_material_is_wrapped_under_the_master_key(db: Database) -> None:
    created = Clock(db).now()
    with db.transaction() as tx:
        doc = new_key(tx, ACCOUNT, REGION, created, policy=default_policy(ACCOUNT))
        entry = material.add_version(tx, doc, b"\x42" * 32, doc["CreationDate"], "AWS_KMS")
    assert b"\x42" * 8 not in entry["Wrapped"].encode() and "QkJC" not in entry["Wrapped"]
    with db.transaction() as tx:
        assert material.unwrap(tx, doc["Arn"], entry["Version"], entry["Wrapped"]) == b"\x42" * 32
        # Wrapped material is bound to its key and version.
        with pytest.raises(InvalidTag):
            material.unwrap(tx, doc["Arn"], entry["Version"] + 1, entry["Wrapped"])
