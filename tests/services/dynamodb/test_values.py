"""Unit tests of DynamoDB AttributeValue semantics: numbers, ordering, equality, item size, validation."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.values import (
    add_numbers,
    compare,
    equals,
    item_size,
    normalize_number,
    subtract_numbers,
    validate_item,
    validate_value,
)


def message(call: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.code == "ValidationException" and caught.value.status == 400
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("1.50", "1.5"),
        ("-0", "0"),
        ("0.000", "0"),
        ("1E+2", "100"),
        ("1e-3", "0.001"),
        ("+7", "7"),
        ("0010.0100", "10.01"),
        ("-12.3400e1", "-123.4"),
        ("9" * 38, "9" * 38),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
    ],
)
def test_number_normalization(text: str, normal: str) -> None:
    assert normalize_number(text) == normal


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ("1..2", "The parameter cannot be converted to a numeric value: 1..2"),
        ("", "The parameter cannot be converted to a numeric value: "),
        (" 1", "The parameter cannot be converted to a numeric value:  1"),
        ("1" * 39, "Attempting to store more than 38 significant digits in a Number"),
        (
            "1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "1E-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
    ],
)
def test_number_errors(text: str, error: str) -> None:
    assert message(lambda: normalize_number(text)) == error


def test_number_arithmetic_is_exact_to_38_digits() -> None:
    assert add_numbers("0.1", "0.2") == "0.3"
    assert add_numbers("9" * 37, "1") == "1" + "0" * 37
    assert subtract_numbers("1", "1.000") == "0"
    assert add_numbers("1E+125", "-1E+125") == "0"
    assert (
        message(lambda: add_numbers("1" * 38, "0.1"))
        == "Attempting to store more than 38 significant digits in a Number"
    )
    assert message(lambda: add_numbers("9.9E+125", "9.9E+125")) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


def test_ordering() -> None:
    assert compare({"N": "10"}, {"N": "9"}) == 1
    assert compare({"N": "-1.5"}, {"N": "-1.50"}) == 0
    assert compare({"S": "B"}, {"S": "a"}) == -1  # by bytes: uppercase first
    assert compare({"S": "\uffff"}, {"S": "\U0001f600"}) == -1  # UTF-8, not UTF-16
    assert compare({"B": b"\x01"}, {"B": b"\x01\x00"}) == -1
    assert compare({"S": "1"}, {"N": "1"}) is None
    assert compare({"BOOL": True}, {"BOOL": True}) is None


def test_equality() -> None:
    assert equals({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert equals({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]})
    assert not equals({"L": [{"S": "a"}, {"S": "b"}]}, {"L": [{"S": "b"}, {"S": "a"}]})
    assert equals({"M": {"x": {"N": "1"}}}, {"M": {"x": {"N": "1.0"}}})
    assert not equals({"S": "1"}, {"N": "1"})
    assert equals({"NULL": True}, {"NULL": True})


def test_item_size() -> None:
    assert item_size({"pk": {"S": "abc"}}) == 5
    assert item_size({"s": {"S": "\u00e9"}}) == 3  # two UTF-8 bytes
    assert item_size({"n": {"N": "123"}}) == 1 + 3  # 3 digits -> 2 bytes + 1
    assert item_size({"n": {"N": "1200"}}) == 1 + 2  # trailing zeros don't count
    assert item_size({"b": {"B": b"12345"}}) == 6
    assert item_size({"t": {"BOOL": True}, "z": {"NULL": True}}) == 4
    assert item_size({"l": {"L": []}}) == 1 + 3
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (2 + 1) + (2 + 1)
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size({"ss": {"SS": ["a", "bc"]}}) == 2 + 3


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
        ),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        (
            {"BS": [b"a", b"a"]},
            "One or more parameter values were invalid: Input collection [YQ==, YQ==]of type BS "
            "contains duplicates.",
        ),
        (
            {},
            "One or more parameter values were invalid: Supplied AttributeValue is empty, must "
            "contain exactly one of the supported datatypes",
        ),
        (
            {"S": "a", "N": "1"},
            "One or more parameter values were invalid: Supplied AttributeValue has more than one "
            "datatypes set, must contain exactly one of the supported datatypes",
        ),
        (
            {"NULL": False},
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true",
        ),
        ({"N": "x"}, "The parameter cannot be converted to a numeric value: x"),
    ],
)
def test_validate_value_errors(value: dict[str, Any], error: str) -> None:
    assert message(lambda: validate_value(value)) == error


def test_validate_item() -> None:
    item = validate_item(
        {"pk": {"S": "k"}, "n": {"N": "1.50"}, "e": {"S": ""}, "l": {"L": [{"NS": ["01"]}]}}, ("pk",)
    )
    assert item["n"] == {"N": "1.5"} and item["e"] == {"S": ""} and item["l"] == {"L": [{"NS": ["1"]}]}
    assert message(lambda: validate_item({"pk": {"S": ""}}, ("pk",))) == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        "contain an "
        "empty string value. Key: pk"
    )
    deep: dict[str, Any] = {"S": "x"}
    for _ in range(32):
        deep = {"L": [deep]}
    assert message(lambda: validate_item({"d": deep})) == "Nesting Levels have exceeded supported limits"
