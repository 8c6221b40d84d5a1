"""The table of expression cases the live test runs through boto3: each case is one request and what AWS
answers to it (a condition's outcome, the item after an update, a projected item, the keys a query
returns, or the exact ValidationException message).

Every case runs against its own copy of SEED (partition key = the case id, sort key "0"), except query
cases, which read the QUERY_ITEMS partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "Err", "CASES", "SEED", "QUERY_PK", "QUERY_ITEMS"]


@dataclass(frozen=True)
class Err:
    message: str
    code: str = "ValidationException"


@dataclass(frozen=True)
class Case:
    """op: condition (PutItem with a condition), delete (DeleteItem with a condition), filter (Query and
    Scan with a filter, of the case's item), update (UpdateItem, ReturnValues ALL_NEW), get (GetItem),
    query (Query of QUERY_ITEMS), scan (Scan of the table, for its errors).
    expect: bool for condition/filter, the attributes that must be in the new item for update
    (with `absent` naming those that must not), the whole item for get, the sort keys for query."""

    op: str
    params: dict[str, Any]
    expect: Any
    absent: tuple[str, ...] = ()
    id: str = field(default="")


def av(value: Any) -> dict[str, Any]:
    """Short-hand literals: str is S, int/float is N, bool is BOOL, bytes is B, None is NULL, dicts pass."""
    if isinstance(value, dict):
        return value
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, bytes):
        return {"B": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, list):
        return {"L": [av(v) for v in value]}
    return {"S": value}


SEED: dict[str, Any] = {
    "n": av(5),
    "s": av("hello"),
    "b": av(b"\x01\x02\x03"),
    "l": av([1, "x", {"M": {"deep": av("d")}}]),
    "m": {"M": {"a": av(1), "b": av("z"), "c": {"M": {"d": av(True)}}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01"]},
    "t": av(False),
    "z": av(None),
    "e": av(""),
    "status": av("active"),
    "dash-name": av("x"),
    "a.b": av("dotted"),
    "u": av("a\U0001f600\u00e9"),
}

QUERY_PK = "q"
QUERY_ITEMS: list[dict[str, Any]] = [
    {"sk": av(sk), "n": av(i + 1), **({"tag": av("bee")} if sk.startswith("b") else {})}
    for i, sk in enumerate(["a1", "a2", "b1", "b10", "b2", "c"])
]


def _params(
    expression_member: str, text: str, values: dict[str, Any] | None, names: dict[str, str] | None
) -> dict:
    params: dict[str, Any] = {expression_member: text}
    if values is not None:
        params["ExpressionAttributeValues"] = {k: av(v) for k, v in values.items()}
    if names is not None:
        params["ExpressionAttributeNames"] = names
    return params


def cond(
    text: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None, *, expect: Any
) -> list[Case]:
    """A condition case; a true/false outcome is also checked by DeleteItem and as a FilterExpression."""
    cases = [Case("condition", _params("ConditionExpression", text, values, names), expect)]
    if isinstance(expect, bool):
        cases.append(Case("delete", _params("ConditionExpression", text, values, names), expect))
        cases.append(Case("filter", _params("FilterExpression", text, values, names), expect))
    return cases


def upd(
    text: str,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    *,
    expect: Any,
    absent: tuple[str, ...] = (),
) -> list[Case]:
    if isinstance(expect, dict):
        expect = {k: av(v) for k, v in expect.items()}
    return [Case("update", _params("UpdateExpression", text, values, names), expect, absent)]


def proj(text: str, names: dict[str, str] | None = None, *, expect: Any) -> list[Case]:
    return [Case("get", _params("ProjectionExpression", text, None, names), expect)]


def key(
    text: str,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    *,
    expect: Any,
    **extra: Any,
) -> list[Case]:
    params = _params("KeyConditionExpression", text, {":h": QUERY_PK, **(values or {})}, names)
    return [Case("query", {**params, **extra}, expect)]


def raw(op: str, params: dict[str, Any], expect: Any, absent: tuple[str, ...] = ()) -> list[Case]:
    return [Case(op, params, expect, absent)]


def _syntax(member: str, token: str, near: str) -> Err:
    return Err(f'Invalid {member}: Syntax error; token: "{token}", near: "{near}"')


def _ce(message: str) -> Err:
    return Err(f"Invalid ConditionExpression: {message}")


def _ue(message: str) -> Err:
    return Err(f"Invalid UpdateExpression: {message}")


def _ke(message: str) -> Err:
    return Err(f"Invalid KeyConditionExpression: {message}")


MISSING_ATTRIBUTE = Err("The provided expression refers to an attribute that does not exist in the item")
BAD_TYPE = Err("An operand in the update expression has an incorrect data type")
BAD_PATH = Err("The document path provided in the update expression is invalid for update")
OVERLAP = "Two document paths overlap with each other; must remove or rewrite one of these paths; "
CONFLICT = "Two document paths conflict with each other; must remove or rewrite one of these paths; "
OPERAND_TYPE = "Incorrect operand type for operator or function; "
DISTINCT = "The first operand must be distinct from the remaining operands for this operator or function; "
UNDEFINED_NAME = "An expression attribute name used in the document path is not defined; attribute name: "
UNDEFINED_VALUE = "An expression attribute value used in expression is not defined; attribute value: "
RESERVED = "Attribute name is a reserved keyword; reserved keyword: "
BIG = "9.9999999999999999999999999999999999999E+125"

CONDITIONS: list[Case] = [
    # comparisons
    *cond("n = :v", {":v": 5}, expect=True),
    *cond("n = :v", {":v": {"N": "5.000"}}, expect=True),
    *cond("n = :v", {":v": "5"}, expect=False),
    *cond("n <> :v", {":v": 6}, expect=True),
    *cond("n <> :v", {":v": 5}, expect=False),
    *cond("s <> :v", {":v": 5}, expect=True),
    *cond("gone <> :v", {":v": 6}, expect=True),
    *cond("gone = :v", {":v": 1}, expect=False),
    *cond("gone < :v", {":v": 1}, expect=False),
    *cond("n < :v", {":v": 10}, expect=True),
    *cond("n < :v", {":v": "zz"}, expect=False),
    *cond("n <= :v", {":v": 5}, expect=True),
    *cond("n > :v", {":v": 4.99}, expect=True),
    *cond("n >= :v", {":v": -5}, expect=True),
    *cond("n > :v", {":v": 5}, expect=False),
    *cond("s > :v", {":v": "hell"}, expect=True),
    *cond("s < :v", {":v": "help"}, expect=True),
    *cond("s < :v", {":v": "Z"}, expect=False),
    *cond("b < :v", {":v": b"\x02"}, expect=True),
    *cond("b > :v", {":v": b"\x01\x02"}, expect=True),
    *cond("t = :v", {":v": False}, expect=True),
    *cond("z = :v", {":v": None}, expect=True),
    *cond("e = :v", {":v": ""}, expect=True),
    *cond("ss = :v", {":v": {"SS": ["b", "a"]}}, expect=True),
    *cond("ss = :v", {":v": {"SS": ["a"]}}, expect=False),
    *cond("ns = :v", {":v": {"NS": ["2.50", "1"]}}, expect=True),
    *cond("l = :v", {":v": [1, "x", {"M": {"deep": {"S": "d"}}}]}, expect=True),
    *cond("m.c = :v", {":v": {"M": {"d": {"BOOL": True}}}}, expect=True),
    *cond("m.a = :v", {":v": 2}, expect=False),
    *cond("l[0] = :v", {":v": "1"}, expect=False),
    *cond("l[2].deep = :v", {":v": "d"}, expect=True),
    # BETWEEN and IN
    *cond("n BETWEEN :a AND :b", {":a": 1, ":b": 5}, expect=True),
    *cond("s BETWEEN :a AND :b", {":a": "a", ":b": "i"}, expect=True),
    *cond("s BETWEEN :a AND :b", {":a": "i", ":b": "z"}, expect=False),
    *cond("size(s) BETWEEN :a AND :b", {":a": 1, ":b": 10}, expect=True),
    *cond("n IN (:a, :b, :c)", {":a": 1, ":b": "5", ":c": 5}, expect=True),
    *cond("n IN (:a, :b)", {":a": 1, ":b": 2}, expect=False),
    *cond("n IN (:a)", {":a": 5}, expect=True),
    # functions
    *cond("attribute_exists(n)", expect=True),
    *cond("attribute_exists(m.c.d)", expect=True),
    *cond("attribute_exists(l[2].deep)", expect=True),
    *cond("attribute_exists(gone)", expect=False),
    *cond("attribute_exists(l[3])", expect=False),
    *cond("attribute_not_exists(gone)", expect=True),
    *cond("attribute_not_exists(l[3])", expect=True),
    *cond("attribute_not_exists(m.a.x)", expect=True),
    *cond("attribute_not_exists(n)", expect=False),
    *cond("attribute_type(ss, :t)", {":t": "SS"}, expect=True),
    *cond("attribute_type(z, :t)", {":t": "NULL"}, expect=True),
    *cond("attribute_type(m, :t)", {":t": "M"}, expect=True),
    *cond("attribute_type(l, :t)", {":t": "L"}, expect=True),
    *cond("attribute_type(t, :t)", {":t": "BOOL"}, expect=True),
    *cond("attribute_type(n, :t)", {":t": "S"}, expect=False),
    *cond("begins_with(s, :p)", {":p": "he"}, expect=True),
    *cond("begins_with(s, :p)", {":p": "lo"}, expect=False),
    *cond("begins_with(b, :p)", {":p": b"\x01"}, expect=True),
    *cond("begins_with(n, :p)", {":p": "5"}, expect=False),
    *cond("contains(s, :p)", {":p": "ell"}, expect=True),
    *cond("contains(s, :p)", {":p": "xyz"}, expect=False),
    *cond("contains(ss, :p)", {":p": "b"}, expect=True),
    *cond("contains(ns, :p)", {":p": {"N": "2.50"}}, expect=True),
    *cond("contains(bs, :p)", {":p": b"\x01"}, expect=True),
    *cond("contains(l, :p)", {":p": "x"}, expect=True),
    *cond("contains(l, :p)", {":p": 1}, expect=True),
    *cond("contains(n, :p)", {":p": 5}, expect=False),
    *cond("size(s) = :v", {":v": 5}, expect=True),
    *cond("size(b) = :v", {":v": 3}, expect=True),
    *cond("size(l) = :v", {":v": 3}, expect=True),
    *cond("size(m) = :v", {":v": 3}, expect=True),
    *cond("size(ss) = :v", {":v": 2}, expect=True),
    *cond("size(e) = :v", {":v": 0}, expect=True),
    *cond("size(l[2]) = :v", {":v": 1}, expect=True),
    *cond("size(gone) = :v", {":v": 0}, expect=False),
    *cond("size(u) = :v", {":v": 4}, expect=True),
    *cond("u > :v", {":v": "a\uffff"}, expect=True),
    # logic, precedence and placeholders
    *cond("NOT n = :v", {":v": 6}, expect=True),
    *cond("NOT attribute_exists(n)", expect=False),
    *cond("n = :a OR n = :b AND s = :b", {":a": 5, ":b": 0}, expect=True),
    *cond("(n = :a OR n = :b) AND s = :b", {":a": 5, ":b": 0}, expect=False),
    *cond("(n = :b OR n = :a) AND NOT (s = :b)", {":a": 5, ":b": 0}, expect=True),
    *cond("NOT n = :b AND n = :a", {":a": 5, ":b": 0}, expect=True),
    *cond("n = :v and s = :w or s = :v", {":v": 5, ":w": "hello"}, expect=True),
    *cond("(n = :v)", {":v": 5}, expect=True),
    *cond("#st = :v", {":v": "active"}, {"#st": "status"}, expect=True),
    *cond("#d = :v", {":v": "x"}, {"#d": "dash-name"}, expect=True),
    *cond("#ab = :v", {":v": "dotted"}, {"#ab": "a.b"}, expect=True),
    *cond("m.#k = :v", {":v": "z"}, {"#k": "b"}, expect=True),
    *cond("#m.#k = :v AND #m.a = :w", {":v": "z", ":w": 1}, {"#m": "m", "#k": "b"}, expect=True),
    # errors
    *cond("", expect=_ce("The expression can not be empty;")),
    *cond("n = = :v", {":v": 1}, expect=_syntax("ConditionExpression", "=", "= = :v")),
    *cond("n =", expect=_syntax("ConditionExpression", "<EOF>", "=")),
    *cond("n b", expect=_syntax("ConditionExpression", "b", "n b")),
    *cond("attribute_exists(", expect=_syntax("ConditionExpression", "<EOF>", "(")),
    *cond("l[-1] = :v", {":v": 1}, expect=_syntax("ConditionExpression", "-", "[-1")),
    *cond("n == :v", {":v": 1}, expect=_syntax("ConditionExpression", "=", "== :v")),
    *cond("n = :v AND", {":v": 1}, expect=_syntax("ConditionExpression", "<EOF>", "AND")),
    *cond("n = :v)", {":v": 1}, expect=_syntax("ConditionExpression", ")", ":v)")),
    *cond("(n = :v", {":v": 1}, expect=_syntax("ConditionExpression", "<EOF>", ":v")),
    *cond("n IN ()", expect=_syntax("ConditionExpression", ")", "()")),
    *cond("n IN :a", {":a": 1}, expect=_syntax("ConditionExpression", ":a", "IN :a")),
    *cond("n BETWEEN :a", {":a": 1}, expect=_syntax("ConditionExpression", "<EOF>", ":a")),
    *cond("status = :v", {":v": 1}, expect=_ce(RESERVED + "status")),
    *cond("m.Data = :v", {":v": 1}, expect=_ce(RESERVED + "Data")),
    *cond("#x = :v", {":v": 1}, expect=_ce(UNDEFINED_NAME + "#x")),
    *cond("n = :w", {":v": 1}, expect=_ce(UNDEFINED_VALUE + ":w")),
    *cond(
        "n = :v",
        {":v": 5, ":w": 1},
        expect=Err("Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ),
    *cond(
        "n = :v",
        {":v": 5},
        {"#n": "n"},
        expect=Err("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"),
    ),
    *cond("foo(n)", expect=_ce("Invalid function name; function: foo")),
    *cond(
        "size(n)",
        expect=_ce("The function is not allowed to be used this way in an expression; function: size"),
    ),
    *cond(
        "begins_with(s)",
        expect=_ce(
            "Incorrect number of operands for operator or function; "
            "operator or function: begins_with, number of operands: 1"
        ),
    ),
    *cond(
        "attribute_exists(:v)",
        {":v": 1},
        expect=_ce("Operator or function requires a document path; operator or function: attribute_exists"),
    ),
    *cond(
        "attribute_type(n, :t)",
        {":t": "STRING"},
        expect=_ce(
            "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
        ),
    ),
    *cond(
        "begins_with(s, :v)",
        {":v": 1},
        expect=_ce(OPERAND_TYPE + "operator or function: begins_with, operand type: N"),
    ),
    *cond("n < :v", {":v": True}, expect=_ce(OPERAND_TYPE + "operator or function: <, operand type: BOOL")),
    *cond("(n) = :v AND (s = (:w))", {":v": 5, ":w": "hello"}, expect=True),
    *cond("n = n", expect=_ce(DISTINCT + "operator: =, first operand: [n]")),
    *cond("contains(l[0], l[0])", expect=_ce(DISTINCT + "operator: contains, first operand: [l, [0]]")),
    *cond("((n)) = :v", {":v": 5}, expect=_ce("The expression has redundant parentheses;")),
    *cond(
        "if_not_exists(n, :v) = :v",
        {":v": 5},
        expect=_ce("The function is not allowed in a condition expression; function: if_not_exists"),
    ),
    *cond(
        "attribute_exists(n) = :v",
        {":v": 5},
        expect=_ce(
            "The function is not allowed to be used this way in an expression; function: attribute_exists"
        ),
    ),
    *cond("n < :v", {":v": None}, expect=_ce(OPERAND_TYPE + "operator or function: <, operand type: NULL")),
    *cond("n BETWEEN n AND :v", {":v": 9}, expect=_ce(DISTINCT + "operator: BETWEEN, first operand: [n]")),
    *cond("#nope = :v AND status = :v", {":v": 1}, expect=_ce(RESERVED + "status")),
    *cond("_n = :v", {":v": 1}, expect=_syntax("ConditionExpression", "_n", "_n =")),
    *cond(
        "attribute_type(n, s)",
        expect=_ce(
            OPERAND_TYPE
            + "operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
        ),
    ),
    *cond(
        "size(:v) = :w",
        {":v": 1, ":w": 1},
        expect=_ce(OPERAND_TYPE + "operator or function: size, operand type: N"),
    ),
    *cond(
        "n BETWEEN :a AND :b",
        {":a": 1, ":b": "z"},
        expect=_ce(
            "The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:z}"
        ),
    ),
    *cond(
        "attribute_exists(" + "a" * 4079 + ")",
        expect=_ce("Expression size has exceeded the maximum allowed size; expression size: 4097"),
    ),
    *cond(
        "n BETWEEN :a AND :b",
        {":a": 5, ":b": 1},
        expect=_ce(
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
        ),
    ),
    *cond("((n = :v))", {":v": 1}, expect=_ce("The expression has redundant parentheses;")),
    *cond(
        "n IN (" + ", ".join(f":v{i}" for i in range(101)) + ")",
        {f":v{i}": i for i in range(101)},
        expect=_ce("The IN operator is provided with too many operands; number of operands: 101"),
    ),
    *cond("n = :v", {":v": 1}, {}, expect=Err("ExpressionAttributeNames must not be empty")),
    *cond("attribute_exists(n)", {}, expect=Err("ExpressionAttributeValues must not be empty")),
    *cond(
        "#n = :v",
        {":v": 5},
        {"n": "n", "#n": "n"},
        expect=Err('ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
    ),
    *cond(
        "contains(ss, :v)",
        {":v": {"SS": []}},
        expect=Err(
            "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
            "An string set  may not be empty for key :v"
        ),
    ),
]

UPDATES: list[Case] = [
    *upd("SET a = :v", {":v": "new"}, expect={"a": "new", "n": 5}),
    *upd("SET n = n + :one", {":one": 1}, expect={"n": 6}),
    *upd("SET n = n - :v", {":v": 0.5}, expect={"n": 4.5}),
    *upd("SET c = :one - n", {":one": 1}, expect={"c": -4}),
    *upd("SET prev = n, n = :v", {":v": 9}, expect={"prev": 5, "n": 9}),
    *upd(
        "SET n = n + :v",
        {":v": {"N": "0.0000000000000000000000000000000000001"}},
        expect={"n": {"N": "5.0000000000000000000000000000000000001"}},
    ),
    *upd(
        "SET l = list_append(l, :more)",
        {":more": ["y"]},
        expect={"l": [1, "x", {"M": {"deep": av("d")}}, "y"]},
    ),
    *upd(
        "SET l = list_append(:more, l)",
        {":more": ["y"]},
        expect={"l": ["y", 1, "x", {"M": {"deep": av("d")}}]},
    ),
    *upd("SET c = if_not_exists(c, :zero)", {":zero": 0}, expect={"c": 0}),
    *upd("SET n = if_not_exists(n, :zero)", {":zero": 0}, expect={"n": 5}),
    *upd("SET c = if_not_exists(c, :zero) + :one", {":zero": 0, ":one": 1}, expect={"c": 1}),
    *upd(
        "SET m.c.e = :v",
        {":v": "new"},
        expect={"m": {"M": {"a": av(1), "b": av("z"), "c": {"M": {"d": av(True), "e": av("new")}}}}},
    ),
    *upd("SET l[1] = :v", {":v": "new"}, expect={"l": [1, "new", {"M": {"deep": av("d")}}]}),
    *upd("SET l[10] = :v", {":v": "tail"}, expect={"l": [1, "x", {"M": {"deep": av("d")}}, "tail"]}),
    *upd("SET l[2].deep = :v", {":v": "deeper"}, expect={"l": [1, "x", {"M": {"deep": av("deeper")}}]}),
    *upd("SET #st = :v", {":v": "done"}, {"#st": "status"}, expect={"status": "done"}),
    *upd("SET a = :v, b2 = :w", {":v": "x", ":w": "y"}, expect={"a": "x", "b2": "y"}),
    *upd("SET e2 = :e", {":e": ""}, expect={"e2": ""}),
    *upd("SET a = s", expect={"a": "hello", "s": "hello"}),
    *upd("REMOVE l[0], l[2]", expect={"l": ["x"]}),
    *upd("REMOVE m.b", expect={"m": {"M": {"a": av(1), "c": {"M": {"d": av(True)}}}}}),
    *upd("REMOVE s, gone", expect={"n": 5}, absent=("s", "gone")),
    *upd("REMOVE l[7]", expect={"l": [1, "x", {"M": {"deep": av("d")}}]}),
    *upd("REMOVE m.gone, m.c.gone", expect={"m": SEED["m"]}),
    *upd(
        "SET l[9] = :a, l[7] = :b",
        {":a": "a", ":b": "b"},
        expect={"l": [1, "x", {"M": {"deep": av("d")}}, "b", "a"]},
    ),
    *upd("SET l[0] = :a REMOVE l[1]", {":a": "a"}, expect={"l": ["a", {"M": {"deep": av("d")}}]}),
    *upd("ADD n :one", {":one": 1}, expect={"n": 6}),
    *upd("ADD fresh :one", {":one": 1}, expect={"fresh": 1}),
    *upd("ADD ss :s", {":s": {"SS": ["b", "c"]}}, expect={"ss": {"SS": ["a", "b", "c"]}}),
    *upd("ADD newset :s", {":s": {"NS": ["7"]}}, expect={"newset": {"NS": ["7"]}}),
    *upd(
        "ADD m.hits :one",
        {":one": 1},
        expect={"m": {"M": {"a": av(1), "b": av("z"), "c": {"M": {"d": av(True)}}, "hits": av(1)}}},
    ),
    *upd("DELETE ns :ns", {":ns": {"NS": ["2.5"]}}, expect={"ns": {"NS": ["1"]}}),
    *upd("DELETE ss :s", {":s": {"SS": ["a", "b"]}}, expect={"n": 5}, absent=("ss",)),
    *upd("DELETE gone :s", {":s": {"SS": ["a"]}}, expect={"n": 5}, absent=("gone",)),
    *upd(
        "SET a = :v REMOVE s ADD n :one DELETE ss :d",
        {":v": "x", ":one": 1, ":d": {"SS": ["a"]}},
        expect={"a": "x", "n": 6, "ss": {"SS": ["b"]}},
        absent=("s",),
    ),
    *upd("set a = :v remove s", {":v": "x"}, expect={"a": "x"}, absent=("s",)),
    *upd("REMOVE s SET a = :v", {":v": "x"}, expect={"a": "x"}, absent=("s",)),
    # errors found when the update runs
    *upd("SET a = gone", expect=MISSING_ATTRIBUTE),
    *upd("SET n = if_not_exists(n, gone)", expect=MISSING_ATTRIBUTE),
    *upd("SET a = list_append(gone, :l)", {":l": []}, expect=MISSING_ATTRIBUTE),
    *upd("SET a = gone + :one", {":one": 1}, expect=MISSING_ATTRIBUTE),
    *upd("SET a = s + :one", {":one": 1}, expect=BAD_TYPE),
    *upd("SET a = list_append(s, :l)", {":l": []}, expect=BAD_TYPE),
    *upd("ADD s :one", {":one": 1}, expect=BAD_TYPE),
    *upd("ADD ss :n", {":n": {"NS": ["1"]}}, expect=BAD_TYPE),
    *upd("DELETE ss :n", {":n": {"NS": ["1"]}}, expect=BAD_TYPE),
    *upd("SET gone.x = :one", {":one": 1}, expect=BAD_PATH),
    *upd("SET s[0] = :one", {":one": 1}, expect=BAD_PATH),
    *upd("SET m.a.x = :one", {":one": 1}, expect=BAD_PATH),
    *upd("REMOVE gone.x", expect=BAD_PATH),
    *upd("REMOVE s[0]", expect=BAD_PATH),
    *upd("DELETE gone.x :s", {":s": {"SS": ["a"]}}, expect=BAD_PATH),
    *upd("ADD gone.x :one", {":one": 1}, expect=BAD_PATH),
    *upd(
        "SET x = :a + :b",
        {":a": {"N": BIG}, ":b": {"N": BIG}},
        expect=Err(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        ),
    ),
    # errors found before anything is read
    *upd("", expect=_ue("The expression can not be empty;")),
    *upd("SET", expect=_syntax("UpdateExpression", "<EOF>", "SET")),
    *upd("SET a = :v,", {":v": 1}, expect=_syntax("UpdateExpression", "<EOF>", ",")),
    *upd("SET a = a +", expect=_syntax("UpdateExpression", "<EOF>", "+")),
    *upd("PUT a = :v", {":v": 1}, expect=_syntax("UpdateExpression", "PUT", "PUT a")),
    *upd(
        "SET a = :v + :w + :x",
        {":v": 1, ":w": 1, ":x": 1},
        expect=_syntax("UpdateExpression", "+", ":w + :x"),
    ),
    *upd("SET a :v", {":v": 1}, expect=_syntax("UpdateExpression", ":v", "a :v")),
    *upd(
        "SET a = :v SET b = :v",
        {":v": 1},
        expect=_ue('The "SET" section can only be used once in an update expression;'),
    ),
    *upd(
        "REMOVE a REMOVE b", expect=_ue('The "REMOVE" section can only be used once in an update expression;')
    ),
    *upd("SET a = :v, a.b = :v", {":v": 1}, expect=_ue(OVERLAP + "path one: [a], path two: [a, b]")),
    *upd("SET a = :v REMOVE a", {":v": 1}, expect=_ue(OVERLAP + "path one: [a], path two: [a]")),
    *upd(
        "SET l[1] = :v REMOVE l.b", {":v": 1}, expect=_ue(CONFLICT + "path one: [l, [1]], path two: [l, b]")
    ),
    *upd(
        "SET a = a + :v", {":v": "x"}, expect=_ue(OPERAND_TYPE + "operator or function: +, operand type: S")
    ),
    *upd(
        "SET a = list_append(l, :v)",
        {":v": "x"},
        expect=_ue(OPERAND_TYPE + "operator or function: list_append, operand type: S"),
    ),
    *upd(
        "SET a = size(s)",
        expect=_ue("The function is not allowed in an update expression; function: size"),
    ),
    *upd(
        "SET a = begins_with(s, :v)",
        {":v": "h"},
        expect=_ue("The function is not allowed in an update expression; function: begins_with"),
    ),
    *upd(
        "SET a = list_append(list_append(l, :v), :v)",
        {":v": []},
        expect=_ue("The function is not allowed to be used this way in an expression; function: list_append"),
    ),
    *upd(
        "SET l = list_append(if_not_exists(l, :e), :v)",
        {":e": [], ":v": ["y"]},
        expect={"l": [1, "x", {"M": {"deep": av("d")}}, "y"]},
    ),
    *upd(
        "SET fresh = list_append(if_not_exists(fresh, :e), :v)",
        {":e": [], ":v": ["y"]},
        expect={"fresh": ["y"]},
    ),
    *upd("SET a = foo(s)", expect=_ue("Invalid function name; function: foo")),
    *upd(
        "SET a = if_not_exists(:v, s)",
        {":v": 1},
        expect=_ue("Operator or function requires a document path; operator or function: if_not_exists"),
    ),
    *upd(
        "SET a = list_append(l)",
        expect=_ue(
            "Incorrect number of operands for operator or function; operator or function: "
            "list_append, number of operands: 1"
        ),
    ),
    *upd(
        "ADD a :v",
        {":v": "x"},
        expect=_ue(OPERAND_TYPE + "operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ),
    *upd(
        "ADD a :v",
        {":v": {"M": {}}},
        expect=_ue(OPERAND_TYPE + "operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"),
    ),
    *upd(
        "DELETE a :v",
        {":v": 1},
        expect=_ue(
            OPERAND_TYPE + "operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"
        ),
    ),
    *upd(
        "DELETE a :v",
        {":v": "x"},
        expect=_ue(
            OPERAND_TYPE + "operator: DELETE, operand type: STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"
        ),
    ),
    *upd("SET #n = :v", {":v": 1}, expect=_ue(UNDEFINED_NAME + "#n")),
    *upd("SET a = :nope", expect=_ue(UNDEFINED_VALUE + ":nope")),
    *upd("REMOVE name", expect=_ue(RESERVED + "name")),
    *upd(
        "SET pk = :v",
        {":v": "other"},
        expect=Err(
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
            "is part of the key"
        ),
    ),
    *upd(
        "REMOVE sk",
        expect=Err(
            "One or more parameter values were invalid: Cannot update attribute sk. This attribute "
            "is part of the key"
        ),
    ),
]

PROJECTIONS: list[Case] = [
    *proj("n", expect={"n": av(5)}),
    *proj("n, s", expect={"n": av(5), "s": av("hello")}),
    *proj("m.b", expect={"m": {"M": {"b": av("z")}}}),
    *proj("m.c.d, m.a", expect={"m": {"M": {"a": av(1), "c": {"M": {"d": av(True)}}}}}),
    *proj("l[0]", expect={"l": av([1])}),
    *proj("l[2], l[0]", expect={"l": av([1, {"M": {"deep": av("d")}}])}),
    *proj("l[2].deep", expect={"l": av([{"M": {"deep": av("d")}}])}),
    *proj("l[1], s, l[9]", expect={"l": av(["x"]), "s": av("hello")}),
    *proj(
        "#st, #d", {"#st": "status", "#d": "dash-name"}, expect={"status": av("active"), "dash-name": av("x")}
    ),
    *proj("m.#k, gone", {"#k": "b"}, expect={"m": {"M": {"b": av("z")}}}),
    *proj("n, n", expect=Err("Invalid ProjectionExpression: " + OVERLAP + "path one: [n], path two: [n]")),
    *proj(
        "m, m.a", expect=Err("Invalid ProjectionExpression: " + OVERLAP + "path one: [m], path two: [m, a]")
    ),
    *proj(
        "l[0], l.a",
        expect=Err("Invalid ProjectionExpression: " + CONFLICT + "path one: [l, [0]], path two: [l, a]"),
    ),
    *proj("status", expect=Err("Invalid ProjectionExpression: " + RESERVED + "status")),
    *proj("n,", expect=_syntax("ProjectionExpression", "<EOF>", ",")),
    *proj("n s", expect=_syntax("ProjectionExpression", "s", "n s")),
    *proj("dash-name", expect=_syntax("ProjectionExpression", "-", "dash-name")),
    *proj("#x", expect=Err("Invalid ProjectionExpression: " + UNDEFINED_NAME + "#x")),
    *proj("", expect=Err("Invalid ProjectionExpression: The expression can not be empty;")),
]

ALL_KEYS = ["a1", "a2", "b1", "b10", "b2", "c"]
KEY_CONDITIONS: list[Case] = [
    *key("pk = :h", expect=ALL_KEYS),
    *key("pk = :h AND sk = :s", {":s": "a2"}, expect=["a2"]),
    *key("pk = :h AND sk < :s", {":s": "b"}, expect=["a1", "a2"]),
    *key("pk = :h AND sk <= :s", {":s": "b1"}, expect=["a1", "a2", "b1"]),
    *key("pk = :h AND sk > :s", {":s": "b10"}, expect=["b2", "c"]),
    *key("pk = :h AND sk >= :s", {":s": "b2"}, expect=["b2", "c"]),
    *key("pk = :h AND sk BETWEEN :a AND :b", {":a": "a2", ":b": "b10"}, expect=["a2", "b1", "b10"]),
    *key("pk = :h AND begins_with(sk, :p)", {":p": "b"}, expect=["b1", "b10", "b2"]),
    *key("sk = :s AND pk = :h", {":s": "c"}, expect=["c"]),
    *key("#p = :h AND #s > :s", {":s": "b2"}, {"#p": "pk", "#s": "sk"}, expect=["c"]),
    *key("pk = :h", expect=list(reversed(ALL_KEYS)), ScanIndexForward=False),
    *key("pk = :h", {":v": 3}, expect=["b10", "b2", "c"], FilterExpression="n > :v"),
    *key("pk = :h", expect=["b1", "b10", "b2"], FilterExpression="attribute_exists(tag)"),
    *key("pk = :h", {":v": 3}, expect=["a1", "a2"], FilterExpression="NOT attribute_exists(tag) AND n < :v"),
    *key("pk = :h", {":a": 2, ":b": 4}, expect=["a2", "b1", "b10"], FilterExpression="n BETWEEN :a AND :b"),
    *key(
        "pk = :h AND begins_with(sk, :p)",
        {":p": "b", ":v": "ee"},
        expect=["b1", "b10", "b2"],
        FilterExpression="contains(tag, :v)",
    ),
    *key(
        "pk = :h", {":v": 1}, expect=_syntax("FilterExpression", "=", "= = :v"), FilterExpression="n = = :v"
    ),
    *key(
        "pk = :h",
        {":v": 1},
        expect=Err("Invalid FilterExpression: " + RESERVED + "status"),
        FilterExpression="status = :v",
    ),
    *key(
        "pk = :h AND sk > :s",
        {":s": "b", ":v": 3},
        expect=["b1"],
        FilterExpression="n = :v",
        ProjectionExpression="sk, n",
    ),
    # errors
    *key("sk = :s", {":s": "a"}, expect=Err("Query condition missed key schema element: pk")),
    *key("pk < :h", expect=Err("Query key condition not supported")),
    *key(
        "pk = :h OR sk = :s", {":s": "a"}, expect=Err("Invalid operator used in KeyConditionExpression: OR")
    ),
    *key(
        "pk = :h AND NOT sk = :s",
        {":s": "a"},
        expect=Err("Invalid operator used in KeyConditionExpression: NOT"),
    ),
    *key(
        "pk = :h AND sk <> :s", {":s": "a"}, expect=Err("Invalid operator used in KeyConditionExpression: <>")
    ),
    *key(
        "pk = :h AND sk IN (:s)",
        {":s": "a"},
        expect=Err("Invalid operator used in KeyConditionExpression: IN"),
    ),
    *key(
        "pk = :h AND attribute_exists(sk)",
        expect=Err("Invalid operator used in KeyConditionExpression: attribute_exists"),
    ),
    *key("pk = :h AND foo = :s", {":s": "a"}, expect=Err("Query condition missed key schema element: sk")),
    *key(
        "pk = :h AND begins_with(sk, :n)",
        {":n": 1},
        expect=_ke(OPERAND_TYPE + "operator or function: begins_with, operand type: N"),
    ),
    *key(
        "pk = :h AND pk = :s",
        {":s": "a"},
        expect=Err("KeyConditionExpressions must only contain one condition per key"),
    ),
    *key("pk = :h AND", expect=_syntax("KeyConditionExpression", "<EOF>", "AND")),
    *key(
        "pk = :h AND sk BETWEEN :b AND :a",
        {":a": "a", ":b": "b"},
        expect=_ke(
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
        ),
    ),
    *key("pk = :h AND status = :s", {":s": "a"}, expect=_ke(RESERVED + "status")),
    *key("pk = :h AND sk = :missing", expect=_ke(UNDEFINED_VALUE + ":missing")),
    *key(":h = pk AND :s < sk", {":s": "b2"}, expect=["c"]),
    *key("(pk = :h) AND (sk < :s)", {":s": "a2"}, expect=["a1"]),
    *key(
        "pk = :h AND size(sk) = :n",
        {":n": 1},
        expect=Err("KeyConditionExpressions cannot contain nested operations"),
    ),
    *key(
        "pk = :h AND sk.x = :s",
        {":s": "a"},
        expect=Err("KeyConditionExpressions cannot have conditions on nested attributes"),
    ),
    *key(
        "pk = :h AND sk = pk",
        expect=Err(
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
        ),
    ),
    *key(
        "pk = :h AND :s = :h",
        {":s": "a"},
        expect=Err("Invalid condition in KeyConditionExpression: No key attribute specified"),
    ),
    *key(
        "pk = :h AND contains(sk, :s)",
        {":s": "a"},
        expect=Err("Invalid operator used in KeyConditionExpression: contains"),
    ),
    *key("begins_with(pk, :h)", expect=Err("Query key condition not supported")),
]

_EQ5 = {"ComparisonOperator": "EQ", "AttributeValueList": [av(5)]}
LEGACY: list[Case] = [
    *raw("condition", {"Expected": {"n": {"Value": av(5)}}}, True),
    *raw("condition", {"Expected": {"n": {"Value": av(6)}}}, False),
    *raw("condition", {"Expected": {"gone": {"Exists": False}}}, True),
    *raw("condition", {"Expected": {"n": {"Exists": False}}}, False),
    *raw("condition", {"Expected": {"n": {"ComparisonOperator": "GT", "AttributeValueList": [av(4)]}}}, True),
    *raw(
        "condition",
        {"Expected": {"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [av("he")]}}},
        True,
    ),
    *raw(
        "condition",
        {"Expected": {"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [av("a")]}}},
        True,
    ),
    *raw("condition", {"Expected": {"gone": {"ComparisonOperator": "NULL"}, "n": _EQ5}}, True),
    *raw(
        "condition",
        {
            "Expected": {"n": {"Value": av(0)}, "s": {"ComparisonOperator": "NOT_NULL"}},
            "ConditionalOperator": "OR",
        },
        True,
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [av(1)]}}},
        Err(
            "One or more parameter values were invalid: Invalid number of argument(s) for the "
            "BETWEEN ComparisonOperator"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["a"]}]}}},
        Err(
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
            "AttributeValue type"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": _EQ5}, "ConditionExpression": "attribute_exists(n)"},
        Err(
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"Exists": False, "Value": av(5)}}},
        Err(
            "One or more parameter values were invalid: Value cannot be used when Exists is false "
            "for Attribute: n"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"Exists": True}}},
        Err(
            "One or more parameter values were invalid: Value must be provided when Exists is true "
            "for Attribute: n"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"ComparisonOperator": "EQ"}}},
        Err(
            "One or more parameter values were invalid: Value or AttributeValueList must be used with "
            "ComparisonOperator: EQ for Attribute: n"
        ),
    ),
    *raw(
        "condition",
        {"Expected": {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [av(5), av(1)]}}},
        Err(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        ),
    ),
    *raw("update", {"AttributeUpdates": {"n": {"Action": "ADD", "Value": av(2)}}}, {"n": av(7)}),
    *raw(
        "update",
        {"AttributeUpdates": {"n": {"Action": "PUT"}}},
        Err(
            "One or more parameter values were invalid: Only DELETE action is allowed when no "
            "attribute value is specified"
        ),
    ),
    *raw(
        "update",
        {"AttributeUpdates": {"n": {"Action": "DELETE", "Value": av(1)}}},
        Err(
            "One or more parameter values were invalid: DELETE action with value is not supported "
            "for the type N"
        ),
    ),
    *raw(
        "update",
        {"AttributeUpdates": {"n": {"Action": "ADD", "Value": av("x")}}},
        Err("One or more parameter values were invalid: ADD action is not supported for the type S"),
    ),
    *raw("update", {"AttributeUpdates": {"s": {"Action": "DELETE"}}}, {"n": av(5)}, ("s",)),
    *raw("update", {"AttributeUpdates": {"a": {"Action": "PUT", "Value": av("v")}}}, {"a": av("v")}),
    *raw(
        "update",
        {"AttributeUpdates": {"ss": {"Action": "DELETE", "Value": {"SS": ["a"]}}}},
        {"ss": {"SS": ["b"]}},
    ),
    *raw("get", {"AttributesToGet": ["n", "s", "gone"]}, {"n": av(5), "s": av("hello")}),
    *raw(
        "query",
        {
            "KeyConditions": {
                "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [av(QUERY_PK)]},
                "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [av("a")]},
            }
        },
        ["a1", "a2"],
    ),
    *raw(
        "query",
        {
            "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [av(QUERY_PK)]}},
            "QueryFilter": {"n": {"ComparisonOperator": "GE", "AttributeValueList": [av(5)]}},
        },
        ["b2", "c"],
    ),
    *raw(
        "query",
        {
            "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [av(QUERY_PK)]}},
            "QueryFilter": {"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["a"]}]}},
        },
        Err(
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS "
            "AttributeValue type"
        ),
    ),
    *raw(
        "query",
        {"KeyConditions": {"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [av("a1")]}}},
        Err("Query condition missed key schema element: pk"),
    ),
    *raw(
        "query",
        {
            "KeyConditions": {
                "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [av(QUERY_PK)]},
                "sk": {"ComparisonOperator": "NOT_NULL"},
            }
        },
        Err("Attempted conditional constraint is not an indexable operation"),
    ),
]

_QUERY_PK_EQ = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [av(QUERY_PK)]}}
_VALUES = {"ExpressionAttributeValues": {":v": av(1)}}
_NAMES = {"ExpressionAttributeNames": {"#n": "n"}}
_VALUES_ONLY = "ExpressionAttributeValues can only be specified when using expressions: "
_NAMES_ONLY = Err("ExpressionAttributeNames can only be specified when using expressions")
_BOTH = "Can not use both expression and non-expression parameters in the same request: "

# Expression attribute maps without expressions, and expression members beside legacy ones.
MIXED: list[Case] = [
    *raw("condition", _VALUES, Err(_VALUES_ONLY + "ConditionExpression is null")),
    *raw("delete", _VALUES, Err(_VALUES_ONLY + "ConditionExpression is null")),
    *raw("condition", _NAMES, _NAMES_ONLY),
    *raw(
        "update",
        {"AttributeUpdates": {"a": {"Action": "PUT", "Value": av("v")}}, **_VALUES},
        Err(_VALUES_ONLY + "UpdateExpression and ConditionExpression are null"),
    ),
    *raw("update", {"AttributeUpdates": {"a": {"Action": "PUT", "Value": av("v")}}, **_NAMES}, _NAMES_ONLY),
    *raw("get", _NAMES, _NAMES_ONLY),
    *raw(
        "query",
        {"KeyConditions": _QUERY_PK_EQ, **_VALUES},
        Err(_VALUES_ONLY + "FilterExpression and KeyConditionExpression are null"),
    ),
    *raw("query", {"KeyConditions": _QUERY_PK_EQ, **_NAMES}, _NAMES_ONLY),
    *raw(  # values have no use in a projection
        "query",
        {"KeyConditions": _QUERY_PK_EQ, "ProjectionExpression": "sk", **_VALUES},
        Err(_VALUES_ONLY + "FilterExpression and KeyConditionExpression are null"),
    ),
    *raw("scan", _VALUES, Err(_VALUES_ONLY + "FilterExpression is null")),
    *raw("scan", _NAMES, _NAMES_ONLY),
    *raw(  # legacy KeyConditions go with a FilterExpression
        "query",
        {
            "KeyConditions": _QUERY_PK_EQ,
            "FilterExpression": "n >= :five",
            "ExpressionAttributeValues": {":five": av(5)},
        },
        ["b2", "c"],
    ),
    *raw(
        "query",
        {
            "KeyConditions": _QUERY_PK_EQ,
            "KeyConditionExpression": "pk = :h",
            "ExpressionAttributeValues": {":h": av(QUERY_PK)},
        },
        Err(
            _BOTH
            + "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}"
        ),
    ),
    *raw(
        "query",
        {
            "KeyConditions": _QUERY_PK_EQ,
            "QueryFilter": {"n": {"ComparisonOperator": "GE", "AttributeValueList": [av(5)]}},
            "ProjectionExpression": "sk",
            "FilterExpression": "n >= :five",
            "ExpressionAttributeValues": {":five": av(5)},
        },
        Err(
            _BOTH + "Non-expression parameters: {QueryFilter} "
            "Expression parameters: {ProjectionExpression, FilterExpression}"
        ),
    ),
    *raw(
        "scan",
        {"AttributesToGet": ["n"], "ScanFilter": {}, "FilterExpression": "n = :v", **_VALUES},
        Err(
            _BOTH + "Non-expression parameters: {AttributesToGet, ScanFilter} "
            "Expression parameters: {FilterExpression}"
        ),
    ),
]

CASES: list[Case] = [
    Case(c.op, c.params, c.expect, c.absent, id=f"{c.op}-{i:03d}")
    for i, c in enumerate(CONDITIONS + UPDATES + PROJECTIONS + KEY_CONDITIONS + LEGACY + MIXED)
]
