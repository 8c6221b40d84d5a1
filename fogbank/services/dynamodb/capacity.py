"""ConsumedCapacity as AWS documents it.

Reads: 4 KB units rounded up (at least one); an eventually consistent read costs half, a
transactional one double. Writes: 1 KB units rounded up (at least one) of the larger of the old and
the new item; transactional writes double. Each secondary index an item change touches costs its own
writes of the projected entry: putting or deleting an entry is one write, an update that keeps the
index key is one write of the larger entry, and an update that moves the index key is two (delete the
old entry, put the new one). Query and Scan add the sizes of every item read, before filtering, and
round once.

ReturnConsumedCapacity TOTAL gives the table's name and the total; INDEXES adds the table's own part
and each index's part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fogbank.services.dynamodb.store import in_index
from fogbank.services.dynamodb.tables import Table
from fogbank.services.dynamodb.values import item_size

__all__ = ["read_units", "write_units", "index_writes", "consumed", "Usage"]

READ_UNIT = 4096
WRITE_UNIT = 1024


def read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    """Read capacity units for reading `size` bytes (rounded up to 4 KB, at least one unit)."""
    units = float(max(1, -(-size // READ_UNIT)))
    if transactional:
        return units * 2
    return units if consistent else units / 2


def write_units(size: int, transactional: bool = False) -> float:
    """Write capacity units for writing `size` bytes (rounded up to 1 KB, at least one unit)."""
    units = float(max(1, -(-size // WRITE_UNIT)))
    return units * 2 if transactional else units


def index_writes(
    table: Table, old: dict[str, Any] | None, new: dict[str, Any] | None, transactional: bool = False
) -> dict[str, float]:
    """Write units each secondary index costs for changing item `old` into `new`, by index name."""
    types = table.attribute_types
    units: dict[str, float] = {}
    for index in table.lsis + table.gsis:
        was, now_in = in_index(index, old, types), in_index(index, new, types)
        if not was and not now_in:
            continue
        old_size = item_size(index.project(old)) if was else 0  # type: ignore[arg-type]
        new_size = item_size(index.project(new)) if now_in else 0  # type: ignore[arg-type]
        if was and now_in and any(old[k] != new[k] for k in index.key_names()):  # type: ignore[index]
            cost = write_units(old_size, transactional) + write_units(new_size, transactional)
        else:
            cost = write_units(max(old_size, new_size), transactional)
        units[index.name] = cost
    return units


class Usage:
    """What one operation consumed on one table: the table's units and each index's, read or write."""

    __slots__ = ("table", "write", "name", "table_units", "index_units")

    def __init__(self, table: Table, *, write: bool, name: str | None = None) -> None:
        self.table = table
        self.write = write
        self.name = name  # the TableName as the request gave it (a name or an ARN)
        self.table_units = 0.0
        self.index_units: dict[str, float] = {}

    def add_index(self, name: str, units: float) -> None:
        self.index_units[name] = self.index_units.get(name, 0.0) + units

    def report(self, mode: str | None) -> dict[str, Any] | None:
        return consumed(
            self.table, self.table_units, self.index_units, mode=mode, write=self.write, name=self.name
        )


def consumed(
    table: Table,
    units: float,
    indexes: Mapping[str, float] | None = None,
    *,
    mode: str | None = "TOTAL",
    write: bool = False,
    name: str | None = None,
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode` (None/NONE: no member).

    `units` are the table's own units and `indexes` each index's (a Query of an index reads the index
    alone: its table units are 0). TableName is `name` as the request gave it (AWS echoes an ARN).
    """
    if mode in (None, "NONE"):
        return None
    indexes = indexes or {}
    total = units + sum(indexes.values())
    kind = "WriteCapacityUnits" if write else "ReadCapacityUnits"
    result: dict[str, Any] = {"TableName": name or table.name, "CapacityUnits": total, kind: total}
    if mode != "INDEXES":
        return result
    result["Table"] = {"CapacityUnits": units, kind: units}
    local = {i.name for i in table.lsis}
    for name, value in indexes.items():
        group = "LocalSecondaryIndexes" if name in local else "GlobalSecondaryIndexes"
        result.setdefault(group, {})[name] = {"CapacityUnits": value, kind: value}
    return result
