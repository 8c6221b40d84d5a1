"""Items at rest: one row per item, one row per index entry, exact counts; the one path every change takes.

    ddb_items        (table_id, hash, hk, rk) -> size, item
    ddb_index_items  (index_id, hash, hk, rk, thk, trk) -> size, item (the projected item)
    ddb_counts       (table or index id) -> item_count, size_bytes

hk/rk are the encoded partition and sort keys (keys.py; rk is b"" for a table without a sort key) and
`hash` the partition key's hash, so rows sit in (hash, hk, rk) order: a Query is a range scan of one
partition key, a Scan walks the table in hash order. An index row also carries its item's table key
(thk, trk), which makes it unique when several items share an index key. An index row's size is its
projected entry's (what an index write costs); AWS adds 100 bytes of overhead per entry to index and
item collection sizes (INDEX_ENTRY_OVERHEAD).

Items are stored as JSON of their AttributeValues; bytes (B, BS members) become {"$b": base64}. No
AttributeValue holds a string under "$b" (their values are dicts), so the marker is unambiguous. Numbers
are stored normalized, as AWS returns them, so an item without bytes is stored in its wire form, and a
read that returns items whole answers with the stored text (`wire`, `wire_items`) instead of decoding it.

`write` is the only function that changes items: it keeps rows, index entries and counts in step, and
hands the change to ttl.track, streams.record and backups.changed when the table has TTL, a stream or
PITR on.
Reads are streamed in chunks (`rows`), never a whole table at once.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fogbank.protocols.json import RawJSON
from fogbank.services.dynamodb.keys import encode, partition_hash
from fogbank.services.dynamodb.tables import Index, Table
from fogbank.services.dynamodb.values import item_size
from fogbank.state import Transaction

__all__ = [
    "Source",
    "Row",
    "table_source",
    "index_source",
    "dumps",
    "loads",
    "loads_many",
    "wire",
    "wire_items",
    "get",
    "read",
    "read_stored",
    "write",
    "rows",
    "create",
    "drop",
    "drop_index",
    "backfill",
    "counts",
    "in_index",
    "collection_size",
    "encoded_key",
    "INDEX_ENTRY_OVERHEAD",
]

CHUNK = 128
INDEX_ENTRY_OVERHEAD = 100

_GET = "SELECT item, size FROM ddb_items WHERE table_id = ? AND hash = ? AND hk = ? AND rk = ?"
_PUT = (
    "INSERT INTO ddb_items (table_id, hash, hk, rk, size, item) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (table_id, hash, hk, rk) DO UPDATE SET size = excluded.size, item = excluded.item"
)
_DELETE = "DELETE FROM ddb_items WHERE table_id = ? AND hash = ? AND hk = ? AND rk = ?"
_PUT_ENTRY = (
    "INSERT INTO ddb_index_items (index_id, hash, hk, rk, thk, trk, size, item) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (index_id, hash, hk, rk, thk, trk) DO UPDATE SET size = excluded.size, item = excluded.item"
)
_DELETE_ENTRY = (
    "DELETE FROM ddb_index_items "
    "WHERE index_id = ? AND hash = ? AND hk = ? AND rk = ? AND thk = ? AND trk = ?"
)
_COUNT = "UPDATE ddb_counts SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?"
_COLLECTION = "SELECT COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id = ? AND hash = ? AND hk = ?"
_INDEX_COLLECTION = (
    "SELECT COALESCE(SUM(size), 0) + 100 * COUNT(*) FROM ddb_index_items "
    "WHERE index_id = ? AND hash = ? AND hk = ?"
)


def _marker(value: object) -> dict[str, str]:
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"not an AttributeValue member: {type(value).__name__}")


def _unmark(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(obj.get("$b"), str):
        return base64.b64decode(obj["$b"])
    return obj


def dumps(item: dict[str, Any]) -> str:
    return json.dumps(item, default=_marker, separators=(",", ":"))


def loads(text: str) -> dict[str, Any]:
    if '"$b"' in text:
        return json.loads(text, object_hook=_unmark)
    return json.loads(text)


def loads_many(texts: list[str]) -> list[dict[str, Any]]:
    """Decode many stored items at once: one JSON parse of the lot costs far less than one per item."""
    joined = "[" + ",".join(texts) + "]"
    if '"$b"' in joined:
        return json.loads(joined, object_hook=_unmark)
    return json.loads(joined)


def wire(text: str) -> RawJSON | dict[str, Any]:
    """A stored item as a response carries it: its text when that is its wire form, else decoded."""
    return RawJSON(text) if '"$b"' not in text else loads(text)


def _base64(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not an AttributeValue member: {type(value).__name__}")


def wire_items(texts: list[str]) -> RawJSON:
    """Stored items as the JSON list a response carries: their texts joined, unless one holds bytes."""
    joined = "[" + ",".join(texts) + "]"
    if '"$b"' not in joined:
        return RawJSON(joined)
    return RawJSON(json.dumps(loads_many(texts), default=_base64, separators=(",", ":")))


@dataclass(frozen=True, slots=True)
class Source:
    """Where a table's or an index's rows are: the SQL table, its id column and its key columns."""

    id: int
    sql_table: str
    id_column: str
    key_columns: tuple[str, ...]  # the order rows sort in after the id: hash, hk, rk(, thk, trk)


def table_source(table: Table) -> Source:
    return Source(table.id, "ddb_items", "table_id", ("hash", "hk", "rk"))


def index_source(index: Index) -> Source:
    return Source(index.id, "ddb_index_items", "index_id", ("hash", "hk", "rk", "thk", "trk"))


class _Chunk:
    """The stored texts of a chunk of rows, decoded together when the first row's item is asked for."""

    __slots__ = ("texts", "items")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.items: list[dict[str, Any]] | None = None

    def item(self, index: int) -> dict[str, Any]:
        if self.items is None:
            self.items = loads_many(self.texts)
        return self.items[index]


