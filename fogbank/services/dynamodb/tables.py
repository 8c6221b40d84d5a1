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

Other DynamoDB modules read a table through `load` and change its document through `save`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.errors import ServiceError
from fogbank.state import Transaction

__all__ = ["SERVICE", "KIND", "Index", "Table", "load", "load_or_none", "save", "not_found", "parse_arn"]

SERVICE = "dynamodb"
KIND = "table"
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
