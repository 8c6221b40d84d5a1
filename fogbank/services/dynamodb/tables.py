"""The table model: how a DynamoDB table is kept, loaded and saved; the one place naming its document.

A table is a document of service "dynamodb", kind "table", keyed by table name in its account and
region. The document is the table's description in AWS's member names, with times as epoch seconds,
plus fogbank's own members:

    Id                 integer id of the table's rows in ddb_items (a new one per CreateTable, so a
                       re-created table never sees an old one's items)
    LocalSecondaryIndexes / GlobalSecondaryIndexes [{IndexName, Id, KeySchema, Projection, IndexArn,
                       (GSI) IndexStatus, ProvisionedThroughput?}] — Id keys the rows in ddb_index_items
    StreamSpecification {StreamEnabled, StreamViewType?}, LatestStreamLabel?, LatestStreamArn?
    TtlAttribute       the TTL attribute name when TTL is enabled (set by ttl.py), else absent
    Pitr               point-in-time recovery on (set by backups.py), else absent
    Tags               [{Key, Value}]

Other DynamoDB modules read a table through `load` and change its document through `save` (and
`delete`). The data plane reads through `shared` and the authorize stage through `authorizing_or_none`,
whose Table is kept between requests and must never be changed: item operations, their authorization
and the resource-policy lookup each need the table, and decoding its document on every request was a
large part of what an item operation cost.

A table's resource-based policy is a document of kind "resource-policy" named like the table (see
resource_policy.py); `shared` keeps its text next to the table, since every data-plane request consults it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fogbank.errors import ServiceError
from fogbank.state import Transaction
from fogbank.state.kept import WriteVersion

__all__ = [
    "SERVICE",
    "KIND",
    "POLICY_KIND",
    "Index",
    "Table",
    "Shared",
    "load",
    "load_or_none",
    "shared",
    "shared_or_none",
    "authorizing_or_none",
    "save",
    "delete",
    "written",
    "not_found",
    "parse_arn",
]

SERVICE = "dynamodb"
KIND = "table"
POLICY_KIND = "resource-policy"
NOT_FOUND = "Requested resource not found"


def not_found(message: str = NOT_FOUND) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 400)


@dataclass(slots=True)
class Index:
    """A local or global secondary index: its key, its projection and the id of its rows."""

    name: str
    id: int
    is_global: bool
    hash_key: str
    range_key: str | None
    projection_type: str  # KEYS_ONLY | INCLUDE | ALL
    non_key_attributes: tuple[str, ...]
    status: str
    arn: str
    projected: frozenset[str] = frozenset()  # every attribute kept, for KEYS_ONLY / INCLUDE

    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def project(self, item: dict[str, Any]) -> dict[str, Any]:
        """The index entry of `item`: ALL keeps it whole, else the keys and the included attributes."""
        if self.projection_type == "ALL":
            return item
        return {name: value for name, value in item.items() if name in self.projected}


@dataclass(slots=True)
class Table:
    """A loaded table. `doc` is the stored document; change it and call `save` to persist."""

    account: str
    region: str
    doc: dict[str, Any]
    name: str = ""
    arn: str = ""
    id: int = 0
    hash_key: str = ""
    range_key: str | None = None
    attribute_types: dict[str, str] = field(default_factory=dict)
    lsis: list[Index] = field(default_factory=list)
    gsis: list[Index] = field(default_factory=list)

    def __post_init__(self) -> None:
        doc = self.doc
        self.name = doc["TableName"]
        self.arn = doc["TableArn"]
        self.id = doc["Id"]
        self.hash_key, self.range_key = _key_names(doc["KeySchema"])
        self.attribute_types = {a["AttributeName"]: a["AttributeType"] for a in doc["AttributeDefinitions"]}
        table_keys = self.key_names()
        self.lsis = [_index(i, False, table_keys) for i in doc.get("LocalSecondaryIndexes", [])]
        self.gsis = [_index(i, True, table_keys) for i in doc.get("GlobalSecondaryIndexes", [])]

    # -- what other modules read ------------------------------------------------------------
    @property
    def stream(self) -> str | None:
        """The stream's view type when a stream is enabled, else None."""
        spec = self.doc.get("StreamSpecification") or {}
        return spec.get("StreamViewType") if spec.get("StreamEnabled") else None

    @property
    def stream_arn(self) -> str | None:
        return self.doc.get("LatestStreamArn")

    @property
    def ttl_attribute(self) -> str | None:
        return self.doc.get("TtlAttribute")

    @property
    def billing_mode(self) -> str:
        return self.doc.get("BillingMode", "PROVISIONED")

    @property
    def pitr(self) -> bool:
        return bool(self.doc.get("Pitr"))

    @property
    def status(self) -> str:
        return self.doc["TableStatus"]

    @property
    def indexes(self) -> list[Index]:
        return self.lsis + self.gsis

    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def key_of(self, item: dict[str, Any]) -> dict[str, Any]:
        """The primary key attributes of `item`."""
        key = {self.hash_key: item[self.hash_key]}
        if self.range_key:
            key[self.range_key] = item[self.range_key]
        return key

    def index(self, name: str) -> Index | None:
        for index in self.lsis:
            if index.name == name:
                return index
        for index in self.gsis:
            if index.name == name:
                return index
        return None