class Row:
    """One stored row. Its item is decoded on first use (a chunk at a time), and its key too: a read that
    answers with the stored text (`wire_items`) needs neither."""

    __slots__ = ("_row", "_chunk", "_index")

    def __init__(self, row: tuple[Any, ...], chunk: _Chunk, index: int) -> None:
        self._row = row  # (item, size, the source's key columns...)
        self._chunk = chunk
        self._index = index

    @property
    def text(self) -> str:
        """The stored JSON."""
        return self._row[0]

    @property
    def size(self) -> int:
        return self._row[1]

    @property
    def key(self) -> tuple[Any, ...]:
        """The values of the source's key columns, for continuing after this row."""
        return tuple(self._row[2:])

    @property
    def item(self) -> dict[str, Any]:
        return self._chunk.item(self._index)


def encoded_key(table: Table, key: dict[str, Any]) -> tuple[int, bytes, bytes]:
    """(hash, hk, rk): where the item with primary key `key` sits."""
    hk = encode(key[table.hash_key])
    rk = encode(key[table.range_key]) if table.range_key else b""
    return partition_hash(hk), hk, rk


def read_stored(tx: Transaction, table: Table, key: dict[str, Any]) -> tuple[str, int] | None:
    """The stored text of the item with primary key `key` and its size, or None."""
    row = tx.fetchone(_GET, (table.id, *encoded_key(table, key)))
    return (row[0], row[1]) if row else None


def read(tx: Transaction, table: Table, key: dict[str, Any]) -> tuple[dict[str, Any], int] | None:
    """The item with primary key `key` and its size, or None."""
    found = read_stored(tx, table, key)
    return (loads(found[0]), found[1]) if found else None


def get(tx: Transaction, table: Table, key: dict[str, Any]) -> dict[str, Any] | None:
    """The item with primary key `key` (a dict of the key's AttributeValues), or None."""
    found = read(tx, table, key)
    return found[0] if found else None


def in_index(index: Index, item: dict[str, Any] | None, types: dict[str, str]) -> bool:
    """Whether `item` has an entry in `index`: sparse indexes skip items lacking (or mistyping) a key."""
    if item is None:
        return False
    for name in index.key_names():
        value = item.get(name)
        if value is None or types[name] not in value:
            return False
    return True


def write(
    tx: Transaction,
    table: Table,
    key: dict[str, Any],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    *,
    now: datetime,
    service_deletion: bool = False,
) -> None:
    """Replace item `old` (None: absent) by `new` (None: delete) at `key`, with everything that follows.

    The caller has validated `new` and read `old` in this transaction. A write that would take an item
    collection past 10 GB raises ItemCollectionSizeLimitExceededException before anything is written.
    """
    if table.lsis and (old is not None or new is not None):
        from fogbank.services.dynamodb import item_collections

        item_collections.count(tx, table, key, old, new)
    h, hk, rk = encoded_key(table, key)
    old_size = item_size(old) if old is not None else 0
    new_size = item_size(new) if new is not None else 0
    if new is not None:
        tx.execute(_PUT, (table.id, h, hk, rk, new_size, dumps(new)))
    elif old is not None:
        tx.execute(_DELETE, (table.id, h, hk, rk))
    if old is None and new is None:
        return
    if table.ttl_attribute is not None:
        from fogbank.services.dynamodb import ttl

        ttl.track(tx, table, key, new, now=now)
    tx.execute(_COUNT, ((new is not None) - (old is not None), new_size - old_size, table.id))
    for index in table.lsis + table.gsis:
        _write_entry(tx, table, index, hk, rk, old, new)
    if table.stream:
        from fogbank.services.dynamodb import streams

        streams.record(tx, table, old, new, now=now, service_deletion=service_deletion)
    if table.pitr:
        from fogbank.services.dynamodb import backups

        backups.changed(tx, table, key, new, now=now)


def _entry_key(index: Index, item: dict[str, Any]) -> tuple[int, bytes, bytes]:
    ihk = encode(item[index.hash_key])
    irk = encode(item[index.range_key]) if index.range_key else b""
    return partition_hash(ihk), ihk, irk


