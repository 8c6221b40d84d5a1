"""The PartiQL statement tree: statements, conditions and value expressions of DynamoDB's dialect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Between",
    "Binary",
    "Call",
    "Collection",
    "Compare",
    "Delete",
    "Exists",
    "In",
    "Insert",
    "Is",
    "Literal",
    "Logical",
    "Not",
    "Param",
    "Parsed",
    "Path",
    "PathRef",
    "Select",
    "Statement",
    "Update",
]

# A document path: the attribute name, then member names (str) and list indexes (int).
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any  # an AttributeValue dict, or None for MISSING


@dataclass(frozen=True, slots=True)
class Param:
    index: int  # 0-based position among the statement's `?`


@dataclass(frozen=True, slots=True)
class PathRef:
    path: Path


@dataclass(frozen=True, slots=True)
class Collection:
    kind: str  # "M" {k: v}, "L" [a, b], "SET" <<a, b>>
    items: tuple[Any, ...]  # expressions; for "M" (name, expression) pairs


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # lower case
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + or -
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # =, <>, <, <=, >, >=
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Between:
    operand: Any
    low: Any
    high: Any


@dataclass(frozen=True, slots=True)
class In:
    operand: Any
    options: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Is:
    operand: Any
    what: str  # MISSING or NULL
    negated: bool


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # AND or OR
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Not:
    operand: Any


@dataclass(frozen=True, slots=True)
class Select:
    table: str
    index: str | None
    projection: tuple[Path, ...] | None  # None: *
    where: Any
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Insert:
    table: str
    value: Any


@dataclass(frozen=True, slots=True)
class Update:
    table: str
    sets: tuple[tuple[Path, Any], ...]
    removes: tuple[Path, ...]
    where: Any
    returning: str | None = None  # "ALL OLD", "ALL NEW", "MODIFIED OLD", "MODIFIED NEW"


@dataclass(frozen=True, slots=True)
class Delete:
    table: str
    where: Any
    returning: str | None = None


@dataclass(frozen=True, slots=True)
class Exists:
    """EXISTS(SELECT ...): a transaction's condition check."""

    select: Select


Statement = Select | Insert | Update | Delete | Exists


@dataclass(slots=True)
class Parsed:
    statement: Statement
    parameters: int = field(default=0)
