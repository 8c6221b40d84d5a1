"""deliver(): another service's way into a queue, in its own transaction (SNS's Publish uses it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fogbank.errors import ServiceError
from fogbank.services.sqs import attributes, service
from fogbank.services.sqs.deliver import QueueUnavailable, deliver
from fogbank.services.sqs.digests import md5_of_attributes
from fogbank.services.sqs.queues import Queue, save
from fogbank.services.sqs.receive import Want, attempt
from fogbank.state import Database, open_database
from fogbank.state.migrations import migrate

ACCOUNT, REGION = "000000000000", "us-east-1"
WANT = Want(max_messages=10, visibility=30, system_attributes=frozenset({"All"}), message_attributes=("All",))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, fsync=False)
    assert service.schema is not None
    migrate(database, "sqs", service.schema)
    yield database
    database.close()


def make(db: Database, name: str, **extra: str) -> Queue:
    now = datetime.now(UTC).timestamp()
    queue = Queue(ACCOUNT, REGION, name, now, now, {**attributes.defaults(name.endswith(".fifo")), **extra})
    with db.transaction() as tx:
        save(tx, queue)
    return queue


def test_deliver_enqueues_with_attributes(db: Database) -> None:
    queue = make(db, "target")
    now = datetime.now(UTC)
    values = {"kind": {"DataType": "String", "StringValue": "order"}}
    with db.transaction() as tx:
        message_id = deliver(tx, now, queue.arn, "body", attributes=values, sender_id="AIDASNS")
    with db.transaction() as tx:
        messages, _ = attempt(tx, now.timestamp(), queue, WANT)
    assert [m["MessageId"] for m in messages] == [message_id]
    assert messages[0]["MessageAttributes"] == values
    assert messages[0]["MD5OfMessageAttributes"] == md5_of_attributes(values)
    assert messages[0]["Attributes"]["SenderId"] == "AIDASNS"


def test_deliver_deduplicates_on_fifo_queues(db: Database) -> None:
    queue = make(db, "target.fifo")
    now = datetime.now(UTC)
    with db.transaction() as tx:
        first = deliver(tx, now, queue.arn, "x", group_id="g", dedup_id="d")
        again = deliver(tx, now, queue.arn, "x", group_id="g", dedup_id="d")
    assert first is not None and again is None


def test_deliver_refuses_as_send_message_does(db: Database) -> None:
    queue = make(db, "small", MaximumMessageSize="1024")
    with db.transaction() as tx, pytest.raises(ServiceError) as excinfo:
        deliver(tx, datetime.now(UTC), queue.arn, "x" * 2000)
    assert excinfo.value.code == "InvalidParameterValue"
    with db.transaction() as tx, pytest.raises(QueueUnavailable):
        deliver(tx, datetime.now(UTC), queue.arn + "-missing", "x")
