"""What Query and Scan share: the read target (table or index), Select, ExclusiveStartKey and the page.

A page evaluates rows in key order until `Limit` rows were evaluated or the rows read reach 1 MB (the
row that crosses 1 MB is the page's last), filters and projects them, and reports the last evaluated
row's key as LastEvaluatedKey whenever it stopped early. For an index, a key is the index's key and
the table's key. Capacity is the sizes of every row read, summed, then rounded once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.json import RawJSON
from fogbank.services.dynamodb import partitions, store, throttle
from fogbank.services.dynamodb.capacity import Usage, read_units
from fogbank.services.dynamodb.expressions.ast import Path
from fogbank.services.dynamodb.keys import encode, partition_hash
from fogbank.services.dynamodb.params import Expressions
from fogbank.services.dynamodb.tables import Index, Table, shared
from fogbank.services.dynamodb.values import validate_value

__all__ = ["Target", "target", "start_after", "run_page", "PAGE_BYTES", "validation"]

PAGE_BYTES = 1 << 20


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


@dataclass(slots=True)
class Target:
    """The table, and the index a request reads (None: the table itself)."""

    table: Table
    index: Index | None
    source: store.Source
    select: str
    consistent: bool

    @property
    def hash_key(self) -> str:
        return self.index.hash_key if self.index else self.table.hash_key

    @property
    def range_key(self) -> str | None:
        return self.index.range_key if self.index else self.table.range_key

    def key_names(self) -> tuple[str, ...]:
        names = self.table.key_names()
        if self.index:
            names = tuple(dict.fromkeys(self.index.key_names() + names))
        return names

    def fetches_table(self, wanted: set[str]) -> bool:
        """An LSI read that needs attributes outside the index's projection reads them from the table.

        `wanted` are the attributes the projection and the filter name.
        """
        index = self.index
        if index is None or index.is_global or index.projection_type == "ALL":
            return False
        return self.select == "ALL_ATTRIBUTES" or not wanted <= index.projected


def _select(request: dict[str, Any], index: Index | None) -> str:
    select = request.get("Select")
    projected = request.get("ProjectionExpression") is not None or request.get("AttributesToGet") is not None
    if select is None:
        if projected:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES"
    member = "ProjectionExpression" if request.get("ProjectionExpression") is not None else "AttributesToGet"
    if select == "SPECIFIC_ATTRIBUTES":
        if not projected:
            raise validation(
                "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires either "
                "AttributesToGet or ProjectionExpression"
            )
        return select
    if projected:
        what = "only the Count" if select == "COUNT" else select
        raise validation(f"Cannot specify the {member} when choosing to get {what}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    if (
        select == "ALL_ATTRIBUTES"
        and index is not None
        and index.is_global
        and index.projection_type != "ALL"
    ):
        raise validation(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
            f"global secondary index {index.name} because its projection type is not ALL"
        )
    return select


def target(ctx: Context, request: dict[str, Any]) -> Target:
    """Load the table, pick the index, and check Limit, Select and ConsistentRead."""
    table = shared(ctx.tx, ctx.account, ctx.region, request["TableName"])
    index = None
    name = request.get("IndexName")
    if name is not None:
        index = table.index(name)
        if index is None:
            raise validation(f"The table does not have the specified index: {name}")
    consistent = bool(request.get("ConsistentRead"))
    if consistent and index is not None and index.is_global:
        raise validation("Consistent reads are not supported on global secondary indexes")
    source = store.index_source(index) if index else store.table_source(table)
    return Target(table, index, source, _select(request, index), consistent)


def _scalar(value: Any, kind: str) -> dict[str, Any] | None:
    try:
        checked = validate_value(value)
    except ServiceError:
        return None
    return checked if kind in checked else None


def start_after(target: Target, start: dict[str, Any] | None, message: str) -> tuple[Any, ...] | None:
    """The row key just before a page that continues after ExclusiveStartKey `start`."""
    if start is None:
        return None
    names = target.key_names()
    if set(start) != set(names):
        raise validation(message)
    types = target.table.attribute_types
    checked = {}
    for name in names:
        value = _scalar(start[name], types[name])
        if value is None:
            raise validation(message)
        checked[name] = value
    table = target.table
    thk = encode(checked[table.hash_key])
    trk = encode(checked[table.range_key]) if table.range_key else b""
    if target.index is None:
        return (partition_hash(thk), thk, trk)
    ihk = encode(checked[target.index.hash_key])
    irk = encode(checked[target.index.range_key]) if target.index.range_key else b""
    return (partition_hash(ihk), ihk, irk, thk, trk)


def _top_level_names(node: Any) -> set[str]:
    """The attribute names a parsed condition's paths start with."""
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Path):
            if current.elements and isinstance(current.elements[0], str):
                names.add(current.elements[0])
        elif is_dataclass(current):
            stack.extend(getattr(current, f.name) for f in fields(current))
        elif isinstance(current, list | tuple):
            stack.extend(current)
    return names


