"""Condition operators: each `{"Operator": {"key": values}}` pair compiled once into a `Condition`.

Compiling parses what can be parsed ahead of a request (numbers, dates, CIDRs, base64, glob patterns)
and rejects what AWS rejects. A condition then tests one request, AWS's way:

- the policy's values are alternatives (any may match); keys and operators of a block must all hold;
- key names are case-insensitive (the caller passes the context with lower-cased keys), values are
  case-sensitive except for the IgnoreCase operators;
- a key missing from the request fails a positive operator and satisfies a negated one (StringNotEquals,
  NotIpAddress, ArnNotLike…); `…IfExists` makes a missing key satisfy any operator;
- `ForAllValues:` holds when every request value passes (so when there is none), `ForAnyValue:` when one
  does (so not when there is none); a negated operator's test of one value is "matches no policy value";
- without a set qualifier a multivalued key passes a positive operator when any of its values does.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator as op
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from fogbank.policy.match import Glob
from fogbank.policy.variables import Resolve, as_text, has_variables, render, tokenize

__all__ = ["Condition", "compile_condition", "OPERATORS"]

Test = Callable[[object, Resolve], bool]

_LEGACY = "The policy failed legacy parsing"
_RELATIONS: dict[str, Callable[[float, float], bool]] = {
    "Equals": op.eq,
    "LessThan": op.lt,
    "LessThanEquals": op.le,
    "GreaterThan": op.gt,
    "GreaterThanEquals": op.ge,
}
_RELATION_WORDS = {
    "Equals": "equal to",
    "LessThan": "less than",
    "LessThanEquals": "at most",
    "GreaterThan": "greater than",
    "GreaterThanEquals": "at least",
}

# operator → (family, relation, negated)
OPERATORS: dict[str, tuple[str, str, bool]] = {
    "StringEquals": ("string", "Equals", False),
    "StringNotEquals": ("string", "Equals", True),
    "StringEqualsIgnoreCase": ("string-ignore-case", "Equals", False),
    "StringNotEqualsIgnoreCase": ("string-ignore-case", "Equals", True),
    "StringLike": ("string-like", "Like", False),
    "StringNotLike": ("string-like", "Like", True),
    "Bool": ("bool", "Equals", False),
    "BinaryEquals": ("binary", "Equals", False),
    "IpAddress": ("ip", "In", False),
    "NotIpAddress": ("ip", "In", True),
    "ArnEquals": ("arn", "Like", False),
    "ArnLike": ("arn", "Like", False),
    "ArnNotEquals": ("arn", "Like", True),
    "ArnNotLike": ("arn", "Like", True),
    "Null": ("null", "Equals", False),
}
for _family in ("Numeric", "Date"):
    for _relation in _RELATIONS:
        OPERATORS[f"{_family}{_relation}"] = (_family.lower(), _relation, False)
    OPERATORS[f"{_family}NotEquals"] = (_family.lower(), "Equals", True)

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Condition:
    operator: str  # as written: "ForAnyValue:StringLikeIfExists"
    key: str  # as written
    key_lc: str
    values: tuple[str, ...]  # as written, as text
    family: str
    relation: str
    qualifier: str | None  # "ForAllValues" | "ForAnyValue"
    if_exists: bool
    negated: bool
    test: Test  # does one request value match any of the policy's values (before negation)

    def holds(self, context: Mapping[str, object], resolve: Resolve) -> bool:
        raw = context.get(self.key_lc, _MISSING)
        present = _request_values(raw)
        if self.family == "null":
            absent = not present
            return any((value.lower() == "true") == absent for value in self.values)
        if not present:
            if self.qualifier == "ForAllValues":
                return True
            if self.qualifier == "ForAnyValue":
                return False
            return self.if_exists or self.negated
        if self.qualifier == "ForAllValues":
            return all(self.test(value, resolve) != self.negated for value in present)
        if self.qualifier == "ForAnyValue":
            return any(self.test(value, resolve) != self.negated for value in present)
        return any(self.test(value, resolve) for value in present) != self.negated

    def why_not(self, context: Mapping[str, object], resolve: Resolve) -> str:
        """Why this condition does not hold for the request (call only when it does not)."""
        raw = context.get(self.key_lc, _MISSING)
        present = _request_values(raw)
        wanted = _show(list(self.values))
        if self.family == "null":
            state = "absent" if not present else "present"
            return f"Condition Null {self.key} is {state}, not {'absent' if wanted == 'true' else 'present'}"
        if not present:
            return f"Condition {self.operator} {self.key}: the request has no {self.key}"
        shown = _show([as_text(value) or repr(value) for value in present])
        if self.negated:
            return f"Condition {self.operator} {self.key} {shown} matches {wanted}"
        if self.family in ("numeric", "date"):
            relation = _RELATION_WORDS[self.relation]
            return f"Condition {self.operator} {self.key} {shown} not {relation} {wanted}"
        return f"Condition {self.operator} {self.key} {shown} not in {wanted}"


def _request_values(raw: object) -> list[object]:
    if raw is _MISSING or raw is None:
        return []
    if isinstance(raw, list | tuple | set | frozenset):
        return [value for value in raw if value is not None]
    return [raw]


def _show(values: list[str]) -> str:
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


def compile_condition(operator: str, key: str, raw_values: object, *, substitute: bool) -> Condition:
    """One operator/key pair of a Condition block. Raises ValueError with AWS's message."""
    qualifier = None
    name = operator
    for prefix in ("ForAllValues", "ForAnyValue"):
        if name.startswith(prefix + ":"):
            qualifier, name = prefix, name[len(prefix) + 1 :]
    if_exists = name.endswith("IfExists") and name != "IfExists"
    base = name[: -len("IfExists")] if if_exists else name
    if base not in OPERATORS or (if_exists and base == "Null"):
        raise ValueError(f"Invalid Condition type : {operator}")
    if ":" not in key:
        raise ValueError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    values = tuple(_value_text(value) for value in _value_list(raw_values))
    family, relation, negated = OPERATORS[base]
    if family == "null" and any(value.lower() not in ("true", "false") for value in values):
        raise ValueError(_LEGACY)
    test = _build_test(family, relation, values, substitute)
    return Condition(
        operator, key, key.lower(), values, family, relation, qualifier, if_exists, negated, test
    )


