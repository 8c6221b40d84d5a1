"""Projection expressions (and AttributesToGet): which parts of an item a read returns.

Nested map keys keep only the projected keys; list indexes collapse into a list of the selected
elements in index order, whatever order the expression names them in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from fogbank.services.dynamodb.expressions.attributes import ExpressionAttributes
from fogbank.services.dynamodb.expressions.condition import check_length
from fogbank.services.dynamodb.expressions.messages import Problems
from fogbank.services.dynamodb.expressions.parser import Parser
from fogbank.services.dynamodb.expressions.paths import check_distinct
from fogbank.services.dynamodb.values import AttributeValue, Item

__all__ = ["Projection", "parse_projection", "project"]

Elements = list[str | int]
# Of all the errors a projection has, DynamoDB reports one of the first category listed here.
ORDER = ("reserved", "placeholder", "overlap", "conflict", "depth")


@dataclass
class _Selection:
    keys: dict[str, _Selection] = field(default_factory=dict)
    indexes: dict[int, _Selection] = field(default_factory=dict)
    whole: bool = False


@dataclass(frozen=True)
class Projection:
    paths: tuple[tuple[str | int, ...], ...]

    @property
    def top_level_names(self) -> list[str]:
        """The attributes a projection reads from, e.g. to decide whether an index projects them."""
        return list(dict.fromkeys(str(p[0]) for p in self.paths))

    def apply(self, item: Item) -> Item:
        return project(item, [list(p) for p in self.paths])


def parse_projection(text: str, attrs: ExpressionAttributes) -> Projection:
    kind = "ProjectionExpression"
    check_length(text, kind)
    parsed = Parser(text, kind).projection()
    problems = Problems(kind, ORDER)
    resolved = [attrs.resolve_path(path, problems, "placeholder") for path in parsed]
    check_distinct(resolved, problems)
    problems.raise_first()
    return Projection(tuple(tuple(p) for p in resolved))


def _select(paths: list[Elements]) -> _Selection:
    root = _Selection()
    for elements in paths:
        node = root
        for element in elements:
            if isinstance(element, int):
                node = node.indexes.setdefault(element, _Selection())
            else:
                node = node.keys.setdefault(element, _Selection())
        node.whole = True
    return root


def _project(value: AttributeValue, selection: _Selection) -> AttributeValue | None:
    if selection.whole:
        return copy.deepcopy(value)
    if selection.keys and "M" in value:
        members = {}
        for key, child in selection.keys.items():
            if key in value["M"]:
                projected = _project(value["M"][key], child)
                if projected is not None:
                    members[key] = projected
        return {"M": members} if members else None
    if selection.indexes and "L" in value:
        elements = []
        for index in sorted(selection.indexes):
            if index < len(value["L"]):
                projected = _project(value["L"][index], selection.indexes[index])
                if projected is not None:
                    elements.append(projected)
        return {"L": elements} if elements else None
    return None


def project(item: Item, paths: list[Elements]) -> Item:
    """The parts of `item` that `paths` select, shaped as DynamoDB returns them."""
    root = _select(paths)
    result: Item = {}
    for name, selection in root.keys.items():
        if name in item:
            projected = _project(item[name], selection)
            if projected is not None:
                result[name] = projected
    return result
