"""Subscription filter policies: AWS's syntax, its validation errors and limits, and matching.

A policy is a JSON object. Each key names a message attribute (scope MessageAttributes) or a field of
the JSON message body (scope MessageBody, where an object value descends into nested keys), and holds an
array of match conditions, any of which may match: exact strings and numbers (true, false and null
too, in the body), {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"anything-but": value | [values] |
{"prefix"|"suffix"|"equals-ignore-case": text}}, {"numeric": [op, n(, op, n)]}, {"exists": bool} and
{"cidr": "10.0.0.0/24"}. Every key must match; "$or" holds alternative sub-policies.

Attributes match by type as AWS documents: String attributes against string conditions, Number
attributes against numeric ones, String.Array attributes element by element (an array matches if any
element does); Binary attributes never match. A key absent from the message matches only
{"exists": false}.

`validate` refuses a policy with AWS's InvalidParameter messages; `compiled` parses a valid policy once
(cached by text and scope) into matchers, so a publish never re-parses policies.
"""

from __future__ import annotations

import ipaddress
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fogbank.errors import ServiceError

__all__ = ["Compiled", "compiled", "parse_body", "validate", "MAX_KEYS", "MAX_COMBINATIONS"]

MAX_KEYS = 5
MAX_COMBINATIONS = 150
_NUMERIC_OPS = ("=", "<", "<=", ">", ">=")
_MISSING = object()


def _bad(reason: str, member: str = "FilterPolicy") -> ServiceError:
    return ServiceError("InvalidParameter", f"Invalid parameter: {member}: {reason}", 400)


# ---- conditions


@dataclass(frozen=True)
class _Condition:
    kind: str  # exact, prefix, suffix, equals-ignore-case, anything-but*, numeric, exists, cidr
    value: Any = None

    def matches(self, value: Any) -> bool:
        kind = self.kind
        if kind == "exact":
            if isinstance(self.value, bool) or self.value is None or isinstance(value, bool) or value is None:
                return value is self.value or (type(value) is type(self.value) and value == self.value)
            if isinstance(self.value, str):
                return isinstance(value, str) and value == self.value
            return _is_number(value) and float(value) == float(self.value)
        if kind == "prefix":
            return isinstance(value, str) and value.startswith(self.value)
        if kind == "suffix":
            return isinstance(value, str) and value.endswith(self.value)
        if kind == "equals-ignore-case":
            return isinstance(value, str) and value.lower() == self.value
        if kind == "anything-but":
            if isinstance(value, str):
                return value not in self.value
            if _is_number(value):
                return float(value) not in self.value
            return value is not None and not isinstance(value, bool)
        if kind == "anything-but-prefix":
            return isinstance(value, str) and not value.startswith(self.value)
        if kind == "anything-but-suffix":
            return isinstance(value, str) and not value.endswith(self.value)
        if kind == "anything-but-equals-ignore-case":
            return isinstance(value, str) and value.lower() not in self.value
        if kind == "numeric":
            return _is_number(value) and all(_compare(float(value), op, bound) for op, bound in self.value)
        if kind == "cidr":
            if not isinstance(value, str):
                return False
            try:
                return ipaddress.ip_address(value) in self.value
            except ValueError:
                return False
        return False  # exists is decided on presence, not on values


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(value: float, op: str, bound: float) -> bool:
    if op == "=":
        return value == bound
    if op == "<":
        return value < bound
    if op == "<=":
        return value <= bound
    if op == ">":
        return value > bound
    return value >= bound


# ---- the policy tree


@dataclass
class _Node:
    keys: dict[str, list[_Condition] | _Node] = field(default_factory=dict)
    ors: list[list[_Node]] = field(default_factory=list)


@dataclass(frozen=True)
class Compiled:
    """A parsed policy: `on_body` says which of the two matchers applies."""

    root: _Node
    on_body: bool

    def matches_attributes(self, attributes: dict[str, dict[str, Any]]) -> bool:
        return _match(self.root, lambda key: _attribute_values(attributes.get(key)))

    def matches_body(self, body: Any) -> bool:
        if not isinstance(body, dict):
            return False
        return _match_body(self.root, body)


