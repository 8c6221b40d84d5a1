"""Item collections of tables with local secondary indexes: their size, ItemCollectionMetrics, and the
10 GB limit.

An item collection is a partition key's items together with their LSI entries (each entry counts its
projected attributes and 100 bytes of overhead, as AWS counts it). AWS refuses a write that would take a
collection past 10 GB with ItemCollectionSizeLimitExceededException; a write that keeps or shrinks a
collection is allowed even above the limit, so data can always be deleted.

Sizes are kept per partition key in ddb_collections by `count`, which store.write calls before it writes
(transactions call `check` for every action first, to cancel with a reason instead). A collection with
no row there (written before the counter existed, or emptied) is measured from its rows once.
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb import store
from fogbank.services.dynamodb.keys import encode, partition_hash
from fogbank.services.dynamodb.tables import Table
from fogbank.services.dynamodb.values import item_size
from fogbank.state import Transaction

__all__ = ["LIMIT", "MESSAGE", "check", "count", "delta", "exceeds", "metrics", "size"]

GB = 1 << 30
_SIZE = "SELECT size FROM ddb_collections WHERE table_id = ? AND hash = ? AND hk = ?"
_SET = (
    "INSERT INTO ddb_collections (table_id, hash, hk, size) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (table_id, hash, hk) DO UPDATE SET size = excluded.size"
)
_FORGET = "DELETE FROM ddb_collections WHERE table_id = ? AND hash = ? AND hk = ?"
LIMIT = 10 * GB
MESSAGE = "Collection size exceeded."


def delta(table: Table, old: dict[str, Any] | None, new: dict[str, Any] | None) -> int:
    """How many bytes writing `new` over `old` (None: absent) adds to their item collection."""
    change = 0
    for item, sign in ((new, 1), (old, -1)):
        if item is None:
            continue
        change += sign * item_size(item)
        for index in table.lsis:
            if store.in_index(index, item, table.attribute_types):
                change += sign * (item_size(index.project(item)) + store.INDEX_ENTRY_OVERHEAD)
    return change


def exceeds(size: int, change: int) -> bool:
    """Whether a write changing a collection of `size` bytes by `change` bytes is refused."""
    return change > 0 and size + change > LIMIT


def _where(table: Table, partition_key: dict[str, Any]) -> tuple[int, int, bytes]:
    hk = encode(partition_key)
    return table.id, partition_hash(hk), hk


def size(tx: Transaction, table: Table, partition_key: dict[str, Any]) -> int:
    """The size in bytes of the item collection of `partition_key`."""
    row = tx.fetchone(_SIZE, _where(table, partition_key))
    return int(row[0]) if row is not None else store.collection_size(tx, table, partition_key)


def check(
    tx: Transaction, table: Table, key: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any] | None
) -> int:
    """The collection's size once `new` replaces `old` at `key`; raises ItemCollectionSizeLimitExceeded when
    that takes it past the limit."""
    before, change = size(tx, table, key[table.hash_key]), delta(table, old, new)
    if exceeds(before, change):
        raise ServiceError("ItemCollectionSizeLimitExceededException", MESSAGE, 400)
    return before + change


def count(
    tx: Transaction, table: Table, key: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
    """`check` the write of `new` over `old` and keep the collection's new size (before the rows change)."""
    after = check(tx, table, key, old, new)
    where = _where(table, key[table.hash_key])
    if after:
        tx.execute(_SET, (*where, after))
    else:
        tx.execute(_FORGET, where)


def metrics(
    tx: Transaction, table: Table, request: dict[str, Any], key: dict[str, Any]
) -> dict[str, Any] | None:
    """ItemCollectionMetrics for ReturnItemCollectionMetrics SIZE on a table with local indexes: the
    collection's size as a range of whole gigabytes."""
    if request.get("ReturnItemCollectionMetrics") != "SIZE" or not table.lsis:
        return None
    low = float(size(tx, table, key[table.hash_key]) // GB)
    return {
        "ItemCollectionKey": {table.hash_key: key[table.hash_key]},
        "SizeEstimateRangeGB": [low, low + 1.0],
    }