def _wanted(request: dict[str, Any], condition: Any, projection: Any, filter_member: str) -> set[str]:
    """The top-level attributes a read's filter and projection name."""
    wanted = set(projection.top_level_names) if projection is not None else set()
    if condition is not None:
        if request.get("FilterExpression") is not None:
            wanted |= _top_level_names(condition.node)
        else:
            wanted |= set(request.get(filter_member) or {})
    return wanted


def _check_filter_names(target: Target, request: dict[str, Any], condition: Any, filter_member: str) -> None:
    if request.get("FilterExpression") is not None:
        named, label = _top_level_names(condition.node), "Filter Expression"
    else:
        named, label = set(request.get(filter_member) or {}), filter_member
    for key in (target.hash_key, target.range_key):
        if key is not None and key in named:
            raise validation(
                f"{label} can only contain non-primary key attributes: Primary key attribute: {key}"
            )


def _last_key(target: Target, item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in target.key_names()}


class _Page:
    """The rows a page reads: until `limit` were evaluated or the rows read reach 1 MB."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.items: list[dict[str, Any]] | RawJSON = []  # RawJSON: the stored items, as they are
        self.scanned = self.count = self.read_bytes = self.fetched_bytes = 0
        self.last: dict[str, Any] | None = None  # the last row evaluated, when the page stopped early

    def _full(self, size: int) -> bool:
        self.scanned += 1
        self.read_bytes += size
        return (self.limit is not None and self.scanned >= self.limit) or self.read_bytes >= PAGE_BYTES

    def read_whole(self, rows: Iterator[store.Row], count_only: bool) -> None:
        """Every row counts and is returned whole, as its stored text: no item is decoded but the last."""
        texts: list[str] = []
        for row in rows:
            self.count += 1
            texts.append(row.text)
            if self._full(row.size):
                self.last = store.loads(row.text)
                break
        if not count_only:
            self.items = store.wire_items(texts)

    def read_evaluated(
        self,
        ctx: Context,
        target: Target,
        rows: Iterator[store.Row],
        condition: Any,
        projection: Any,
        fetch: bool,
        count_only: bool,
    ) -> None:
        """Rows filtered and projected, with an LSI's missing attributes fetched from the table."""
        items: list[dict[str, Any]] = []
        self.items = items
        for row in rows:
            item = row.item
            if fetch:
                found = store.read(ctx.tx, target.table, target.table.key_of(item))
                if found is not None:
                    item, size = found
                    self.fetched_bytes += size
            if condition is None or condition.evaluate(item):
                self.count += 1
                if not count_only:
                    items.append(projection.apply(item) if projection is not None else item)
            if self._full(row.size):
                self.last = item
                return


def run_page(
    ctx: Context,
    target: Target,
    request: dict[str, Any],
    expressions: Expressions,
    rows: Iterator[store.Row],
    filter_member: str,
    partition_key: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Read one page of `rows` and build the Query/Scan response.

    A Query passes its `partition_key` (for the partition view's traffic); its filter may not name the
    key attributes of what it queries.
    """
    condition = expressions.condition("FilterExpression", filter_member)
    if partition_key is not None and condition is not None:
        _check_filter_names(target, request, condition, filter_member)
    projection = expressions.projection()
    expressions.check_unused()
    throttle.admit(ctx, target.table, write=False, index=target.index)
    limit = request.get("Limit")
    count_only = target.select == "COUNT"
    fetch = target.fetches_table(_wanted(request, condition, projection, filter_member))
    page = _Page(limit)
    if condition is None and projection is None and not fetch:
        page.read_whole(rows, count_only)
    else:
        page.read_evaluated(ctx, target, rows, condition, projection, fetch, count_only)
    usage = Usage(target.table, write=False, name=request["TableName"])
    units = read_units(page.read_bytes, target.consistent)
    if target.index:
        usage.add_index(target.index.name, units)
        if page.fetched_bytes:
            usage.table_units = read_units(page.fetched_bytes, target.consistent)
    else:
        usage.table_units = units
    total_units = usage.table_units + sum(usage.index_units.values())
    throttle.charge(ctx, target.table, total_units, write=False, index=target.index)
    if partition_key is not None and target.index is None:
        partitions.record(target.table, partition_key, read=total_units)
    result: dict[str, Any] = {"Count": page.count, "ScannedCount": page.scanned}
    if not count_only:
        result["Items"] = page.items
    if page.last is not None:
        result["LastEvaluatedKey"] = _last_key(target, page.last)
    consumed = usage.report(request.get("ReturnConsumedCapacity"))
    if consumed:
        result["ConsumedCapacity"] = consumed
    return result
