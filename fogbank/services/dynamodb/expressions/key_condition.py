"""Key condition expressions of Query: one equality on the partition key, at most one condition on the
sort key (=, <, <=, >, >=, BETWEEN, begins_with), joined by AND.

The text is parsed and checked as a condition first; its shape is then checked against what a key
condition may be, and last against the key schema of the table or index queried. The legacy
KeyConditions share that last step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fogbank.services.dynamodb.expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    FunctionCondition,
    In,
    Node,
    Not,
    Operand,
    Or,
    Path,
    Value,
)
from fogbank.services.dynamodb.expressions.attributes import ExpressionAttributes
from fogbank.services.dynamodb.expressions.condition import parse_condition_tree
from fogbank.services.dynamodb.values import AttributeValue, validation

__all__ = ["KeyCondition", "parse_key_condition", "key_condition_from_parts", "check_key_names"]

KIND = "KeyConditionExpression"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_KEY_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "attribute_type", "contains")


@dataclass(frozen=True)
class KeyCondition:
    hash_key: str
    hash_value: AttributeValue
    range_key: str | None = None
    range_op: str | None = None
    range_values: list[AttributeValue] = field(default_factory=list)


def parse_key_condition(
    text: str, attrs: ExpressionAttributes, hash_key: str, range_key: str | None
) -> KeyCondition:
    node = parse_condition_tree(text, attrs, KIND)
    conditions: dict[str, tuple[str, list[AttributeValue]]] = {}
    _collect(node, conditions)
    parts = [(name, op, values) for name, (op, values) in conditions.items()]
    return key_condition_from_parts(parts, hash_key, range_key)


def _invalid_operator(operator: str) -> Exception:
    return validation(f"Invalid operator used in KeyConditionExpression: {operator}")


def _invalid_condition(reason: str) -> Exception:
    return validation(f"Invalid condition in KeyConditionExpression: {reason}")


def _collect(node: Node, conditions: dict[str, tuple[str, list[AttributeValue]]]) -> None:
    """Reduce the tree to {key name: (operator, values)}, refusing what a key condition cannot hold."""
    if isinstance(node, And):
        _collect(node.left, conditions)
        _collect(node.right, conditions)
        return
    if isinstance(node, Or):
        raise _invalid_operator("OR")
    if isinstance(node, Not):
        raise _invalid_operator("NOT")
    if isinstance(node, In):
        raise _invalid_operator("IN")
    if isinstance(node, Compare):
        if node.op == "<>":
            raise _invalid_operator("<>")
        op, operands = node.op, [node.left, node.right]
    elif isinstance(node, Between):
        if not isinstance(node.subject, Path):
            raise _invalid_condition("BETWEEN operator must have the key attribute as its first operand")
        op, operands = "BETWEEN", [node.subject, node.low, node.high]
    else:
        assert isinstance(node, FunctionCondition)
        name = node.call.name.text
        if name in _NOT_KEY_FUNCTIONS:
            raise _invalid_operator(name)
        if not isinstance(node.call.args[0], Path):
            raise _invalid_condition("begins_with operator must have the key attribute as its first operand")
        op, operands = "begins_with", node.call.args
    key, position, values = _split(operands)
    if key in conditions:
        raise validation("KeyConditionExpressions must only contain one condition per key")
    conditions[key] = (_FLIPPED[op] if position and op in _FLIPPED else op, values)


def _split(operands: list[Operand]) -> tuple[str, int, list[AttributeValue]]:
    """(the key attribute, its position among the operands, the literal values) of one condition."""
    key: str | None = None
    position = 0
    values: list[AttributeValue] = []
    for index, operand in enumerate(operands):
        if isinstance(operand, Call):
            raise validation("KeyConditionExpressions cannot contain nested operations")
        if isinstance(operand, Path):
            if key is not None:
                raise _invalid_condition("Multiple attribute names used in one condition")
            if len(operand.elements) > 1:
                raise validation("KeyConditionExpressions cannot have conditions on nested attributes")
            key, position = str(operand.elements[0]), index
        elif isinstance(operand, Value) and operand.value is not None:
            values.append(operand.value)
    if key is None:
        raise _invalid_condition("No key attribute specified")
    return key, position, values


def check_key_names(names: list[str], hash_key: str, range_key: str | None) -> None:
    """The conditions must name the partition key, and the sort key when there are two of them."""
    if len(names) > 2:
        raise validation("Conditions can be of length 1 or 2 only")
    if hash_key not in names:
        raise validation(f"Query condition missed key schema element: {hash_key}")
    if len(names) == 2 and range_key is not None and range_key not in names:
        raise validation(f"Query condition missed key schema element: {range_key}")


def key_condition_from_parts(
    conditions: list[tuple[str, str, list[AttributeValue]]], hash_key: str, range_key: str | None
) -> KeyCondition:
    """Check (name, operator, values) triples against the key schema; shared with legacy KeyConditions."""
    by_name = {name: (op, values) for name, op, values in conditions}
    check_key_names(list(by_name), hash_key, range_key)
    hash_op, hash_values = by_name.pop(hash_key)
    if hash_op != "=" or (range_key is None and by_name):
        raise validation("Query key condition not supported")
    if not by_name:
        return KeyCondition(hash_key, hash_values[0], range_key)
    op, values = by_name[str(range_key)]
    return KeyCondition(hash_key, hash_values[0], range_key, op, values)
