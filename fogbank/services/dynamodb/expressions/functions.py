"""The functions of condition and update expressions: arities, operand checks, and what they compute.

Condition functions: attribute_exists, attribute_not_exists, attribute_type, begins_with, contains
(conditions in their own right) and size (an operand). Update functions: if_not_exists, list_append,
and the + and - operators, which DynamoDB checks the same way.
"""

from __future__ import annotations

from decimal import Decimal

from fogbank.services.dynamodb.expressions.ast import Operand, Path
from fogbank.services.dynamodb.values import TYPES, AttributeValue, equals, type_of

__all__ = [
    "CONDITION_FUNCTIONS",
    "UPDATE_FUNCTIONS",
    "ARITY",
    "operand_type",
    "check_function_operands",
    "size_of",
    "begins_with",
    "contains",
]

CONDITION_FUNCTIONS = frozenset(
    ("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains")
)
UPDATE_FUNCTIONS = frozenset(("if_not_exists", "list_append"))
ARITY = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
    "if_not_exists": 2,
    "list_append": 2,
}
_VALID_TYPES = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
# What attribute_type reports as the type of a second operand that is not a literal.
_ANY_TYPE = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"


def operand_type(operator: str, kind: str) -> str:
    return (
        "Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {kind}"
    )


def _requires_path(name: str) -> str:
    return f"Operator or function requires a document path; operator or function: {name}"


def check_function_operands(
    name: str, args: list[Operand], values: list[AttributeValue | None]
) -> str | None:
    """The problem with a function's operands, if any; `values` holds the literal operands' values."""
    if name in ("attribute_exists", "attribute_not_exists", "if_not_exists") and not isinstance(
        args[0], Path
    ):
        return _requires_path(name)
    allowed = {"begins_with": ("S", "B"), "list_append": ("L",), "+": ("N",), "-": ("N",)}.get(name)
    if allowed:
        for value in values:
            if value is not None and type_of(value) not in allowed:
                return operand_type(name, type_of(value))
    if name == "size" and values[0] is not None and type_of(values[0]) in ("N", "BOOL", "NULL"):
        return operand_type(name, type_of(values[0]))
    if name == "attribute_type":
        named = values[1]
        if named is None or type_of(named) != "S":
            return operand_type(name, type_of(named) if named is not None else _ANY_TYPE)
        if named["S"] not in TYPES:
            return f"Invalid attribute type name found; type: {named['S']}, valid types: {_VALID_TYPES}"
    return None


def size_of(value: AttributeValue | None) -> AttributeValue | None:
    """size(): the length of a string (in UTF-16 code units, as DynamoDB counts), bytes of a binary,
    members of a set, list or map; no size for other types."""
    if value is None:
        return None
    kind = type_of(value)
    if kind in ("N", "BOOL", "NULL"):
        return None
    if kind == "S":
        return {"N": str(len(value["S"].encode("utf-16-le")) // 2)}
    return {"N": str(len(value[kind]))}


def begins_with(subject: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if subject is None or prefix is None:
        return False
    kind = type_of(subject)
    if kind != type_of(prefix) or kind not in ("S", "B"):
        return False
    return bool(subject[kind].startswith(prefix[kind]))


def contains(subject: AttributeValue | None, operand: AttributeValue | None) -> bool:
    """A substring of a string, a subsequence of a binary, a member of a set, an element of a list."""
    if subject is None or operand is None:
        return False
    kind, other = type_of(subject), type_of(operand)
    if kind in ("S", "B"):
        return other == kind and operand[kind] in subject[kind]
    if kind == "SS":
        return other == "S" and operand["S"] in subject["SS"]
    if kind == "NS":
        return other == "N" and Decimal(operand["N"]) in {Decimal(m) for m in subject["NS"]}
    if kind == "BS":
        return other == "B" and bytes(operand["B"]) in {bytes(m) for m in subject["BS"]}
    if kind == "L":
        return any(equals(element, operand) for element in subject["L"])
    return False
