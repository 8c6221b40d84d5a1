"""DynamoDB AttributeValues: numbers, ordering, equality, item size and validation.

An AttributeValue is the dict the JSON codec hands a handler: exactly one of S, N, B, SS, NS, BS, M, L,
NULL, BOOL. Numbers are decimal strings with at most 38 significant digits and a magnitude between
1E-130 and 9.9999999999999999999999999999999999999E+125; DynamoDB returns them normalized ("1.50" is
"1.5", "-0" is "0", "1E+2" is "100"). Strings order by their UTF-8 bytes, binaries by their bytes.
"""

from __future__ import annotations

import base64
import decimal
import re
from decimal import Decimal
from typing import Any

from fogbank.errors import ServiceError

__all__ = [
    "AttributeValue",
    "Item",
    "TYPES",
    "validation",
    "type_of",
    "parse_number",
    "normalize_number",
    "format_number",
    "add_numbers",
    "subtract_numbers",
    "compare",
    "equals",
    "item_size",
    "value_size",
    "validate_value",
    "validate_item",
    "describe",
]

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
MAX_NESTING = 32

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# An integer without leading zeros and of at most 38 digits: a number that normalizing leaves unchanged.
_PLAIN_INTEGER = re.compile(r"-?[1-9][0-9]{0,37}")
_MAX_MAGNITUDE = Decimal("9.9999999999999999999999999999999999999E+125")
_MIN_MAGNITUDE = Decimal("1E-130")
# Arithmetic with more room than 38 digits, so an inexact result is detected rather than rounded.
_CONTEXT = decimal.Context(prec=80, Emax=999999, Emin=-999999)

_SET_NAMES = {"SS": "string", "NS": "number", "BS": "binary"}


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def type_of(value: AttributeValue) -> str:
    """The one type key of a well-formed AttributeValue."""
    return next(iter(value))


def parse_number(text: str) -> Decimal:
    """Parse an N string with DynamoDB's checks (digits, precision, range)."""
    if not isinstance(text, str) or not _NUMBER.match(text):
        raise validation(f"The parameter cannot be converted to a numeric value: {text}")
    return _checked(Decimal(text))


