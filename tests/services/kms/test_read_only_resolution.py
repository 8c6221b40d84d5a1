"""Resolving keys in a read-only transaction, as the authorization of KMS requests does: it changes
nothing, judges a key past its DeletionDate gone before the deletion job has run, and answers a first use
of an AWS managed key with the key its handler will make."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from fogbank.clock import Clock
from fogbank.errors import ServiceError
from fogbank.services.kms import lifecycle, managed, snapshots, store
from fogbank.services.kms.keys import default_policy, new_key
from fogbank.state import Database, open_database

ACCOUNT, REGION = "000000000000", "us-east-1"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, fsync=False)
    yield database
    database.close()


def test_a_key_past_its_deletion_date_is_gone_without_a_write(db: Database) -> None:
    start = Clock(db).now().replace(microsecond=0)
    with db.transaction() as tx:
        doc = new_key(tx, ACCOUNT, REGION, start, policy=default_policy(ACCOUNT))
        doc.update(KeyState="PendingDeletion", DeletionDate=lifecycle.stamp(start + timedelta(days=7)))
        lifecycle.save(tx, doc)
    with db.transaction(write=False) as tx:
        found = snapshots.named_key(tx, ACCOUNT, REGION, doc["KeyId"], start + timedelta(days=6))
        assert found["KeyState"] == "PendingDeletion"
        for ref in (doc["KeyId"], doc["Arn"]):  # from the snapshot, then read
            with pytest.raises(ServiceError) as caught:
                snapshots.named_key(tx, ACCOUNT, REGION, ref, start + timedelta(days=8))
            assert caught.value.code == "NotFoundException"
            assert caught.value.message == f"Key '{doc['Arn']}' does not exist"
    with db.transaction(write=False) as tx:
        assert tx.get_doc(store.SERVICE, store.KEY, ACCOUNT, REGION, doc["KeyId"]) is not None


def test_a_first_use_of_a_managed_key_is_the_key_its_handler_makes(db: Database) -> None:
    now = Clock(db).now()
    with db.transaction(write=False) as tx:
        unmade = snapshots.named_key(tx, ACCOUNT, REGION, "alias/aws/s3", now)
        assert tx.get_doc(store.SERVICE, store.ALIAS, ACCOUNT, REGION, "alias/aws/s3") is None
    assert unmade["KeyManager"] == "AWS" and managed.unmade_key(unmade["Arn"]) == unmade
    with db.transaction() as tx:
        made = managed.managed_key(tx, ACCOUNT, REGION, "s3", now)
    assert made["Arn"] == unmade["Arn"] and made["Policy"] == unmade["Policy"]