def _write_entry(
    tx: Transaction,
    table: Table,
    index: Index,
    thk: bytes,
    trk: bytes,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> None:
    types = table.attribute_types
    was, now_in = in_index(index, old, types), in_index(index, new, types)
    if not was and not now_in:
        return
    old_key = _entry_key(index, old) if was else None  # type: ignore[arg-type]
    new_key = _entry_key(index, new) if now_in else None  # type: ignore[arg-type]
    old_size = item_size(index.project(old)) if was else 0  # type: ignore[arg-type]
    new_size = 0
    if old_key is not None and old_key != new_key:
        tx.execute(_DELETE_ENTRY, (index.id, *old_key, thk, trk))
    if new_key is not None:
        entry = index.project(new)  # type: ignore[arg-type]
        new_size = item_size(entry)
        tx.execute(_PUT_ENTRY, (index.id, *new_key, thk, trk, new_size, dumps(entry)))
    tx.execute(_COUNT, (now_in - was, new_size - old_size, index.id))


def rows(
    tx: Transaction,
    source: Source,
    where: list[tuple[str, tuple[Any, ...]]],
    *,
    forward: bool = True,
    after: tuple[Any, ...] | None = None,
    chunk: int = CHUNK,
) -> Iterator[Row]:
    """The source's rows in key order (or reverse), filtered by SQL conditions `where`, in chunks.

    `where` holds (condition, params) pairs over the source's key columns; `after` continues strictly
    after (or before, when not `forward`) a row's key. The caller stops iterating when its page is full.
    """
    columns = ", ".join(source.key_columns)
    order = ", ".join(f"{c} {'ASC' if forward else 'DESC'}" for c in source.key_columns)
    base = f"SELECT item, size, {columns} FROM {source.sql_table} WHERE {source.id_column} = ?"
    base_params: list[Any] = [source.id]
    for condition, params in where:
        base += f" AND {condition}"
        base_params.extend(params)
    placeholders = ", ".join("?" * len(source.key_columns))
    continuation = f" AND ({columns}) {'>' if forward else '<'} ({placeholders})"
    suffix = f" ORDER BY {order} LIMIT ?"
    while True:
        if after is None:
            batch = tx.execute(base + suffix, (*base_params, chunk))
        else:
            batch = tx.execute(base + continuation + suffix, (*base_params, *after, chunk))
        texts = _Chunk([row[0] for row in batch])
        for index, row in enumerate(batch):
            yield Row(row, texts, index)
        if len(batch) < chunk:
            return
        after = tuple(batch[-1][2:])


def create(tx: Transaction, ids: list[int]) -> None:
    """Start the counts of a new table's (or index's) ids at zero."""
    for id_ in ids:
        tx.execute("INSERT INTO ddb_counts (id, item_count, size_bytes) VALUES (?, 0, 0)", (id_,))


def drop(tx: Transaction, table: Table) -> None:
    """Delete every row, index entry and count of `table`."""
    tx.execute("DELETE FROM ddb_items WHERE table_id = ?", (table.id,))
    tx.execute("DELETE FROM ddb_counts WHERE id = ?", (table.id,))
    tx.execute("DELETE FROM ddb_ttl WHERE table_id = ?", (table.id,))
    tx.execute("DELETE FROM ddb_collections WHERE table_id = ?", (table.id,))
    for index in table.lsis + table.gsis:
        drop_index(tx, index.id)


def drop_index(tx: Transaction, index_id: int) -> None:
    tx.execute("DELETE FROM ddb_index_items WHERE index_id = ?", (index_id,))
    tx.execute("DELETE FROM ddb_counts WHERE id = ?", (index_id,))


def backfill(tx: Transaction, table: Table, index: Index) -> None:
    """Add an index entry for every item of `table` that has the (new) index's key."""
    for row in rows(tx, table_source(table), []):
        _write_entry(tx, table, index, row.key[1], row.key[2], None, row.item)


def counts(tx: Transaction, id_: int) -> tuple[int, int]:
    """(item count, size in bytes) of a table or an index (entries' own sizes, without overhead)."""
    row = tx.fetchone("SELECT item_count, size_bytes FROM ddb_counts WHERE id = ?", (id_,))
    return (int(row[0]), int(row[1])) if row else (0, 0)


def collection_size(tx: Transaction, table: Table, partition_key: dict[str, Any]) -> int:
    """The size of an item collection measured from its rows: a partition key's items, and its LSI entries
    with their 100 bytes of overhead each, as AWS counts it (item_collections keeps it counted)."""
    hk = encode(partition_key)
    h = partition_hash(hk)
    total = int(tx.fetchone(_COLLECTION, (table.id, h, hk))[0])  # type: ignore[index]
    for index in table.lsis:
        total += int(tx.fetchone(_INDEX_COLLECTION, (index.id, h, hk))[0])  # type: ignore[index]
    return total
