"""Item collections of tables with local indexes: the exact size a write adds, the 10 GB limit's boundary
(unit tests: a live test cannot write 10 GB), and ItemCollectionMetrics from every write operation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fogbank.errors import ServiceError
from fogbank.services.dynamodb import item_collections, store
from fogbank.services.dynamodb.create import new_table_doc
from fogbank.services.dynamodb.tables import Table
from fogbank.state import open_database
from fogbank.state.migrations import migrate
from tests.services.dynamodb.shapes import index, key_schema

_KEYS = {
    "KeySchema": key_schema("pk", "sk"),
    "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "lk")],
    "BillingMode": "PAY_PER_REQUEST",
}


def _table(projection: str) -> Table:
    request = {
        "TableName": "unit",
        **_KEYS,
        "LocalSecondaryIndexes": [index("by-lk", "pk", "lk", projection)],
    }
    return Table(
        "000000000000", "us-east-1", new_table_doc(request, "000000000000", "us-east-1", datetime.now(UTC))
    )


def test_a_write_adds_its_item_and_its_local_index_entries_with_their_overhead() -> None:
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, "lk": {"S": "x"}, "data": {"S": "0123456789"}}
    # pk, sk, lk: 2 + 1 bytes each; data: 4 + 10 bytes
    assert item_collections.delta(_table("ALL"), None, item) == 23 + (23 + 100)
    # KEYS_ONLY entries hold the table's and the index's keys
    assert item_collections.delta(_table("KEYS_ONLY"), None, item) == 23 + (9 + 100)
    without_lk = {k: v for k, v in item.items() if k != "lk"}  # no entry in the (sparse) index
    assert item_collections.delta(_table("ALL"), None, without_lk) == 20
    assert item_collections.delta(_table("ALL"), item, without_lk) == 20 - 146
    assert item_collections.delta(_table("ALL"), item, None) == -146


def test_only_a_write_that_grows_a_collection_past_ten_gb_is_refused() -> None:
    limit = 10 * (1 << 30)
    assert item_collections.LIMIT == limit
    assert not item_collections.exceeds(limit - 123, 123)  # exactly 10 GB is allowed
    assert item_collections.exceeds(limit - 122, 123)
    assert item_collections.exceeds(limit, 1)
    assert not item_collections.exceeds(limit + 500, 0)  # over the limit already: rewriting the same size
    assert not item_collections.exceeds(limit + 500, -100)  # and shrinking are allowed


def test_the_check_refuses_with_aws_error(monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table("ALL")
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, "lk": {"S": "x"}}
    sizes = {"size": item_collections.LIMIT - 18}  # the item adds 9 + 9 + 100
    monkeypatch.setattr(item_collections, "size", lambda tx, table, key: sizes["size"])
    with pytest.raises(ServiceError) as error:
        item_collections.check(None, table, table.key_of(item), None, item)  # type: ignore[arg-type]
    assert (error.value.code, error.value.message, error.value.status) == (
        "ItemCollectionSizeLimitExceededException",
        "Collection size exceeded.",
        400,
    )
    sizes["size"] = item_collections.LIMIT - 118
    after = item_collections.check(None, table, table.key_of(item), None, item)  # type: ignore[arg-type]
    assert after == item_collections.LIMIT
    sizes["size"] = item_collections.LIMIT + 1_000  # over the limit already: deleting is allowed
    after = item_collections.check(None, table, table.key_of(item), item, None)  # type: ignore[arg-type]
    assert after == item_collections.LIMIT + 1_000 - 118


def test_every_write_reports_item_collection_metrics(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table(
        range=("sk", "S"),
        extra_attributes={"lk": "S"},
        LocalSecondaryIndexes=[index("by-lk", "pk", "lk")],
    )
    plain = make_table()
    metrics = {"ItemCollectionKey": {"pk": {"S": "c"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    key = {"pk": {"S": "c"}, "sk": {"S": "1"}}
    size = {"ReturnItemCollectionMetrics": "SIZE"}
    put = ddb.put_item(TableName=name, Item={**key, "lk": {"S": "x"}}, **size)
    assert put["ItemCollectionMetrics"] == metrics
    update = ddb.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "y"}},
        **size,
    )
    assert update["ItemCollectionMetrics"] == metrics
    assert ddb.delete_item(TableName=name, Key=key, **size)["ItemCollectionMetrics"] == metrics
    batch = ddb.batch_write_item(
        RequestItems={
            name: [{"PutRequest": {"Item": {**key, "lk": {"S": "x"}}}}],
            plain: [{"PutRequest": {"Item": {"pk": {"S": "c"}}}}],
        },
        **size,
    )
    assert batch["ItemCollectionMetrics"] == {name: [metrics]}  # a table without local indexes has none
    transaction = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": {**key, "lk": {"S": "z"}}}}], **size
    )
    assert transaction["ItemCollectionMetrics"] == {name: [metrics]}
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=name, Item={**key, "lk": {"S": "x"}})
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=plain, Item={"pk": {"S": "c"}}, **size)


def test_the_kept_size_is_the_measured_size(tmp_path: Path) -> None:
    db = open_database(tmp_path, fsync=False)
    migrate(db, "dynamodb", (Path(store.__file__).parent / "schema.sql").read_text())
    table = _table("KEYS_ONLY")
    now = datetime.now(UTC)
    key = {"pk": {"S": "a"}}

    def written(sort: str, new: dict[str, Any] | None) -> None:
        with db.transaction() as tx:
            item_key = {**key, "sk": {"S": sort}}
            store.write(tx, table, item_key, store.get(tx, table, item_key), new, now=now)
            assert item_collections.size(tx, table, key["pk"]) == store.collection_size(tx, table, key["pk"])

    with db.transaction() as tx:
        store.create(tx, [table.id] + [i.id for i in table.indexes])
    written("1", {**key, "sk": {"S": "1"}, "lk": {"S": "x"}, "v": {"S": "x" * 100}})
    written("2", {**key, "sk": {"S": "2"}})  # no index entry
    written("1", {**key, "sk": {"S": "1"}, "v": {"S": "shorter"}})  # leaves the index
    written("2", None)
    written("1", None)
    with db.transaction() as tx:
        assert item_collections.size(tx, table, key["pk"]) == 0
    db.close()
