"""The syntax trees the parser builds, before and after placeholders are resolved.

Paths and values keep their tokens so that semantic errors name what the user wrote; `elements` and
`value` are filled in by the resolving pass (ExpressionAttributes), after the whole text has parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.services.dynamodb.expressions.lexer import Token

__all__ = [
    "Path",
    "Value",
    "Call",
    "Arith",
    "Operand",
    "Compare",
    "Between",
    "In",
    "And",
    "Or",
    "Not",
    "FunctionCondition",
    "Node",
    "SetAction",
    "RemoveAction",
    "AddAction",
    "DeleteAction",
    "Action",
]


@dataclass
class Path:
    parts: list[Token | int]
    elements: list[str | int] = field(default_factory=list)


@dataclass
class Value:
    token: Token | None
    value: dict[str, Any] | None = None


@dataclass
class Call:
    name: Token
    args: list[Operand]


@dataclass
class Arith:
    op: str
    left: Operand
    right: Operand


Operand = Path | Value | Call | Arith


@dataclass
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass
class In:
    subject: Operand
    options: list[Operand]


@dataclass
class And:
    left: Node
    right: Node


@dataclass
class Or:
    left: Node
    right: Node


@dataclass
class Not:
    inner: Node


@dataclass
class FunctionCondition:
    call: Call


Node = Compare | Between | In | And | Or | Not | FunctionCondition


@dataclass
class SetAction:
    path: Path
    value: Operand


@dataclass
class RemoveAction:
    path: Path


@dataclass
class AddAction:
    path: Path
    value: Value


@dataclass
class DeleteAction:
    path: Path
    value: Value


Action = SetAction | RemoveAction | AddAction | DeleteAction