def _value_list(raw: object) -> list[object]:
    values = raw if isinstance(raw, list) else [raw]
    for value in values:
        if not isinstance(value, str | bool | int | float):
            raise ValueError("Syntax errors in policy.")
    return values


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _build_test(family: str, relation: str, values: tuple[str, ...], substitute: bool) -> Test:
    if family in ("string", "string-ignore-case"):
        return _string_test(values, substitute, family == "string-ignore-case")
    if family in ("string-like", "arn"):
        tokens = tuple(tokenize(value, substitute=substitute, wildcards=True) for value in values)
        glob = Glob.build(values, tokens, arn=family == "arn")

        def like(value: object, resolve: Resolve) -> bool:
            text = as_text(value)
            if text is None or (family == "arn" and text.count(":") < 5):
                return False
            return glob.match(text, resolve)

        return like
    if family == "numeric":
        numbers = [_number(value) for value in values]
        compare = _RELATIONS[relation]
        return lambda value, resolve: _ordered(value, numbers, compare, _request_number)
    if family == "date":
        moments = [_epoch(value) for value in values]
        compare = _RELATIONS[relation]
        return lambda value, resolve: _ordered(value, moments, compare, _request_epoch)
    if family == "bool":
        wanted = frozenset(value.lower() for value in values)
        return lambda value, resolve: (as_text(value) or "").lower() in wanted
    if family == "binary":
        blobs = frozenset(_base64(value) for value in values)
        return lambda value, resolve: _request_bytes(value) in blobs
    if family == "ip":
        networks = [_network(value) for value in values]
        return lambda value, resolve: _in_networks(value, networks)
    return lambda value, resolve: False  # Null is decided by presence alone


def _string_test(values: tuple[str, ...], substitute: bool, fold: bool) -> Test:
    tokens = tuple(tokenize(value, substitute=substitute, wildcards=False) for value in values)
    if any(has_variables(each) for each in tokens):

        def rendered(value: object, resolve: Resolve) -> bool:
            text = as_text(value)
            if text is None:
                return False
            for each in tokens:
                wanted = render(each, resolve)
                if wanted is not None and (wanted.lower() == text.lower() if fold else wanted == text):
                    return True
            return False

        return rendered
    texts = ["".join(str(token) for token in each) for each in tokens]
    fixed = frozenset(text.lower() if fold else text for text in texts)

    def equals(value: object, resolve: Resolve) -> bool:
        text = as_text(value)
        return text is not None and (text.lower() if fold else text) in fixed

    return equals


def _ordered(
    value: object,
    bounds: list[float],
    compare: Callable[[float, float], bool],
    convert: Callable[[object], float | None],
) -> bool:
    number = convert(value)
    return number is not None and any(compare(number, bound) for bound in bounds)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(_LEGACY) from None


def _request_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None


def _epoch(text: str) -> float:
    moment = _parse_date(text)
    if moment is None:
        raise ValueError(_LEGACY)
    return moment


def _parse_date(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _request_epoch(value: object) -> float | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return _parse_date(value) if isinstance(value, str) else None


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_LEGACY) from None


def _request_bytes(value: object) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(_LEGACY) from None


def _in_networks(value: object, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    text = as_text(value)
    if text is None:
        return False
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return any(address.version == network.version and address in network for network in networks)
