"""Input validation against a model's constraints, and the error each protocol family makes of it.

`validate` walks an input value over its shape and lists what AWS's front ends reject: a
required member that is missing, a value of the wrong type, and the enum, length, range and
pattern constraints of the model. A pattern is searched for, not anchored, as Smithy defines
it; one that Python's `re` cannot compile is skipped rather than guessed at: a wrong rejection
is worse than a missing one.

`validation_error` turns problems into the one error the service's family answers with:
ValidationException in the JSON family, ValidationError or MissingParameter/InvalidParameterValue
in the query family (services differ), InvalidArgument/MalformedXML for S3 and InvalidInput for
Route 53 and CloudFront. Both functions are pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

from botocore.model import ServiceModel, Shape

from fogbank.errors import ServiceError

__all__ = ["Problem", "validate", "validation_error"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed constraint. `path` is member names, 1-based list positions and map keys."""

    path: tuple[str | int, ...]
    constraint: str  # required, type, enum, min_length, max_length, min, max, pattern
    value: Any = None
    limit: Any = None
    sensitive: bool = False
    location: str | None = None  # the top-level member's HTTP location, None for the body

    @property
    def coral_path(self) -> str:
        """The path as AWS's JSON-family services print it: 'attributeDefinitions.1.member.attributeType'."""
        parts: list[str] = []
        for part in self.path:
            if isinstance(part, int):
                parts.append(f"{part}.member")
            else:
                parts.append(part[:1].lower() + part[1:])
        return ".".join(parts)

    @property
    def parameter(self) -> str:
        """The path as a query-protocol parameter name: 'Tags.1.Key', model names kept."""
        return ".".join(str(part) for part in self.path)

    def requirement(self) -> str:
        limit = self.limit
        if self.constraint == "enum":
            return f"Member must satisfy enum value set: [{', '.join(map(str, limit or ()))}]"
        return {
            "required": "Member must not be null",
            "type": "Member must be of type {}",
            "min_length": "Member must have length greater than or equal to {}",
            "max_length": "Member must have length less than or equal to {}",
            "min": "Member must have value greater than or equal to {}",
            "max": "Member must have value less than or equal to {}",
            "pattern": "Member must satisfy regular expression pattern: {}",
        }[self.constraint].format(limit)

    def describe(self) -> str:
        if self.value is None:
            shown = "Value null"
        elif self.sensitive:
            shown = "Value"
        else:
            shown = f"Value '{_show(self.value)}'"
        return f"{shown} at '{self.coral_path}' failed to satisfy constraint: {self.requirement()}"


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        return "java.nio.HeapByteBuffer"
    return str(value)


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "short": (int,),
    "byte": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (datetime,),
    "list": (list, tuple),
    "map": (dict,),
    "structure": (dict,),
}


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None


def validate(shape: Shape | None, value: Any) -> list[Problem]:
    """Every problem of `value` (an input dict) against `shape`; an empty list when it is valid."""
    problems: list[Problem] = []
    if shape is not None:
        (_CHECKS.get(shape) or _checker(shape))(value, (), None, problems)
    return problems


@dataclass(frozen=True, slots=True)
class _Rule:
    """What `_check` reads of a shape, looked up once rather than through botocore's properties per value."""

    kind: str
    expected: tuple[type, ...] | None
    sensitive: bool
    minimum: Any
    maximum: Any
    enum: tuple[str, ...]
    pattern_text: str | None
    pattern: re.Pattern[str] | None
    # Structures: (member, its HTTP location) by name, and the required members' names.
    members: dict[str, tuple[Shape, str | None]]
    required: tuple[str, ...]


# The shapes validated are those of the service models, which specs caches for the server's life, so a
# shape's rule is built once and stays valid.
_RULES: dict[Shape, _Rule] = {}


def _rule(shape: Shape) -> _Rule:
    rule = _RULES.get(shape)
    if rule is not None:
        return rule
    kind = shape.type_name
    metadata = shape.metadata
    pattern_text = metadata.get("pattern") if kind == "string" else None
    members: dict[str, tuple[Shape, str | None]] = {}
    required: tuple[str, ...] = ()
    if kind == "structure" and not shape.is_document_type:
        members = {n: (m, m.serialization.get("location")) for n, m in shape.members.items()}
        required = tuple(shape.required_members)
    rule = _Rule(
        kind=kind,
        expected=_TYPES.get(kind),
        sensitive=bool(metadata.get("sensitive")),
        minimum=metadata.get("min"),
        maximum=metadata.get("max"),
        enum=tuple(shape.enum) if kind == "string" and shape.enum else (),
        pattern_text=pattern_text or None,
        pattern=_pattern(pattern_text) if pattern_text else None,
        members=members,
        required=required,
    )
    _RULES[shape] = rule
    return rule


