"""Unit tests of the expression package (no server): syntax, placeholders, semantics and evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.expressions import (
    ExpressionAttributes,
    from_attribute_updates,
    from_attributes_to_get,
    from_expected,
    from_filter,
    from_key_conditions,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
)
from fogbank.services.dynamodb.expressions.lexer import tokenize
from fogbank.services.dynamodb.expressions.reserved import RESERVED_WORDS
from tests.services.dynamodb.expression_cases import av

ITEM: dict[str, Any] = {
    "pk": {"S": "a"},
    "n": {"N": "5"},
    "s": {"S": "hello"},
    "b": {"B": b"\x01\x02\x03"},
    "l": {"L": [{"N": "1"}, {"S": "x"}, {"M": {"deep": {"S": "d"}}}]},
    "m": {"M": {"a": {"N": "1"}, "b": {"S": "z"}, "c": {"M": {"d": {"BOOL": True}}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "t": {"BOOL": False},
    "z": {"NULL": True},
}


def attrs(values: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> ExpressionAttributes:
    return ExpressionAttributes(names, {k: av(v) for k, v in values.items()} if values else None)


def error(call: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.code == "ValidationException"
    return caught.value.message


def test_lexer_tokens() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("#a.b[10] <= :v_1 AND <>")]
    assert kinds == [
        ("NAME", "#a"),
        ("OP", "."),
        ("ID", "b"),
        ("OP", "["),
        ("NUM", "10"),
        ("OP", "]"),
        ("OP", "<="),
        ("VALUE", ":v_1"),
        ("ID", "AND"),
        ("OP", "<>"),
        ("EOF", "<EOF>"),
    ]


def test_reserved_words_list_is_complete() -> None:
    assert len(RESERVED_WORDS) == 573
    assert {"STATUS", "NAME", "DATA", "SIZE", "TTL", "YEAR", "ZONE", "ABORT"} <= RESERVED_WORDS


CONDITION_TRUE = [
    ("n = :v", {":v": 5}),
    ("n = :v", {":v": {"N": "5.00"}}),
    ("n <> :v", {":v": 6}),
    ("gone <> :v", {":v": 6}),
    ("n <> :v", {":v": "5"}),
    ("n < :v", {":v": 10}),
    ("n <= :v", {":v": 5}),
    ("s > :v", {":v": "hell"}),
    ("s >= :v", {":v": "hello"}),
    ("b < :v", {":v": {"B": b"\x02"}}),
    ("n BETWEEN :a AND :b", {":a": 1, ":b": 5}),
    ("n IN (:a, :b)", {":a": 1, ":b": 5}),
    ("attribute_exists(m.c.d)", None),
    ("attribute_not_exists(m.x)", None),
    ("attribute_not_exists(l[3])", None),
    ("attribute_type(ss, :t)", {":t": "SS"}),
    ("attribute_type(z, :t)", {":t": "NULL"}),
    ("begins_with(s, :p)", {":p": "he"}),
    ("begins_with(b, :p)", {":p": {"B": b"\x01"}}),
    ("contains(s, :p)", {":p": "ell"}),
    ("contains(ss, :p)", {":p": "b"}),
    ("contains(ns, :p)", {":p": {"N": "2.50"}}),
    ("contains(l, :p)", {":p": "x"}),
    ("size(s) = :v", {":v": 5}),
    ("size(b) = :v", {":v": 3}),
    ("size(l) = :v", {":v": 3}),
    ("size(m) > :v", {":v": 2}),
    ("l[2].deep = :v", {":v": "d"}),
    ("NOT n = :v", {":v": 6}),
    ("n = :v OR n = :w AND s = :w", {":v": 5, ":w": 0}),
    ("(n = :w OR n = :v) AND NOT (s = :w)", {":v": 5, ":w": 0}),
    ("not contains(s, :p) and attribute_exists(pk)", {":p": "zz"}),
    ("m.c = :v", {":v": {"M": {"d": {"BOOL": True}}}}),
    ("ss = :v", {":v": {"SS": ["b", "a"]}}),
    ("t = :v", {":v": False}),
]

CONDITION_FALSE = [
    ("n = :v", {":v": "5"}),
    ("gone = :v", {":v": 1}),
    ("gone < :v", {":v": 1}),
    ("n < :v", {":v": "zz"}),
    ("s BETWEEN :a AND :b", {":a": "i", ":b": "z"}),
    ("n IN (:a, :b)", {":a": 1, ":b": 2}),
    ("attribute_exists(nope)", None),
    ("attribute_type(n, :t)", {":t": "S"}),
    ("begins_with(n, :p)", {":p": "5"}),
    ("contains(n, :p)", {":p": 5}),
    ("size(n) = :v", {":v": 1}),
    ("size(gone) = :v", {":v": 0}),
    ("n = :v AND s = :w", {":v": 5, ":w": "x"}),
    ("NOT attribute_exists(n)", None),
    ("s < :v", {":v": "Z"}),
]


@pytest.mark.parametrize(("text", "values"), CONDITION_TRUE)
def test_condition_true(text: str, values: dict[str, Any] | None) -> None:
    assert parse_condition(text, attrs(values)).evaluate(ITEM) is True


@pytest.mark.parametrize(("text", "values"), CONDITION_FALSE)
def test_condition_false(text: str, values: dict[str, Any] | None) -> None:
    assert parse_condition(text, attrs(values)).evaluate(ITEM) is False


def test_precedence_not_and_or() -> None:
    # OR binds loosest: true OR (false AND false).
    values = {":t": 5, ":f": 0}
    assert parse_condition("n = :t OR n = :f AND n = :f", attrs(values)).evaluate(ITEM)
    assert not parse_condition("(n = :t OR n = :f) AND n = :f", attrs(values)).evaluate(ITEM)
    assert parse_condition("NOT n = :f AND n = :t", attrs(values)).evaluate(ITEM)


def test_strings_order_by_utf8_bytes() -> None:
    item = {"s": {"S": "\uff01"}}
    # U+FF01 is one UTF-16 unit below U+1F600's surrogates but sorts below it as UTF-8 too; "z" < both.
    assert parse_condition("s > :v", attrs({":v": "z"})).evaluate(item)
    assert parse_condition("s < :v", attrs({":v": "\U0001f600"})).evaluate(item)


CONDITION_ERRORS = [
    ("", None, None, "Invalid ConditionExpression: The expression can not be empty;"),
    ("a = = :v", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"'),
    ("a =", None, None, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="'),
    ("a b", None, None, 'Invalid ConditionExpression: Syntax error; token: "b", near: "a b"'),
    ("attribute_exists(", None, None, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("'),
    ("a[-1] = :v", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "-", near: "[-1"'),
    ("a == :v", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"'),
    ("a = :v AND", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
    ("a ! :v", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "!", near: "a ! :v"'),
    ("and = :v", {":v": 1}, None, 'Invalid ConditionExpression: Syntax error; token: "and", near: "and ="'),
    (
        "status = :v",
        {":v": 1},
        None,
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status",
    ),
    (
        "a.Data = :v",
        {":v": 1},
        None,
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Data",
    ),
    (
        "#x = :v",
        {":v": 1},
        None,
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x",
    ),
    (
        "a = :w",
        {":v": 1},
        None,
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :w",
    ),
    ("foo(a)", None, None, "Invalid ConditionExpression: Invalid function name; function: foo"),
    (
        "size(a)",
        None,
        None,
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
        "function: size",
    ),
    (
        "begins_with(a)",
        None,
        None,
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: begins_with, number of operands: 1",
    ),
    (
        "attribute_exists(:v)",
        {":v": 1},
        None,
        "Invalid ConditionExpression: Operator or function requires a document path; "
        "operator or function: attribute_exists",
    ),
    (
        "attribute_type(a, :t)",
        {":t": "STRING"},
        None,
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    ),
    (
        "begins_with(a, :v)",
        {":v": 1},
        None,
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N",
    ),
    (
        "a BETWEEN :a AND :b",
        {":a": 5, ":b": 1},
        None,
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than "
        "or equal to "
        "lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}",
    ),
    ("((a = :v))", {":v": 1}, None, "Invalid ConditionExpression: The expression has redundant parentheses;"),
]


@pytest.mark.parametrize(("text", "values", "names", "message"), CONDITION_ERRORS)
def test_condition_errors(
    text: str, values: dict[str, Any] | None, names: dict[str, str] | None, message: str
) -> None:
    assert error(lambda: parse_condition(text, attrs(values, names))) == message


def test_filter_kind_names_the_member() -> None:
    message = error(lambda: parse_condition("a =", attrs(), kind="FilterExpression"))
    assert message == 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="'


def test_in_allows_100_operands_not_101() -> None:
    values = {f":v{i}": i for i in range(101)}
    ok = ", ".join(f":v{i}" for i in range(100))
    parse_condition(f"n IN ({ok})", attrs(values))
    too_many = ", ".join(f":v{i}" for i in range(101))
    assert error(lambda: parse_condition(f"n IN ({too_many})", attrs(values))) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of "
        "operands: 101"
    )


def test_unused_and_invalid_placeholders() -> None:
    unused = attrs({":v": 1, ":w": 2}, {"#n": "n"})
    parse_condition("#n = :v", unused)
    assert (
        error(unused.check_unused)
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    )
    names = attrs({":v": 1}, {"#n": "n", "#m": "m"})
    parse_condition("#n = :v", names)
    assert (
        error(names.check_unused)
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#m}"
    )
    assert error(lambda: ExpressionAttributes({}, None)) == "ExpressionAttributeNames must not be empty"
    assert error(lambda: ExpressionAttributes(None, {})) == "ExpressionAttributeValues must not be empty"
    assert error(lambda: ExpressionAttributes({"n": "x"}, None)) == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'
    )
    assert error(lambda: ExpressionAttributes(None, {"v": {"S": "x"}})) == (
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'
    )
    assert error(lambda: ExpressionAttributes(None, {":v": {"SS": []}})) == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        "An string set  may not be empty for key :v"
    )


def test_names_resolve_and_reserved_words_allowed_behind_placeholders() -> None:
    condition = parse_condition("#s.#d = :v", attrs({":v": 1}, {"#s": "status", "#d": "a.b"}))
    assert condition.evaluate({"status": {"M": {"a.b": {"N": "1"}}}})
    assert not condition.evaluate({"status": {"M": {"a": {"M": {"b": {"N": "1"}}}}}})


# -- update --------------------------------------------------------------------------------------------
def apply(
    text: str, values: dict[str, Any] | None = None, item: dict[str, Any] | None = None
) -> dict[str, Any]:
    return parse_update(text, attrs(values)).apply(ITEM if item is None else item)


def test_update_set_and_arithmetic() -> None:
    new = apply("SET n = n + :one, c = :one - n, s2 = s", {":one": 1})
    assert new["n"] == {"N": "6"} and new["c"] == {"N": "-4"} and new["s2"] == {"S": "hello"}
    assert ITEM["n"] == {"N": "5"}  # apply works on a copy


def test_update_values_come_from_the_old_item() -> None:
    new = apply("SET n = :v, prev = n", {":v": 9})
    assert new["n"] == {"N": "9"} and new["prev"] == {"N": "5"}


def test_update_functions() -> None:
    new = apply(
        "SET l = list_append(l, :more), c = if_not_exists(c, :zero), n = if_not_exists(n, :zero)",
        {":more": {"L": [{"S": "y"}]}, ":zero": 0},
    )
    assert new["l"]["L"][-1] == {"S": "y"} and len(new["l"]["L"]) == 4
    assert new["c"] == {"N": "0"} and new["n"] == {"N": "5"}
    front = apply("SET l = list_append(:more, l)", {":more": {"L": [{"S": "y"}]}})
    assert front["l"]["L"][0] == {"S": "y"}


def test_update_nested_and_list_index() -> None:
    new = apply("SET m.c.e = :v, l[1] = :v, l[10] = :w", {":v": "new", ":w": "tail"})
    assert new["m"]["M"]["c"]["M"]["e"] == {"S": "new"}
    assert new["l"]["L"][1] == {"S": "new"} and new["l"]["L"][-1] == {"S": "tail"} and len(new["l"]["L"]) == 4


def test_if_not_exists_fallback_must_resolve() -> None:
    assert error(lambda: apply("SET n = if_not_exists(n, gone)")) == (
        "The provided expression refers to an attribute that does not exist in the item"
    )
    assert apply("SET n = if_not_exists(n, s)")["n"] == {"N": "5"}


def test_size_of_a_string_counts_utf16_units() -> None:
    item = {"s": {"S": "a\U0001f600\u00e9"}}
    assert parse_condition("size(s) = :v", attrs({":v": 4})).evaluate(item)


def test_update_appends_past_the_end_in_index_order() -> None:
    new = apply("SET l[9] = :a, l[7] = :b, l[0] = :b", {":a": "a", ":b": "b"})
    assert new["l"]["L"] == [{"S": "b"}, {"S": "x"}, {"M": {"deep": {"S": "d"}}}, {"S": "b"}, {"S": "a"}]


def test_update_remove_shifts_lists() -> None:
    new = apply("REMOVE l[0], l[2], m.b, s, nothing")
    assert new["l"] == {"L": [{"S": "x"}]}
    assert "b" not in new["m"]["M"] and "s" not in new and "nothing" not in new


def test_update_add_and_delete() -> None:
    new = apply(
        "ADD n :one, ss :s, fresh :one, fs :s DELETE ns :ns",
        {":one": 1, ":s": {"SS": ["b", "c"]}, ":ns": {"NS": ["2.5"]}},
    )
    assert new["n"] == {"N": "6"} and new["fresh"] == {"N": "1"} and new["fs"] == {"SS": ["b", "c"]}
    assert sorted(new["ss"]["SS"]) == ["a", "b", "c"] and new["ns"] == {"NS": ["1"]}
    emptied = apply("DELETE ss :s", {":s": {"SS": ["a", "b"]}})
    assert "ss" not in emptied


UPDATE_RUNTIME_ERRORS = [
    (
        "SET a = nothing",
        None,
        "The provided expression refers to an attribute that does not exist in the item",
    ),
    ("SET a = s + :one", {":one": 1}, "An operand in the update expression has an incorrect data type"),
    (
        "SET a = list_append(s, :l)",
        {":l": {"L": []}},
        "An operand in the update expression has an incorrect data type",
    ),
    ("ADD s :one", {":one": 1}, "An operand in the update expression has an incorrect data type"),
    ("DELETE ss :n", {":n": {"NS": ["1"]}}, "An operand in the update expression has an incorrect data type"),
    (
        "SET nothing.x = :one",
        {":one": 1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "SET s[0] = :one",
        {":one": 1},
        "The document path provided in the update expression is invalid for update",
    ),
    ("REMOVE gone.x", None, "The document path provided in the update expression is invalid for update"),
    ("REMOVE m.a.x", None, "The document path provided in the update expression is invalid for update"),
    (
        "DELETE gone.x :s",
        {":s": {"SS": ["a"]}},
        "The document path provided in the update expression is invalid for update",
    ),
]


@pytest.mark.parametrize(("text", "values", "message"), UPDATE_RUNTIME_ERRORS)
def test_update_runtime_errors(text: str, values: dict[str, Any] | None, message: str) -> None:
    assert error(lambda: apply(text, values)) == message


UPDATE_PARSE_ERRORS = [
    ("", None, "Invalid UpdateExpression: The expression can not be empty;"),
    ("SET", None, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"'),
    ("SET a = :v,", {":v": 1}, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","'),
    ("SET a = a +", None, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+"'),
    ("PUT a = :v", {":v": 1}, 'Invalid UpdateExpression: Syntax error; token: "PUT", near: "PUT a"'),
    (
        "SET a = :v SET b = :v",
        {":v": 1},
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ),
    (
        "SET a = :v, a.b = :v",
        {":v": 1},
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these "
        "paths; path one: [a], path two: [a, b]",
    ),
    (
        "SET a[1] = :v REMOVE a.b",
        {":v": 1},
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these "
        "paths; path one: [a, [1]], path two: [a, b]",
    ),
    (
        "SET a = a + :v",
        {":v": "x"},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
        "operand type: S",
    ),
    (
        "SET a = size(b)",
        None,
        "Invalid UpdateExpression: The function is not allowed in an update expression; function: size",
    ),
    (
        "SET a = list_append(list_append(l, :v), :v)",
        {":v": {"L": []}},
        "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; "
        "function: list_append",
    ),
    (
        "SET a = if_not_exists(a, a)",
        None,
        "Invalid UpdateExpression: The first operand must be distinct from the remaining operands for this "
        "operator or function; operator: if_not_exists, first operand: [a]",
    ),
    ("SET a = foo(b)", None, "Invalid UpdateExpression: Invalid function name; function: foo"),
    (
        "SET a = if_not_exists(:v, b)",
        {":v": 1},
        "Invalid UpdateExpression: Operator or function requires a document path; operator or "
        "function: if_not_exists",
    ),
    (
        "ADD a :v",
        {":v": "x"},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
        "operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND",
    ),
    (
        "DELETE a :v",
        {":v": 1},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, "
        "operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND",
    ),
    (
        "SET #n = :v",
        {":v": 1},
        "Invalid UpdateExpression: An expression attribute name used in the document path is not "
        "defined; attribute name: #n",
    ),
    (
        "REMOVE name",
        None,
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name",
    ),
]


@pytest.mark.parametrize(("text", "values", "message"), UPDATE_PARSE_ERRORS)
def test_update_parse_errors(text: str, values: dict[str, Any] | None, message: str) -> None:
    assert error(lambda: parse_update(text, attrs(values))) == message


def test_update_checks_key_and_reports_touched_paths() -> None:
    update = parse_update("SET a.b = :v REMOVE c", attrs({":v": 1}))
    assert update.touched_paths == [["a", "b"], ["c"]]
    update.checks_key(["pk"])
    assert error(lambda: parse_update("SET pk = :v", attrs({":v": 1})).checks_key(["pk"])) == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
        "part of the key"
    )


def test_update_number_limits() -> None:
    big = "9" * 38 + "E+88"
    assert error(lambda: apply("SET n = n + :v", {":v": {"N": big}}, {"n": {"N": big}})) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )
    assert apply("SET n = n - :v", {":v": {"N": "0.10"}}, {"n": {"N": "0.1"}})["n"] == {"N": "0"}


# -- projection ----------------------------------------------------------------------------------------
def test_projection_shapes() -> None:
    projected = parse_projection("m.b, l[2].deep, l[0], pk, m.c.d, gone", attrs()).apply(ITEM)
    assert projected == {
        "m": {"M": {"b": {"S": "z"}, "c": {"M": {"d": {"BOOL": True}}}}},
        "l": {"L": [{"N": "1"}, {"M": {"deep": {"S": "d"}}}]},
        "pk": {"S": "a"},
    }


def test_projection_errors() -> None:
    assert error(lambda: parse_projection("a, a.b", attrs())) == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of "
        "these paths; path one: [a], path two: [a, b]"
    )
    assert error(lambda: parse_projection("a,", attrs())) == (
        'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'
    )
    assert error(lambda: parse_projection("a, size", attrs())) == (
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: size"
    )


# -- key conditions ------------------------------------------------------------------------------------
def test_key_conditions() -> None:
    values = {":h": "x", ":a": "a", ":b": "b"}
    cond = parse_key_condition("pk = :h AND sk BETWEEN :a AND :b", attrs(values), "pk", "sk")
    assert cond.hash_value == {"S": "x"} and cond.range_op == "BETWEEN"
    assert cond.range_values == [{"S": "a"}, {"S": "b"}]
    only_hash = parse_key_condition("#p = :h", attrs({":h": "x"}, {"#p": "pk"}), "pk", "sk")
    assert only_hash.range_op is None and only_hash.range_values == []
    swapped = parse_key_condition(
        "begins_with(sk, :a) AND pk = :h", attrs({":h": "x", ":a": "a"}), "pk", "sk"
    )
    assert swapped.range_op == "begins_with" and swapped.range_values == [{"S": "a"}]


KEY_ERRORS = [
    ("sk = :a", "Query condition missed key schema element: pk"),
    ("pk < :h", "Query key condition not supported"),
    ("pk = :h OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
    ("pk = :h AND NOT sk = :a", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk = :h AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :h AND attribute_exists(sk)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("pk = :h AND sk IN (:a)", "Invalid operator used in KeyConditionExpression: IN"),
    ("pk = :h AND foo = :a", "Query condition missed key schema element: sk"),
    (
        "pk = :h AND begins_with(sk, :n)",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N",
    ),
    ("pk = :h AND pk = :a", "KeyConditionExpressions must only contain one condition per key"),
    ("pk = :h AND", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
]


@pytest.mark.parametrize(("text", "message"), KEY_ERRORS)
def test_key_condition_errors(text: str, message: str) -> None:
    values = attrs({":h": "x", ":a": "a", ":n": 1})
    assert error(lambda: parse_key_condition(text, values, "pk", "sk")) == message


# -- legacy --------------------------------------------------------------------------------------------
def test_legacy_expected() -> None:
    cond = from_expected({"n": {"Value": {"N": "5"}}, "gone": {"Exists": False}})
    assert cond is not None and cond.evaluate(ITEM)
    either = from_expected(
        {
            "n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "9"}]},
            "s": {"ComparisonOperator": "NOT_NULL"},
        },
        "OR",
    )
    assert either is not None and either.evaluate(ITEM)
    assert error(
        lambda: from_expected({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}})
    ) == (
        "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
        "ComparisonOperator"
    )
    assert error(
        lambda: from_filter({"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["a"]}]}})
    ) == (
        "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
        "AttributeValue type"
    )
    assert error(lambda: from_expected({"n": {"Exists": False, "Value": {"N": "1"}}})) == (
        "One or more parameter values were invalid: Value cannot be used when Exists is false for "
        "Attribute: n"
    )
    assert error(lambda: from_expected({"n": {"Exists": True}})) == (
        "One or more parameter values were invalid: Value must be provided when Exists is true for "
        "Attribute: n"
    )
    assert error(lambda: from_expected({"n": {}})) == (
        "One or more parameter values were invalid: Value must be provided when Exists is null for "
        "Attribute: n"
    )
    assert error(lambda: from_expected({"n": {"ComparisonOperator": "EQ"}})) == (
        "One or more parameter values were invalid: Value or AttributeValueList must be used with "
        "ComparisonOperator: EQ for Attribute: n"
    )
    assert error(lambda: from_expected({"n": {"AttributeValueList": [{"N": "1"}]}})) == (
        "One or more parameter values were invalid: AttributeValueList can only be used with a "
        "ComparisonOperator for Attribute: n"
    )
    between = {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "1"}]}
    assert error(lambda: from_expected({"n": between})) == (
        "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
    )
    mixed = {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "5"}, {"S": "1"}]}
    assert error(lambda: from_filter({"n": mixed})) == (
        "One or more parameter values were invalid: AttributeValues inside AttributeValueList must "
        "be of same type"
    )


def test_legacy_filter_update_keys_and_attributes_to_get() -> None:
    flt = from_filter(
        {
            "s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]},
            "n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "4"}, {"N": "5"}]},
        }
    )
    assert flt is not None and flt.evaluate(ITEM)
    update = from_attribute_updates(
        {
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "DELETE"},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "z"}]}},
            "new": {"Value": {"S": "v"}},
        }
    )
    new = update.apply(ITEM)
    assert (
        new["n"] == {"N": "7"}
        and "s" not in new
        and new["l"]["L"][-1] == {"S": "z"}
        and new["new"] == {"S": "v"}
    )
    keys = from_key_conditions(
        {
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
            "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"S": "m"}]},
        },
        "pk",
        "sk",
    )
    assert keys.range_op == ">=" and keys.hash_value == {"S": "x"}
    assert error(
        lambda: from_key_conditions(
            {"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}, "pk", None
        )
    ) == ("Attempted conditional constraint is not an indexable operation")
    assert (
        error(
            lambda: from_key_conditions(
                {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": []}}, "pk", None
            )
        )
        == "The attempted filter operation is not supported for the provided filter argument count"
    )
    assert from_attributes_to_get(["pk", "m"]).apply(ITEM) == {"pk": ITEM["pk"], "m": ITEM["m"]}


PRECEDENCE = [
    # An unknown function outranks a reserved word, which outranks an undefined placeholder.
    ("status = :nope AND foo(a)", "Invalid function name; function: foo"),
    ("#nope = :v AND status = :v", "Attribute name is a reserved keyword; reserved keyword: status"),
    ("((a = :v)) AND foo(a)", "The expression has redundant parentheses;"),
    (
        "a = :nope AND #nope = :v",
        "An expression attribute value used in expression is not defined; attribute value: :nope",
    ),
    (
        "begins_with(a, :n) AND contains(a)",
        "Incorrect number of operands for operator or function; operator or function: contains, "
        "number of operands: 1",
    ),
]


@pytest.mark.parametrize(("text", "message"), PRECEDENCE)
def test_condition_error_precedence(text: str, message: str) -> None:
    assert (
        error(lambda: parse_condition(text, attrs({":v": 1, ":n": 1})))
        == f"Invalid ConditionExpression: {message}"
    )


def test_ordered_operators_take_ordered_literals() -> None:
    assert error(lambda: parse_condition("n < :v", attrs({":v": True}))) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: <, operand type: BOOL"
    )
    assert error(
        lambda: parse_condition("n BETWEEN :a AND :b", attrs({":a": {"L": []}, ":b": {"L": []}}))
    ) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: BETWEEN, operand type: L"
    )
    assert parse_condition("t <> :v AND t = :v", attrs({":v": True})).evaluate(ITEM) is False


def test_operands_must_be_distinct_and_may_be_parenthesized() -> None:
    assert error(lambda: parse_condition("n IN (:v, n)", attrs({":v": 1}))) == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
        "for this "
        "operator or function; operator: IN, first operand: [n]"
    )
    assert error(lambda: parse_condition("a = a", attrs())) == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
        "for this "
        "operator or function; operator: =, first operand: [a]"
    )
    assert error(lambda: parse_condition("contains(l[0], l[0])", attrs())) == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
        "for this "
        "operator or function; operator: contains, first operand: [l, [0]]"
    )
    assert parse_condition("(n) = :v AND (n = (:v))", attrs({":v": 5})).evaluate(ITEM)
    assert error(lambda: parse_condition("((n)) = :v", attrs({":v": 5}))) == (
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    )
    assert error(lambda: parse_condition("if_not_exists(n, :v) = :v", attrs({":v": 5}))) == (
        "Invalid ConditionExpression: The function is not allowed in a condition expression; "
        "function: if_not_exists"
    )
    assert error(lambda: parse_condition("attribute_exists(n) = :v", attrs({":v": 5}))) == (
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
        "function: attribute_exists"
    )
    assert error(lambda: parse_condition("_n = :v", attrs({":v": 5}))) == (
        'Invalid ConditionExpression: Syntax error; token: "_n", near: "_n ="'
    )


def test_update_set_value_in_parentheses_and_precedence() -> None:
    new = parse_update("SET c = (n + :one), d = (s)", attrs({":one": 1})).apply(ITEM)
    assert new["c"] == {"N": "6"} and new["d"] == {"S": "hello"}
    # A reserved word outranks a repeated section; an undefined name outranks an overlap.
    assert error(lambda: parse_update("SET a = :v SET size = :v", attrs({":v": 1}))) == (
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size"
    )
    assert error(lambda: parse_update("SET a = :v, a = :v, #x = :v", attrs({":v": 1}))) == (
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )


KEY_SHAPES = [
    ("pk = :h AND size(sk) = :a", "KeyConditionExpressions cannot contain nested operations"),
    ("pk = :h AND sk.x = :a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    (
        "pk = :h AND sk = pk",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    ("pk = :h AND :a = :h", "Invalid condition in KeyConditionExpression: No key attribute specified"),
    (
        "pk = :h AND :a BETWEEN sk AND :h",
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute "
        "as its first operand",
    ),
    ("pk = :h AND contains(sk, :a)", "Invalid operator used in KeyConditionExpression: contains"),
    ("pk = :h AND sk = :a AND sk = :h", "KeyConditionExpressions must only contain one condition per key"),
]


@pytest.mark.parametrize(("text", "message"), KEY_SHAPES)
def test_key_condition_shapes(text: str, message: str) -> None:
    assert error(lambda: parse_key_condition(text, attrs({":h": "x", ":a": "a"}), "pk", "sk")) == message


def test_key_condition_value_first_flips_the_operator() -> None:
    cond = parse_key_condition(":h = pk AND :a < sk", attrs({":h": "x", ":a": "b"}), "pk", "sk")
    assert (cond.range_op, cond.range_values, cond.hash_value) == (">", [{"S": "b"}], {"S": "x"})


def test_expression_size_limit() -> None:
    text = "attribute_exists(" + "a" * 4078 + ")"
    parse_condition(text, attrs())
    assert error(lambda: parse_condition(text + " ", attrs())) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 4097"
    )


def test_operator_limit() -> None:
    allowed = " OR ".join(["n = :v"] * 150)  # 150 comparisons and 149 ORs
    parse_condition(allowed, attrs({":v": 1}))
    assert error(lambda: parse_condition(allowed + " OR n = :v", attrs({":v": 1}))) == (
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
    )
