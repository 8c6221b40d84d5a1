"""PynamoDB, an ORM users use, runs its model operations against fogbank unchanged."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.server import FogbankServer

pynamodb = pytest.importorskip("pynamodb")

from pynamodb.attributes import (  # noqa: E402
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection  # noqa: E402
from pynamodb.exceptions import PutError, TransactWriteError  # noqa: E402
from pynamodb.models import Model  # noqa: E402
from pynamodb.transactions import TransactWrite  # noqa: E402


@pytest.fixture
def thread_model(server: FogbankServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")

    class Thread(Model):
        class Meta:
            table_name = f"threads-{uuid.uuid4().hex[:8]}"
            region = "us-east-1"
            host = server.endpoint
            max_retry_attempts = 0

        forum = UnicodeAttribute(hash_key=True)
        subject = UnicodeAttribute(range_key=True)
        views = NumberAttribute(default=0)
        tags = UnicodeSetAttribute(null=True)
        replies = ListAttribute(null=True)  # type: ignore[var-annotated]

    Thread.create_table(read_capacity_units=5, write_capacity_units=5, wait=True)
    yield Thread
    Thread.delete_table()


def test_model_operations(thread_model: Any) -> None:
    Thread = thread_model
    assert Thread.exists()
    Thread("dynamodb", "streams", views=3, tags={"aws", "db"}).save()
    Thread("dynamodb", "ttl", views=10).save()
    Thread("s3", "buckets", views=1).save()

    got = Thread.get("dynamodb", "streams")
    assert (got.views, got.tags) == (3, {"aws", "db"})

    got.update(actions=[Thread.views.add(2), Thread.tags.delete({"db"}), Thread.replies.set(["first"])])
    fresh = Thread.get("dynamodb", "streams", consistent_read=True)
    assert (fresh.views, fresh.tags, fresh.replies) == (5, {"aws"}, ["first"])

    subjects = [t.subject for t in Thread.query("dynamodb", Thread.subject.startswith("s"))]
    assert subjects == ["streams"]
    popular = Thread.query("dynamodb", Thread.subject > "a", filter_condition=Thread.views >= 5)
    assert sorted(t.subject for t in popular) == ["streams", "ttl"]
    assert Thread.count("dynamodb") == 2
    assert sorted(t.forum + "/" + t.subject for t in Thread.scan(Thread.views < 5)) == ["s3/buckets"]

    with Thread.batch_write() as batch:
        for i in range(30):
            batch.save(Thread("batch", f"item-{i:02}", views=i))
    assert Thread.count("batch") == 30
    items = list(Thread.batch_get([("batch", "item-00"), ("batch", "item-29")]))
    assert sorted(t.views for t in items) == [0, 29]

    with pytest.raises(PutError) as error:
        Thread("dynamodb", "ttl").save(condition=Thread.forum.does_not_exist())
    assert error.value.cause_response_code == "ConditionalCheckFailedException"

    connection = Connection(region="us-east-1", host=Thread.Meta.host)
    with TransactWrite(connection=connection) as transaction:
        transaction.save(Thread("tx", "one"))
        transaction.update(Thread("dynamodb", "ttl"), actions=[Thread.views.set(0)])
    assert Thread.get("dynamodb", "ttl").views == 0
    with pytest.raises(TransactWriteError) as failed:
        with TransactWrite(connection=connection) as transaction:
            transaction.save(Thread("tx", "two"))
            transaction.condition_check(Thread, "tx", "one", condition=Thread.views > 100)
    assert failed.value.cause_response_code == "TransactionCanceledException"
    # PynamoDB sends its condition checks first.
    reasons = [r.code if r else None for r in failed.value.cancellation_reasons]
    assert reasons == ["ConditionalCheckFailed", None]
    assert Thread.count("tx") == 1

    Thread.get("s3", "buckets").delete()
    with pytest.raises(Thread.DoesNotExist):
        Thread.get("s3", "buckets")