Check = Callable[[Any, tuple[str | int, ...], str | None, list[Problem]], None]


class _LazyCheck:
    """A member's check, compiled when a value first reaches it. Recursive shapes (DynamoDB's
    AttributeValue -> MapAttributeValue -> AttributeValue ...) resolve to new shape objects at every
    level, so compiling their members up front would never end."""

    __slots__ = ("fn",)

    def __init__(self, shape: Shape) -> None:
        def first_call(
            value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]
        ) -> None:
            self.fn = _checker(shape)
            self.fn(value, path, location, problems)

        self.fn: Check = first_call


# Like rules, a shape's check is compiled once: a request then costs direct calls, not a walk that looks
# at the shape's kind and constraints per value.
_CHECKS: dict[Shape, Check] = {}


def _checker(shape: Shape) -> Check:
    check = _CHECKS.get(shape)
    if check is None:
        check = _CHECKS[shape] = _compile(shape)
    return check


def _compile(shape: Shape) -> Check:
    rule = _rule(shape)
    kind = rule.kind
    if kind == "structure":
        return _no_check if shape.is_document_type else _structure_check(rule)
    if kind == "blob":
        return partial(_check_blob, rule)
    if kind == "list":
        return _list_check(shape, rule)
    if kind == "map":
        return _map_check(shape, rule)
    if kind == "string":
        return _string_check(shape, rule)
    if kind in ("integer", "long", "short", "byte", "float", "double"):
        return _number_check(rule)
    if rule.expected is None:
        return _no_check
    return _type_check(rule)


def _no_check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
    return None


def _outside(rule: _Rule, measure: Any) -> bool:
    """Whether `_check_range` finds a problem with `measure`, asked before paying for its call."""
    return (rule.minimum is not None and measure < rule.minimum) or (
        rule.maximum is not None and measure > rule.maximum
    )


def _type_problem(rule: _Rule, value: Any, path: tuple[str | int, ...], location: str | None) -> Problem:
    return Problem(path, "type", value, rule.kind.capitalize(), rule.sensitive, location)


# The checks below test a value's type with isinstance alone where the expected types are not int: only
# there could a bool pass (bool is an int to Python, never to AWS).


def _type_check(rule: _Rule) -> Check:
    expected = rule.expected
    assert expected is not None

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if not isinstance(value, expected):
            problems.append(_type_problem(rule, value, path, location))

    return check


def _number_check(rule: _Rule) -> Check:
    expected = rule.expected
    assert expected is not None
    ranged = rule.minimum is not None or rule.maximum is not None

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if isinstance(value, bool) or not isinstance(value, expected):
            problems.append(_type_problem(rule, value, path, location))
        elif ranged and _outside(rule, value):
            _check_range(rule, value, "min", "max", path, value, location, problems)

    return check


def _check_blob(
    rule: _Rule, value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]
) -> None:
    if not isinstance(value, bytes | bytearray | str) and not hasattr(value, "read"):
        problems.append(Problem(path, "type", value, "Blob", rule.sensitive, location))
    elif not hasattr(value, "read"):
        _check_range(rule, len(value), "min_length", "max_length", path, value, location, problems)


def _string_check(shape: Shape, rule: _Rule) -> Check:
    if not rule.enum and rule.minimum is None and rule.maximum is None and rule.pattern is None:
        return _type_check(rule)
    enum = frozenset(rule.enum)
    pattern = rule.pattern
    minimum = -1 if rule.minimum is None else rule.minimum
    maximum = math.inf if rule.maximum is None else rule.maximum

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if not isinstance(value, str):
            problems.append(_type_problem(rule, value, path, location))
            return
        if enum and value not in enum:
            problems.append(Problem(path, "enum", value, shape.enum, rule.sensitive, location))
            return
        if not minimum <= len(value) <= maximum:
            _check_range(rule, len(value), "min_length", "max_length", path, value, location, problems)
        if pattern is not None and pattern.search(value) is None:
            problems.append(Problem(path, "pattern", value, rule.pattern_text, rule.sensitive, location))

    return check