def _attribute_values(attribute: dict[str, Any] | None) -> list[Any] | None:
    """The values a message attribute offers to conditions; None when the message lacks it."""
    if attribute is None:
        return None
    data_type = attribute["DataType"]
    if data_type.startswith("Binary"):
        return []
    text = attribute.get("StringValue", "")
    if data_type.startswith("Number"):
        try:
            return [float(text)]
        except ValueError:
            return []
    if data_type.startswith("String.Array"):
        try:
            items = json.loads(text)
        except ValueError:
            return []
        return (
            [item for item in items if not isinstance(item, dict | list)] if isinstance(items, list) else []
        )
    return [text]


def _match(node: _Node, values_of: Any) -> bool:
    for key, conditions in node.keys.items():
        assert isinstance(conditions, list)
        if not _key_matches(conditions, values_of(key)):
            return False
    return all(any(_match(alt, values_of) for alt in group) for group in node.ors)


def _key_matches(conditions: list[_Condition], values: list[Any] | None) -> bool:
    for condition in conditions:
        if condition.kind == "exists":
            if condition.value == (values is not None):
                return True
        elif values and any(condition.matches(v) for v in values):
            return True
    return False


def _match_body(node: _Node, body: dict[str, Any]) -> bool:
    for key, sub in node.keys.items():
        present = key in body
        value = body.get(key)
        if isinstance(sub, _Node):
            objects = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]
            if not any(_match_body(sub, obj) for obj in objects):
                return False
            continue
        values = None
        if present:
            if isinstance(value, list):
                values = [v for v in value if not isinstance(v, dict | list)]
            elif not isinstance(value, dict):
                values = [value]
        if not _key_matches(sub, values):
            return False
    return all(any(_match_body(alt, body) for alt in group) for group in node.ors)


def parse_body(text: str) -> Any:
    """The message body as JSON, or None when it is not JSON (then no MessageBody policy matches)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


# ---- parsing and validation


@lru_cache(maxsize=4096)
def compiled(text: str, scope: str = "MessageAttributes") -> Compiled:
    """The matcher of a policy already validated (as stored on a subscription)."""
    return Compiled(_parse(json.loads(text), scope == "MessageBody", 0), scope == "MessageBody")


def validate(text: str, scope: str = "MessageAttributes") -> None:
    """Refuse `text` as AWS refuses a FilterPolicy (syntax, operators, 5 keys, 150 combinations)."""
    try:
        policy = json.loads(text)
    except ValueError as error:
        raise _bad(f"failed to parse JSON. {error}") from None
    if not isinstance(policy, dict):
        raise _bad("Filter policy must be a JSON object")
    root = _parse(policy, scope == "MessageBody", 0)
    alternatives = _flatten(root)
    total = 0
    for alternative in alternatives:
        if len(alternative) > MAX_KEYS:
            raise _bad(f"Filter policy can not have more than {MAX_KEYS} keys")
        total += math.prod(max(count, 1) for count in alternative.values())
        if total > MAX_COMBINATIONS:
            raise _bad("Filter policy is too complex")


def _flatten(node: _Node, prefix: str = "") -> list[dict[str, int]]:
    """The policy's alternatives after expanding $or: each maps a key path to its number of values."""
    base: list[dict[str, int]] = [{}]
    for key, sub in node.keys.items():
        path = f"{prefix}{key}"
        if isinstance(sub, _Node):
            base = _product(base, _flatten(sub, path + "."))
        else:
            for alternative in base:
                alternative[path] = len(sub)
    for group in node.ors:
        base = _product(base, [alt for sub in group for alt in _flatten(sub, prefix)])
    return base


def _product(left: list[dict[str, int]], right: list[dict[str, int]]) -> list[dict[str, int]]:
    if len(left) * len(right) > MAX_COMBINATIONS:
        raise _bad("Filter policy is too complex")
    return [{**one, **other} for one in left for other in right]


def _parse(policy: dict[str, Any], on_body: bool, depth: int) -> _Node:
    node = _Node()
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) for v in value):
                raise _bad("Or expression must have at least 2 sub-policies")
            node.ors.append([_parse(v, on_body, depth) for v in value])
        elif isinstance(value, dict):
            if not on_body:
                raise ServiceError(
                    "InvalidParameter",
                    "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
                    "filter policy",
                    400,
                )
            node.keys[key] = _parse(value, on_body, depth + 1)
        elif isinstance(value, list):
            if not value:
                raise _bad("Empty arrays are not allowed")
            node.keys[key] = [_condition(item) for item in value]
        else:
            raise _bad(f'"{key}" must be an object or an array')
    if not node.keys and not node.ors and depth > 0:
        raise _bad("Empty objects are not allowed")
    return node