def _key_names(key_schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def _index(doc: dict[str, Any], is_global: bool, table_keys: tuple[str, ...]) -> Index:
    hash_key, range_key = _key_names(doc["KeySchema"])
    projection = doc.get("Projection") or {}
    non_key = tuple(projection.get("NonKeyAttributes", ()))
    own_keys = (hash_key, range_key) if range_key else (hash_key,)
    return Index(
        name=doc["IndexName"],
        id=doc["Id"],
        is_global=is_global,
        hash_key=hash_key,
        range_key=range_key,
        projection_type=projection.get("ProjectionType", "ALL"),
        non_key_attributes=non_key,
        status=doc.get("IndexStatus", "ACTIVE"),
        arn=doc["IndexArn"],
        projected=frozenset((*table_keys, *own_keys, *non_key)),
    )


def parse_arn(name_or_arn: str, account: str, region: str) -> tuple[str, str, str]:
    """(account, region, table name) of a TableName parameter, which may be the table's ARN."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":", 5)
        if len(parts) == 6 and parts[2] == "dynamodb" and parts[5].startswith("table/"):
            return parts[4], parts[3], parts[5].split("/")[1]
        raise ServiceError("ValidationException", f"Invalid TableArn: {name_or_arn}", 400)
    return account, region, name_or_arn


def load_or_none(tx: Transaction, account: str, region: str, name_or_arn: str) -> Table | None:
    account, region, name = parse_arn(name_or_arn, account, region)
    doc = tx.get_doc(SERVICE, KIND, account, region, name)
    return Table(account, region, doc) if doc is not None else None


def load(tx: Transaction, account: str, region: str, name_or_arn: str, *, message: str = NOT_FOUND) -> Table:
    """The table named (or ARN'd) `name_or_arn`; ResourceNotFoundException as AWS says it if none."""
    table = load_or_none(tx, account, region, name_or_arn)
    if table is None:
        raise not_found(message)
    return table


def save(tx: Transaction, table: Table) -> None:
    """Persist `table.doc` (the caller changed it)."""
    tx.put_doc(SERVICE, KIND, table.account, table.region, table.name, table.doc)
    written(tx)


def delete(tx: Transaction, table: Table) -> None:
    """Delete the table's document (its rows are store.drop's)."""
    tx.delete_doc(SERVICE, KIND, table.account, table.region, table.name)
    written(tx)


class Shared(NamedTuple):
    """A table as the data plane reads it, with its resource-based policy's text (None: it has none)."""

    table: Table | None
    policy: str | None


class _Entry(NamedTuple):
    version: int  # the write version (see `written`) the entry is known current at
    generation: int  # the account's DynamoDB document generation it was read under
    found: Shared


# What `shared_or_none` and `authorizing_or_none` keep, by (account, region, name). An entry is current
# for a transaction that reads the generation it was read under (Transaction.doc_generation: every
# committed write of any DynamoDB document of the account changes it), and, for the authorize stage,
# while the write version is the one it was checked at, so an authorization reads nothing from the
# database. An entry is filled only by a transaction that had run nothing before it read the version and
# the generation: one that had may have written a document itself, whose uncommitted generation could
# later be reused by another transaction's commit.
_shared: dict[tuple[str, str, str], _Entry] = {}
_SHARED_SIZE = 1024
_writes = WriteVersion()


def written(tx: Transaction) -> None:
    """A table's document, or a table's policy, was written or deleted in `tx`: once `tx` commits, the
    write version moves to a value it never had, so the authorize stage reads tables again."""
    _writes.written(tx)


def shared_or_none(tx: Transaction, account: str, region: str, name_or_arn: str) -> Shared:
    """The table `name_or_arn` names and its policy, for reading only: the Table may be another request's.
    Exact for `tx`: a handler writes items of the table this returns."""
    key = parse_arn(name_or_arn, account, region)
    version = _writes.value
    fresh = not tx.begun
    generation = tx.doc_generation(SERVICE, key[0])
    cached = _shared.get(key)
    if cached is not None and cached.generation == generation:
        if fresh and cached.version != version:
            _shared[key] = cached._replace(version=version)
        return cached.found
    return _fill(tx, key, version, generation, fresh)


def authorizing_or_none(tx: Transaction, account: str, region: str, name_or_arn: str) -> Shared:
    """The table `name_or_arn` names and its policy, as the authorize stage reads them: a table and policy
    that no committed write changed since they were read are answered from memory. A write's commit is
    seen by the next request, as it is by a write version's other readers (SQS's queue policies)."""
    key = parse_arn(name_or_arn, account, region)
    version = _writes.value
    cached = _shared.get(key)
    if cached is not None and cached.version == version:
        return cached.found
    fresh = not tx.begun
    return _fill(tx, key, version, tx.doc_generation(SERVICE, key[0]), fresh)


def _fill(tx: Transaction, key: tuple[str, str, str], version: int, generation: int, fresh: bool) -> Shared:
    found = _read_shared(tx, *key)
    if fresh:
        if len(_shared) >= _SHARED_SIZE:
            _shared.clear()
        _shared[key] = _Entry(version, generation, found)
    return found


def _read_shared(tx: Transaction, account: str, region: str, name: str) -> Shared:
    doc = tx.get_doc(SERVICE, KIND, account, region, name)
    if doc is None:
        return Shared(None, None)
    table = Table(account, region, doc)
    policy = tx.get_doc(SERVICE, POLICY_KIND, account, region, name)
    # A policy of an earlier table of the same name is not this table's.
    return Shared(table, policy["Policy"] if policy and policy.get("TableId") == table.id else None)


def shared(tx: Transaction, account: str, region: str, name_or_arn: str) -> Table:
    """The table `name_or_arn` names, for reading only (see shared_or_none); ResourceNotFoundException
    as AWS says it if none."""
    table = shared_or_none(tx, account, region, name_or_arn).table
    if table is None:
        raise not_found()
    return table