def _structure_check(rule: _Rule) -> Check:
    # Each member's path step is made once: `path + step` is cheaper than `(*path, name)`.
    members = {
        name: (_LazyCheck(member), location, (name,)) for name, (member, location) in rule.members.items()
    }
    required = rule.required

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if not isinstance(value, dict):
            problems.append(_type_problem(rule, value, path, location))
            return
        for name in required:
            if value.get(name) is None:
                member_location = location if path else members[name][1]
                problems.append(Problem(path + (name,), "required", None, None, False, member_location))
        for name, member_value in value.items():
            found = members.get(name)
            if found is not None and member_value is not None:
                member, own_location, step = found
                member.fn(member_value, path + step, location if path else own_location, problems)

    return check


def _list_check(shape: Shape, rule: _Rule) -> Check:
    item_check = _LazyCheck(shape.member)
    expected = rule.expected
    assert expected is not None

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if not isinstance(value, expected):
            problems.append(_type_problem(rule, value, path, location))
            return
        if _outside(rule, len(value)):
            _check_range(rule, len(value), "min_length", "max_length", path, value, location, problems)
        check_item = item_check.fn
        for index, item in enumerate(value, 1):
            if item is not None:
                check_item(item, path + (index,), location, problems)

    return check


def _map_check(shape: Shape, rule: _Rule) -> Check:
    key_check = _LazyCheck(shape.key)
    value_check = _LazyCheck(shape.value)

    def check(value: Any, path: tuple[str | int, ...], location: str | None, problems: list[Problem]) -> None:
        if not isinstance(value, dict):
            problems.append(_type_problem(rule, value, path, location))
            return
        if _outside(rule, len(value)):
            _check_range(rule, len(value), "min_length", "max_length", path, value, location, problems)
        check_key = key_check.fn
        check_value = value_check.fn
        for key, item in value.items():
            item_path = path + (key,)
            check_key(key, item_path, location, problems)
            if item is not None:
                check_value(item, item_path, location, problems)

    return check


def _check_range(
    rule: _Rule,
    measure: float,
    low: str,
    high: str,
    path: tuple[str | int, ...],
    value: Any,
    location: str | None,
    problems: list[Problem],
) -> None:
    minimum = rule.minimum
    maximum = rule.maximum
    if minimum is not None and measure < minimum:
        problems.append(Problem(path, low, value, minimum, rule.sensitive, location))
    elif maximum is not None and measure > maximum:
        problems.append(Problem(path, high, value, maximum, rule.sensitive, location))


def _coral_message(problems: list[Problem]) -> str:
    count = len(problems)
    noun = "validation error" if count == 1 else "validation errors"
    return f"{count} {noun} detected: " + "; ".join(p.describe() for p in problems)


# Query-protocol services that answer bad input with MissingParameter / InvalidParameterValue;
# the others (IAM, STS, SNS, CloudFormation, Auto Scaling, ELB, SES...) with ValidationError.
_PARAMETER_STYLE = frozenset({"ec2", "sqs", "monitoring", "rds", "elasticache", "redshift"})
_S3 = frozenset({"s3", "s3-control", "s3control"})


def _parameter_error(problems: list[Problem]) -> ServiceError:
    missing = [p for p in problems if p.constraint == "required"]
    if missing:
        return ServiceError(
            "MissingParameter", f"The request must contain the parameter {missing[0].parameter}", 400
        )
    first = problems[0]
    shown = "" if first.sensitive else _show(first.value)
    return ServiceError(
        "InvalidParameterValue",
        f"Value ({shown}) for parameter {first.parameter} is invalid. {first.requirement()}",
        400,
    )


def validation_error(protocol: str, service_model: ServiceModel, problems: list[Problem]) -> ServiceError:
    """The error `service_model`'s service answers `problems` with, in the request's `protocol`
    (a service reachable in several protocols answers in the family it was asked in)."""
    prefix = service_model.endpoint_prefix
    query_compatible = "awsQueryCompatible" in service_model.metadata
    if protocol in ("query", "ec2") or query_compatible:
        if prefix in _PARAMETER_STYLE or protocol == "ec2":
            return _parameter_error(problems)
        if protocol in ("query", "ec2"):
            return ServiceError("ValidationError", _coral_message(problems), 400)
    if protocol == "rest-xml":
        if prefix in _S3 or service_model.service_name in _S3:
            first = problems[0]
            if first.location is None:
                return ServiceError(
                    "MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our "
                    "published schema",
                    400,
                )
            return ServiceError(
                "InvalidArgument",
                first.describe(),
                400,
                fields={
                    "ArgumentName": first.parameter,
                    "ArgumentValue": "" if first.value is None else _show(first.value),
                },
            )
        return ServiceError("InvalidInput", _coral_message(problems), 400)
    return ServiceError("ValidationException", _coral_message(problems), 400)