def _condition(item: Any) -> _Condition:
    if isinstance(item, list):
        raise _bad("Match value must be String, number, true, false, or null")
    if not isinstance(item, dict):
        if _is_number(item):
            _check_number(item, "=")
        return _Condition("exact", item)
    if len(item) != 1:
        raise _bad("Only one key allowed in match expression")
    (operator, operand), *_ = item.items()
    if operator in ("prefix", "suffix"):
        if not isinstance(operand, str):
            raise _bad(f"{operator} match pattern must be a string")
        return _Condition(operator, operand)
    if operator == "equals-ignore-case":
        if not isinstance(operand, str):
            raise _bad("equals-ignore-case match pattern must be a string")
        return _Condition(operator, operand.lower())
    if operator == "exists":
        if not isinstance(operand, bool):
            raise _bad("exists match pattern must be either true or false.")
        return _Condition("exists", operand)
    if operator == "anything-but":
        return _anything_but(operand)
    if operator == "numeric":
        return _Condition("numeric", _numeric(operand))
    if operator == "cidr":
        return _Condition("cidr", _cidr(operand))
    raise _bad(f"Unrecognized match type {operator}")


def _anything_but(operand: Any) -> _Condition:
    if isinstance(operand, dict):
        if len(operand) != 1:
            raise _bad("Only one key allowed in match expression")
        (operator, text), *_ = operand.items()
        if operator not in ("prefix", "suffix", "equals-ignore-case"):
            raise _bad(f"Unsupported anything-but pattern: {operator}")
        if operator == "equals-ignore-case":
            values = text if isinstance(text, list) else [text]
            if not values or not all(isinstance(v, str) for v in values):
                raise _bad("equals-ignore-case match pattern must be a string")
            return _Condition("anything-but-equals-ignore-case", frozenset(v.lower() for v in values))
        if not isinstance(text, str) or not text:
            raise _bad(f"{operator} match pattern must be a string")
        return _Condition(f"anything-but-{operator}", text)
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        raise _bad("Empty arrays are not allowed")
    if not all(isinstance(v, str) or _is_number(v) for v in values):
        raise _bad("Value of anything-but must be an array or single string/number value.")
    return _Condition("anything-but", frozenset(float(v) if _is_number(v) else v for v in values))


def _check_number(value: Any, op: str) -> float:
    if not _is_number(value):
        raise _bad(f"Value of {op} must be numeric")
    if not -1e9 <= value <= 1e9:
        raise _bad(f"Value of {op} must be numeric and between -1.0E9 and 1.0E9")
    return float(value)


def _numeric(operand: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(operand, list) or not operand:
        raise _bad("Value of numeric must be an array.")
    if len(operand) > 4 or len(operand) % 2:
        raise _bad(
            "Too many elements in numeric expression"
            if len(operand) > 4
            else "Value of numeric must be an array of an even length."
        )
    pairs: list[tuple[str, float]] = []
    for index in range(0, len(operand), 2):
        op = operand[index]
        if op not in _NUMERIC_OPS:
            raise _bad(f"Unrecognized numeric range operator: {op}")
        pairs.append((op, _check_number(operand[index + 1], op)))
    if len(pairs) == 2:
        (low_op, low), (high_op, high) = pairs
        if low_op not in (">", ">=") or high_op not in ("<", "<="):
            raise _bad(f"Bad numeric range operator: {high_op if low_op in ('>', '>=') else low_op}")
        if low >= high:
            raise _bad("Bottom must be less than top")
    elif pairs[0][0] == "=" and len(operand) > 2:
        raise _bad("Too many elements in numeric expression")
    return tuple(pairs)


def _cidr(operand: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(operand, str):
        raise _bad("Value of cidr must be a string")
    if operand.count("/") != 1:
        raise _bad("Malformed CIDR, one '/' required")
    try:
        return ipaddress.ip_network(operand, strict=False)
    except ValueError:
        raise _bad(f"Nonstandard IP address: {operand.split('/')[0]}") from None