def _checked(number: Decimal) -> Decimal:
    if number.is_zero():
        return Decimal(0)
    normal = number.normalize(_CONTEXT)
    if normal.copy_abs() > _MAX_MAGNITUDE:
        raise validation(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if normal.copy_abs() < _MIN_MAGNITUDE:
        raise validation(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    if len(normal.as_tuple().digits) > 38:
        raise validation("Attempting to store more than 38 significant digits in a Number")
    return normal


def format_number(number: Decimal) -> str:
    """A number as DynamoDB returns it: plain notation, no trailing zeros, no negative zero."""
    if number.is_zero():
        return "0"
    text = format(number.normalize(_CONTEXT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def normalize_number(text: str) -> str:
    if isinstance(text, str) and _PLAIN_INTEGER.fullmatch(text):
        return text  # already as DynamoDB returns it, and within its range and precision
    return format_number(parse_number(text))


def add_numbers(a: str, b: str) -> str:
    return format_number(_checked(_CONTEXT.add(parse_number(a), parse_number(b))))


def subtract_numbers(a: str, b: str) -> str:
    return format_number(_checked(_CONTEXT.subtract(parse_number(a), parse_number(b))))


def _key(value: AttributeValue) -> tuple[str, Any]:
    kind = type_of(value)
    raw = value[kind]
    if kind == "S":
        return kind, raw.encode("utf-8")
    if kind == "N":
        return kind, Decimal(raw)
    if kind == "B":
        return kind, bytes(raw)
    return kind, raw


def compare(a: AttributeValue, b: AttributeValue) -> int | None:
    """-1, 0 or 1 for two scalars of the same ordered type (S, N, B); None when they don't order."""
    ka, va = _key(a)
    kb, vb = _key(b)
    if ka != kb or ka not in ("S", "N", "B"):
        return None
    return (va > vb) - (va < vb)


def _set_members(kind: str, members: list[Any]) -> frozenset[Any]:
    if kind == "NS":
        return frozenset(Decimal(m) for m in members)
    if kind == "BS":
        return frozenset(bytes(m) for m in members)
    return frozenset(members)


def equals(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB equality: same type and same value; sets are unordered, numbers compare numerically."""
    ka, kb = type_of(a), type_of(b)
    if ka != kb:
        return False
    va, vb = a[ka], b[kb]
    if ka == "N":
        return Decimal(va) == Decimal(vb)
    if ka == "B":
        return bytes(va) == bytes(vb)
    if ka in _SET_NAMES:
        return _set_members(ka, va) == _set_members(kb, vb)
    if ka == "L":
        return len(va) == len(vb) and all(equals(x, y) for x, y in zip(va, vb, strict=True))
    if ka == "M":
        return va.keys() == vb.keys() and all(equals(va[k], vb[k]) for k in va)
    return bool(va == vb)


def _number_size(text: str) -> int:
    number = Decimal(text)
    digits = number.normalize(_CONTEXT).as_tuple().digits if not number.is_zero() else (0,)
    return (len(digits) + 1) // 2 + 1


def value_size(value: AttributeValue) -> int:
    """Bytes a value counts for, per "Item sizes and formats" in the DynamoDB developer guide."""
    kind = type_of(value)
    raw = value[kind]
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        return _number_size(raw)
    if kind == "B":
        return len(raw)
    if kind in ("NULL", "BOOL"):
        return 1
    if kind == "SS":
        return sum(len(m.encode("utf-8")) for m in raw)
    if kind == "NS":
        return sum(_number_size(m) for m in raw)
    if kind == "BS":
        return sum(len(m) for m in raw)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    return 3 + sum(len(k.encode("utf-8")) + value_size(v) + 1 for k, v in raw.items())


def item_size(item: Item) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def describe(value: AttributeValue) -> str:
    """A value as AWS prints it inside messages: {N:5}, {S:abc}."""
    kind = type_of(value)
    raw = value[kind]
    if kind == "B":
        return f"{{B:{base64.b64encode(bytes(raw)).decode()}}}"
    if kind in ("BOOL", "NULL"):
        return f"{{{kind}:{str(raw).lower()}}}"
    return f"{{{kind}:{raw}}}"


def _invalid(message: str) -> ServiceError:
    return validation(f"One or more parameter values were invalid: {message}")


def _duplicates(kind: str, members: list[Any]) -> ServiceError:
    # The three set types word this differently, as DynamoDB does.
    if kind == "NS":
        return validation("Input collection contains duplicates")
    if kind == "BS":
        shown = ", ".join(base64.b64encode(bytes(m)).decode() for m in members)
        return _invalid(f"Input collection [{shown}]of type BS contains duplicates.")
    return _invalid(f"Input collection [{', '.join(members)}] contains duplicates.")


def validate_value(value: Any, depth: int = 1) -> AttributeValue:
    """Check one AttributeValue as DynamoDB does on input; numbers are returned normalized."""
    if not isinstance(value, dict) or not value:
        raise _invalid(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(value) > 1:
        raise _invalid(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    if depth > MAX_NESTING:
        raise validation("Nesting Levels have exceeded supported limits")
    kind = type_of(value)
    raw = value[kind]
    if kind == "N":
        return {"N": normalize_number(raw)}
    if kind == "NULL" and raw is not True:
        raise _invalid("Null attribute value types must have the value of true")
    if kind in _SET_NAMES:
        if not raw:
            raise _invalid(
                "Binary sets should not be empty"
                if kind == "BS"
                else f"An {_SET_NAMES[kind]} set  may not be empty"
            )
        members = [normalize_number(m) for m in raw] if kind == "NS" else list(raw)
        if len(_set_members(kind, members)) != len(members):
            raise _duplicates(kind, raw)
        return {kind: members}
    if kind == "L":
        return {"L": [validate_value(v, depth + 1) for v in raw]}
    if kind == "M":
        return {"M": {k: validate_value(v, depth + 1) for k, v in raw.items()}}
    return {kind: raw}


def validate_item(item: Item, key_names: tuple[str, ...] = ()) -> Item:
    """Validate every attribute of an item; key attributes may not be empty strings or binaries."""
    checked = {name: validate_value(value) for name, value in item.items()}
    for name in key_names:
        value = checked.get(name)
        if value is None:
            continue
        kind = type_of(value)
        if kind in ("S", "B") and len(value[kind]) == 0:
            label = "string" if kind == "S" else "binary"
            raise validation(
                f"One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                f"contain an empty {label} value. Key: {name}"
            )
    return checked
