"""Every condition operator, with IfExists, ForAllValues/ForAnyValue, missing keys and IPv6."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from fogbank.policy.conditions import OPERATORS, compile_condition


def holds(operator: str, values: object, present: object = ..., *, key: str = "test:Key") -> bool:
    condition = compile_condition(operator, key, values, substitute=True)
    context = {} if present is ... else {"test:key": present}
    return condition.holds(context, lambda name: {"aws:username": "bob"}.get(name))


def test_every_operator_is_known() -> None:
    relations = ["Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"]
    expected = {
        *(
            f"String{x}"
            for x in ["Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase", "Like", "NotLike"]
        ),
        *(f"Numeric{x}" for x in relations),
        *(f"Date{x}" for x in relations),
        *("Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "Null"),
        *("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"),
    }
    assert set(OPERATORS) == expected
    samples = {"BinaryEquals": "AA==", "IpAddress": "10.0.0.0/8", "NotIpAddress": "10.0.0.0/8"}
    for operator in expected - {"Null"}:
        compile_condition(f"{operator}IfExists", "test:key", samples.get(operator, "1"), substitute=True)


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("StringEquals", "abc", "abc", True),
        ("StringEquals", "abc", "ABC", False),
        ("StringEquals", ["x", "abc"], "abc", True),
        ("StringEquals", "abc", ..., False),
        ("StringNotEquals", "abc", "abd", True),
        ("StringNotEquals", "abc", "abc", False),
        ("StringNotEquals", "abc", ..., True),
        ("StringEqualsIgnoreCase", "ABC", "abc", True),
        ("StringNotEqualsIgnoreCase", "ABC", "abc", False),
        ("StringNotEqualsIgnoreCase", "ABC", "abd", True),
        ("StringLike", "a*c", "abbbc", True),
        ("StringLike", "a?c", "abc", True),
        ("StringLike", "a?c", "abbc", False),
        ("StringLike", "A*", "abc", False),
        ("StringNotLike", "a*", "abc", False),
        ("StringNotLike", "a*", "xyz", True),
        ("StringNotLike", "a*", ..., True),
        ("StringEquals", "${aws:username}", "bob", True),
        ("StringEquals", "home/${aws:nothing}", "home/", False),
        ("StringEquals", "home/${aws:nothing, 'x'}", "home/x", True),
        ("StringEquals", "true", True, True),
        ("StringEquals", "5", 5, True),
    ],
)
def test_string_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("NumericEquals", "10", 10, True),
        ("NumericEquals", 10, "10.0", True),
        ("NumericNotEquals", "10", 11, True),
        ("NumericNotEquals", "10", 10, False),
        ("NumericLessThan", "10", 9, True),
        ("NumericLessThan", "10", 10, False),
        ("NumericLessThanEquals", "10", 10, True),
        ("NumericGreaterThan", "10", 11, True),
        ("NumericGreaterThan", "10", 10, False),
        ("NumericGreaterThanEquals", "10", 10, True),
        ("NumericLessThan", ["1", "100"], 50, True),
        ("NumericLessThan", "10", "not a number", False),
        ("NumericLessThan", "10", ..., False),
        ("NumericNotEquals", "10", ..., True),
    ],
)
def test_numeric_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("DateEquals", "2024-06-01T12:00:00Z", NOW, True),
        ("DateEquals", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00+00:00", True),
        ("DateNotEquals", "2024-06-01T12:00:00Z", NOW, False),
        ("DateLessThan", "2024-06-02", NOW, True),
        ("DateLessThan", "2024-06-01", NOW, False),
        ("DateLessThanEquals", "2024-06-01T12:00:00Z", NOW, True),
        ("DateGreaterThan", "2024-06-01", NOW, True),
        ("DateGreaterThan", str(int(NOW.timestamp())), NOW, False),
        ("DateGreaterThanEquals", int(NOW.timestamp()), NOW, True),
        ("DateLessThan", "2030-01-01T00:00:00Z", int(NOW.timestamp()), True),
        ("DateLessThan", "2030-01-01T00:00:00Z", "2024-06-01T12:00:00Z", True),
        ("DateLessThan", "2030-01-01T00:00:00Z", "garbage", False),
        ("DateLessThan", "2030-01-01T00:00:00Z", ..., False),
    ],
)
def test_date_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("Bool", "true", True, True),
        ("Bool", "true", "true", True),
        ("Bool", True, False, False),
        ("Bool", "false", "false", True),
        ("Bool", "true", ..., False),
        ("BoolIfExists", "true", ..., True),
        ("BoolIfExists", "true", False, False),
        ("BinaryEquals", base64.b64encode(b"\x00\x01").decode(), b"\x00\x01", True),
        (
            "BinaryEquals",
            base64.b64encode(b"\x00\x01").decode(),
            base64.b64encode(b"\x00\x01").decode(),
            True,
        ),
        ("BinaryEquals", base64.b64encode(b"\x00\x01").decode(), b"\x00\x02", False),
        ("Null", "true", ..., True),
        ("Null", "true", "x", False),
        ("Null", "false", "x", True),
        ("Null", "false", ..., False),
        ("Null", "true", [], True),
        ("Null", True, None, True),
    ],
)
def test_bool_binary_null(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("IpAddress", "10.10.0.0/16", "10.10.3.4", True),
        ("IpAddress", "10.10.0.0/16", "192.168.0.1", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", ["192.168.0.0/24", "10.0.0.0/8"], "10.1.1.1", True),
        ("IpAddress", "2001:db8::/32", "2001:db8:1::5", True),
        ("IpAddress", "2001:db8::/32", "2001:db9::5", False),
        ("IpAddress", "10.0.0.0/8", "2001:db8::1", False),
        ("IpAddress", "10.0.0.0/8", "not an ip", False),
        ("NotIpAddress", "10.0.0.0/8", "11.0.0.1", True),
        ("NotIpAddress", "10.0.0.0/8", "10.0.0.1", False),
        ("NotIpAddress", "10.0.0.0/8", ..., True),
        ("NotIpAddress", "2001:db8::/32", "2001:db8::1", False),
        ("IpAddressIfExists", "10.0.0.0/8", ..., True),
    ],
)
def test_ip_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


ROLE = "arn:aws:iam::111111111111:role/path/R"


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("ArnEquals", ROLE, ROLE, True),
        ("ArnEquals", "arn:aws:iam::*:role/*", ROLE, True),
        ("ArnLike", "arn:aws:iam::111111111111:role/path/*", ROLE, True),
        ("ArnLike", "arn:aws:iam::222222222222:role/*", ROLE, False),
        ("ArnLike", "arn:aws:iam::111111111111:role/*", "not-an-arn", False),
        ("ArnLike", "arn:aws:IAM::111111111111:role/*", ROLE, False),
        ("ArnNotEquals", "arn:aws:iam::*:role/other", ROLE, True),
        ("ArnNotLike", "arn:aws:iam::*:role/*", ROLE, False),
        ("ArnNotLike", "arn:aws:iam::*:role/*", ..., True),
        (
            "ArnLike",
            "arn:aws:sqs:*:111111111111:${aws:username}",
            "arn:aws:sqs:us-east-1:111111111111:bob",
            True,
        ),
        ("ArnLikeIfExists", "arn:aws:iam::*:role/*", ..., True),
    ],
)
def test_arn_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


@pytest.mark.parametrize(
    ("operator", "values", "present", "expected"),
    [
        ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
        ("ForAllValues:StringEquals", ["a", "b"], [], True),
        ("ForAllValues:StringEquals", ["a", "b"], ..., True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c"], False),
        ("ForAnyValue:StringEquals", ["a", "b"], [], False),
        ("ForAnyValue:StringEquals", ["a", "b"], ..., False),
        ("ForAllValues:StringNotEquals", ["a"], ["b", "c"], True),
        ("ForAllValues:StringNotEquals", ["a"], ["b", "a"], False),
        ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
        ("ForAnyValue:StringNotEquals", ["a"], ["a"], False),
        ("ForAllValues:StringLike", ["env*", "team"], ["environment", "team"], True),
        ("ForAnyValue:StringLikeIfExists", "x*", ..., False),
        ("ForAnyValue:IpAddress", "10.0.0.0/8", ["192.168.0.1", "10.0.0.1"], True),
        ("ForAllValues:NumericLessThan", "5", [1, 2, 7], False),
        ("StringEquals", ["a"], ["b", "a"], True),
        ("StringNotEquals", ["a"], ["b", "a"], False),
    ],
)
def test_set_operators(operator: str, values: object, present: object, expected: bool) -> None:
    assert holds(operator, values, present) is expected


def test_key_names_are_case_insensitive_values_are_not() -> None:
    condition = compile_condition("StringEquals", "AWS:UserName", "Bob", substitute=True)
    assert condition.key_lc == "aws:username"
    assert condition.holds({"aws:username": "Bob"}, lambda name: None)
    assert not condition.holds({"aws:username": "bob"}, lambda name: None)


def test_explanations() -> None:
    condition = compile_condition("IpAddress", "aws:SourceIp", "10.10.0.0/16", substitute=True)
    assert condition.why_not({"aws:sourceip": "10.0.0.1"}, lambda name: None) == (
        "Condition IpAddress aws:SourceIp 10.0.0.1 not in 10.10.0.0/16"
    )
    assert condition.why_not({}, lambda name: None) == (
        "Condition IpAddress aws:SourceIp: the request has no aws:SourceIp"
    )
    numeric = compile_condition("NumericLessThan", "aws:MultiFactorAuthAge", "3600", substitute=True)
    assert numeric.why_not({"aws:multifactorauthage": 7200}, lambda name: None) == (
        "Condition NumericLessThan aws:MultiFactorAuthAge 7200 not less than 3600"
    )
    negated = compile_condition("StringNotEquals", "aws:username", ["bob", "eve"], substitute=True)
    assert negated.why_not({"aws:username": "bob"}, lambda name: None) == (
        "Condition StringNotEquals aws:username bob matches [bob, eve]"
    )
