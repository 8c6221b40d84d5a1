"""The legacy conditional parameters: Expected, AttributeUpdates, QueryFilter/ScanFilter, KeyConditions
and AttributesToGet, translated into the same Condition, Update, KeyCondition and Projection objects the
expressions build, with the legacy parameters' own validation messages.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.dynamodb.expressions.ast import (
    AddAction,
    And,
    Between,
    Call,
    Compare,
    DeleteAction,
    FunctionCondition,
    In,
    Node,
    Not,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from fogbank.services.dynamodb.expressions.condition import Condition
from fogbank.services.dynamodb.expressions.key_condition import (
    KeyCondition,
    check_key_names,
    key_condition_from_parts,
)
from fogbank.services.dynamodb.expressions.lexer import Token
from fogbank.services.dynamodb.expressions.projection import Projection
from fogbank.services.dynamodb.expressions.update import Update
from fogbank.services.dynamodb.values import AttributeValue, compare, type_of, validate_value, validation

__all__ = [
    "from_expected",
    "from_filter",
    "from_attribute_updates",
    "from_key_conditions",
    "from_attributes_to_get",
]

_ARITY = {
    "EQ": 1,
    "NE": 1,
    "LE": 1,
    "LT": 1,
    "GE": 1,
    "GT": 1,
    "CONTAINS": 1,
    "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1,
    "NOT_NULL": 0,
    "NULL": 0,
    "BETWEEN": 2,
}
# The AttributeValueList types each operator accepts (Expected, QueryFilter, ScanFilter, KeyConditions).
_TYPES = {
    "EQ": ("S", "N", "B", "SS", "NS", "BS"),
    "NE": ("S", "N", "B", "SS", "NS", "BS"),
    "LE": ("S", "N", "B"),
    "LT": ("S", "N", "B"),
    "GE": ("S", "N", "B"),
    "GT": ("S", "N", "B"),
    "CONTAINS": ("S", "N", "B"),
    "NOT_CONTAINS": ("S", "N", "B"),
    "BEGINS_WITH": ("S", "B"),
    "IN": ("S", "N", "B"),
    "BETWEEN": ("S", "N", "B"),
}
_KEY_OPERATORS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BEGINS_WITH": "begins_with"}
_UNINDEXABLE = ("NULL", "NOT_NULL", "CONTAINS", "NOT_CONTAINS", "IN", "NE")
_SYMBOLS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_SETS = ("SS", "NS", "BS")


def _invalid(message: str) -> Exception:
    return validation(f"One or more parameter values were invalid: {message}")


def _path(name: str) -> Path:
    return Path([], [name])


def _call(function: str, *args: Path | Value) -> FunctionCondition:
    return FunctionCondition(Call(Token("ID", function, 0, 0), list(args)))


def _arity_ok(operator: str, count: int) -> bool:
    return count >= 1 if operator == "IN" else _ARITY.get(operator) == count


def _checked_list(operator: str, values: list[Any]) -> list[AttributeValue]:
    """An AttributeValueList checked as DynamoDB checks it: one type throughout, lower bound first."""
    checked = [validate_value(v) for v in values]
    if checked and any(type_of(v) != type_of(checked[0]) for v in checked):
        raise _invalid("AttributeValues inside AttributeValueList must be of same type")
    for value in checked:
        if type_of(value) not in _TYPES.get(operator, (type_of(value),)):
            raise _invalid(
                f"ComparisonOperator {operator} is not valid for {type_of(value)} AttributeValue type"
            )
    if operator == "BETWEEN" and (compare(checked[0], checked[1]) or 0) > 0:
        raise validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        )
    return checked


def _comparison(name: str, operator: str, values: list[AttributeValue]) -> Node:
    args = [Value(None, v) for v in values]
    path = _path(name)
    if operator in _SYMBOLS:
        return Compare(_SYMBOLS[operator], path, args[0])
    if operator == "NOT_NULL":
        return _call("attribute_exists", path)
    if operator == "NULL":
        return _call("attribute_not_exists", path)
    if operator == "CONTAINS":
        return _call("contains", path, args[0])
    if operator == "NOT_CONTAINS":
        return Not(_call("contains", path, args[0]))
    if operator == "BEGINS_WITH":
        return _call("begins_with", path, args[0])
    if operator == "IN":
        return In(path, list(args))
    return Between(path, args[0], args[1])


def _combine(nodes: list[Node], conditional_operator: str | None) -> Condition:
    node = nodes[0]
    for other in nodes[1:]:
        node = Or(node, other) if conditional_operator == "OR" else And(node, other)
    return Condition(node)


def _expected_entry(name: str, spec: dict[str, Any]) -> Node:
    if "AttributeValueList" in spec and "Value" in spec:
        raise _invalid(f"Value and AttributeValueList cannot be used together for Attribute: {name}")
    if "ComparisonOperator" in spec:
        operator = spec["ComparisonOperator"]
        if "Exists" in spec:
            raise _invalid(f"Exists and ComparisonOperator cannot be used together for Attribute: {name}")
        if operator not in ("NULL", "NOT_NULL") and "AttributeValueList" not in spec and "Value" not in spec:
            raise _invalid(
                "Value or AttributeValueList must be used with ComparisonOperator: "
                f"{operator} for Attribute: {name}"
            )
        values = spec.get("AttributeValueList", [spec["Value"]] if "Value" in spec else [])
        if not _arity_ok(operator, len(values)):
            raise _invalid(f"Invalid number of argument(s) for the {operator} ComparisonOperator")
        return _comparison(name, operator, _checked_list(operator, values))
    if "AttributeValueList" in spec:
        raise _invalid(f"AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}")
    exists = spec.get("Exists")
    if exists is None or exists:
        if "Value" not in spec:
            shown = "null" if exists is None else "true"
            raise _invalid(f"Value must be provided when Exists is {shown} for Attribute: {name}")
        return Compare("=", _path(name), Value(None, validate_value(spec["Value"])))
    if "Value" in spec:
        raise _invalid(f"Value cannot be used when Exists is false for Attribute: {name}")
    return _call("attribute_not_exists", _path(name))


def from_expected(expected: dict[str, Any], conditional_operator: str | None = None) -> Condition | None:
    """Expected of PutItem/UpdateItem/DeleteItem; None when empty (no condition)."""
    nodes = [_expected_entry(name, spec) for name, spec in expected.items()]
    return _combine(nodes, conditional_operator) if nodes else None


def from_filter(conditions: dict[str, Any], conditional_operator: str | None = None) -> Condition | None:
    """QueryFilter / ScanFilter; None when empty."""
    nodes = []
    for name, spec in conditions.items():
        operator = spec["ComparisonOperator"]
        values = spec.get("AttributeValueList", [])
        if not _arity_ok(operator, len(values)):
            raise _invalid(f"Invalid number of argument(s) for the {operator} ComparisonOperator")
        nodes.append(_comparison(name, operator, _checked_list(operator, values)))
    return _combine(nodes, conditional_operator) if nodes else None


def from_attribute_updates(updates: dict[str, Any]) -> Update:
    actions: list[SetAction | RemoveAction | AddAction | DeleteAction] = []
    for name, spec in updates.items():
        action = spec.get("Action", "PUT")
        if "Value" not in spec:
            if action != "DELETE":
                raise _invalid("Only DELETE action is allowed when no attribute value is specified")
            actions.append(RemoveAction(_path(name)))
            continue
        value = validate_value(spec["Value"])
        kind = type_of(value)
        if action == "PUT":
            actions.append(SetAction(_path(name), Value(None, value)))
        elif action == "ADD":
            if kind not in ("N", "L", *_SETS):
                raise _invalid(f"ADD action is not supported for the type {kind}")
            actions.append(AddAction(_path(name), Value(None, value)))
        else:
            if kind not in _SETS:
                raise _invalid(f"DELETE action with value is not supported for the type {kind}")
            actions.append(DeleteAction(_path(name), Value(None, value)))
    return Update(tuple(actions), legacy=True)


def from_key_conditions(conditions: dict[str, Any], hash_key: str, range_key: str | None) -> KeyCondition:
    parts = []
    for name, spec in conditions.items():
        operator = spec["ComparisonOperator"]
        values = spec.get("AttributeValueList", [])
        if not _arity_ok(operator, len(values)):
            raise validation(
                "The attempted filter operation is not supported for the provided filter argument count"
            )
        parts.append((name, operator, _checked_list(operator, values)))
    check_key_names([name for name, _, _ in parts], hash_key, range_key)
    if any(operator in _UNINDEXABLE for _, operator, _ in parts):
        raise validation("Attempted conditional constraint is not an indexable operation")
    return key_condition_from_parts(
        [(name, _KEY_OPERATORS.get(operator, "BETWEEN"), values) for name, operator, values in parts],
        hash_key,
        range_key,
    )


def from_attributes_to_get(names: list[str]) -> Projection:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise _invalid(f"Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection(tuple((name,) for name in names))
