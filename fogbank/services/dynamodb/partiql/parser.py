"""The PartiQL parser: recursive descent over the lexer's tokens into the statement tree.

statement  := select | EXISTS ( select ) | insert | update | delete
select     := SELECT (* | path {, path}) FROM table [. index] [WHERE condition]
              [ORDER BY path [ASC | DESC]]
insert     := INSERT INTO table VALUE value
update     := UPDATE table (SET path = value | REMOVE path)+ [WHERE condition] [returning]
delete     := DELETE FROM table [WHERE condition] [returning]
returning  := RETURNING (ALL | MODIFIED) (OLD | NEW) *
condition  := or;  or := and {OR and};  and := not {AND not};  not := [NOT] predicate
predicate  := ( condition ) | value (comparator value | [NOT] BETWEEN value AND value
              | IN (list) | IS [NOT] (MISSING | NULL)) | function call
value      := term {(+ | -) term};  term := literal | ? | path | call | {..} | [..] | <<..>> | ( value )
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.partiql.ast import (
    Between,
    Binary,
    Call,
    Collection,
    Compare,
    Delete,
    Exists,
    In,
    Insert,
    Is,
    Literal,
    Logical,
    Not,
    Param,
    Parsed,
    Path,
    PathRef,
    Select,
    Update,
)
from fogbank.services.dynamodb.partiql.lexer import Token, syntax_error, tokenize

__all__ = ["parse"]

_COMPARATORS = {"=", "<>", "!=", "<", "<=", ">", ">="}
_RESERVED = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE",
    "DELETE", "RETURNING", "BETWEEN", "IN", "IS", "MISSING", "NULL", "TRUE", "FALSE", "ORDER", "BY",
    "EXISTS",
}  # fmt: skip


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0
        self.parameters = 0

    # -- token helpers ----------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def unexpected(self) -> Exception:
        token = self.token
        if token.kind == "END":
            return syntax_error("Unexpected end of statement")
        if token.kind == "WORD" and token.text.upper() in _RESERVED:
            return syntax_error(f"Unexpected keyword {token.text.upper()} at position {token.position + 1}")
        return syntax_error(f"Unexpected token '{token.text}' at position {token.position + 1}")

    def accept_word(self, *words: str) -> str | None:
        if self.token.is_word(*words):
            return self.advance().text.upper()
        return None

    def expect_word(self, *words: str) -> str:
        word = self.accept_word(*words)
        if word is None:
            raise self.unexpected()
        return word

    def accept(self, punct: str) -> bool:
        if self.token.kind == "PUNCT" and self.token.text == punct:
            self.at += 1
            return True
        return False

    def expect(self, punct: str) -> None:
        if not self.accept(punct):
            raise self.unexpected()

    def identifier(self) -> str:
        token = self.token
        if token.kind == "QUOTED" or (token.kind == "WORD" and token.text.upper() not in _RESERVED):
            self.at += 1
            return token.text
        raise self.unexpected()

    # -- statements -------------------------------------------------------------------------
    def statement(self) -> Any:
        if self.accept_word("EXISTS"):
            self.expect("(")
            self.expect_word("SELECT")
            select = self.select()
            self.expect(")")
            return Exists(select)
        word = self.expect_word("SELECT", "INSERT", "UPDATE", "DELETE")
        return {"SELECT": self.select, "INSERT": self.insert, "UPDATE": self.update, "DELETE": self.delete}[
            word
        ]()

    def table(self) -> tuple[str, str | None]:
        name = self.identifier()
        index = self.identifier() if self.accept(".") else None
        return name, index

    def select(self) -> Select:
        projection: tuple[Path, ...] | None = None
        if not self.accept("*"):
            paths = [self.path()]
            while self.accept(","):
                paths.append(self.path())
            projection = tuple(paths)
        self.expect_word("FROM")
        name, index = self.table()
        where = self.condition() if self.accept_word("WHERE") else None
        descending = False
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            self.path()
            descending = self.accept_word("ASC", "DESC") == "DESC"
        return Select(name, index, projection, where, descending)

    def insert(self) -> Insert:
        self.expect_word("INTO")
        name = self.identifier()
        self.expect_word("VALUE")
        return Insert(name, self.value())

    def update(self) -> Update:
        name = self.identifier()
        sets: list[tuple[Path, Any]] = []
        removes: list[Path] = []
        while True:
            if self.accept_word("SET"):
                path = self.path()
                self.expect("=")
                sets.append((path, self.value()))
            elif self.accept_word("REMOVE"):
                removes.append(self.path())
            else:
                break
        if not sets and not removes:
            raise self.unexpected()
        where = self.condition() if self.accept_word("WHERE") else None
        return Update(name, tuple(sets), tuple(removes), where, self.returning())

    def delete(self) -> Delete:
        self.expect_word("FROM")
        name = self.identifier()
        where = self.condition() if self.accept_word("WHERE") else None
        return Delete(name, where, self.returning())

    def returning(self) -> str | None:
        if not self.accept_word("RETURNING"):
            return None
        which = self.expect_word("ALL", "MODIFIED")
        image = self.expect_word("OLD", "NEW")
        self.expect("*")
        return f"{which} {image}"

    # -- conditions -------------------------------------------------------------------------
    def condition(self) -> Any:
        left = self.conjunction()
        while self.accept_word("OR"):
            left = Logical("OR", left, self.conjunction())
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.accept_word("AND"):
            left = Logical("AND", left, self.negation())
        return left

    def negation(self) -> Any:
        if self.accept_word("NOT"):
            return Not(self.negation())
        return self.predicate()

    def predicate(self) -> Any:
        start, counted = self.at, self.parameters
        if self.accept("("):
            # A parenthesised condition, unless it turns out to be a parenthesised value.
            try:
                inner = self.condition()
                self.expect(")")
                if not isinstance(inner, PathRef | Literal | Param | Binary | Collection):
                    return inner
            except ServiceError:
                pass
            self.at, self.parameters = start, counted
        operand = self.value()
        token = self.token
        if token.kind == "PUNCT" and token.text in _COMPARATORS:
            self.advance()
            op = "<>" if token.text == "!=" else token.text
            return Compare(op, operand, self.value())
        negated = bool(self.accept_word("NOT"))
        if self.accept_word("BETWEEN"):
            low = self.value()
            self.expect_word("AND")
            node: Any = Between(operand, low, self.value())
            return Not(node) if negated else node
        if self.accept_word("IN"):
            closing = "]" if self.accept("[") else ")"
            if closing == ")":
                self.expect("(")
            options = [self.value()]
            while self.accept(","):
                options.append(self.value())
            self.expect(closing)
            node = In(operand, tuple(options))
            return Not(node) if negated else node
        if negated:
            raise self.unexpected()
        if self.accept_word("IS"):
            is_not = bool(self.accept_word("NOT"))
            return Is(operand, self.expect_word("MISSING", "NULL"), is_not)
        if isinstance(operand, Call):
            return operand
        raise self.unexpected()

    # -- values -----------------------------------------------------------------------------
    def value(self) -> Any:
        left = self.term()
        while self.token.kind == "PUNCT" and self.token.text in "+-":
            op = self.advance().text
            left = Binary(op, left, self.term())
        return left

    def term(self) -> Any:
        token = self.token
        if token.kind == "STRING":
            self.advance()
            return Literal({"S": token.text})
        if token.kind == "NUMBER" or (token.kind == "PUNCT" and token.text == "-" and self._number_next()):
            negative = self.accept("-")
            return Literal({"N": _number(("-" if negative else "") + self.advance().text)})
        if token.kind == "PARAM":
            self.advance()
            self.parameters += 1
            return Param(self.parameters - 1)
        if token.is_word("TRUE", "FALSE"):
            self.advance()
            return Literal({"BOOL": token.text.upper() == "TRUE"})
        if token.is_word("NULL"):
            self.advance()
            return Literal({"NULL": True})
        if token.is_word("MISSING"):
            self.advance()
            return Literal(None)
        if self.accept("{"):
            members: list[tuple[str, Any]] = []
            if not self.accept("}"):
                while True:
                    key = self.token
                    if key.kind not in ("STRING", "QUOTED"):
                        raise self.unexpected()
                    self.advance()
                    self.expect(":")
                    members.append((key.text, self.value()))
                    if self.accept("}"):
                        break
                    self.expect(",")
            return Collection("M", tuple(members))
        if self.accept("["):
            return Collection("L", tuple(self._items("]")))
        if self.accept("<<"):
            return Collection("SET", tuple(self._items(">>")))
        if self.accept("("):
            inner = self.value()
            self.expect(")")
            return inner
        calls = token.kind == "WORD" and self.tokens[self.at + 1].text == "("
        if calls and token.text.upper() not in _RESERVED:
            self.advance()
            self.advance()
            args = self._items(")")
            return Call(token.text.lower(), tuple(args))
        return PathRef(self.path())

    def _number_next(self) -> bool:
        return self.tokens[self.at + 1].kind == "NUMBER"

    def _items(self, closing: str) -> list[Any]:
        items: list[Any] = []
        if self.accept(closing):
            return items
        while True:
            items.append(self.value())
            if self.accept(closing):
                return items
            self.expect(",")

    def path(self) -> Path:
        parts: list[str | int] = [self.identifier()]
        while True:
            if self.accept("."):
                parts.append(self.identifier())
            elif self.accept("["):
                token = self.advance()
                if token.kind == "NUMBER" and token.text.isdigit():
                    parts.append(int(token.text))
                elif token.kind in ("STRING", "QUOTED"):
                    parts.append(token.text)
                else:
                    raise syntax_error(f"Unexpected token '{token.text}' at position {token.position + 1}")
                self.expect("]")
            else:
                return tuple(parts)


def _number(text: str) -> str:
    try:
        return str(Decimal(text))
    except InvalidOperation as exc:
        raise syntax_error(f"Invalid number {text}") from exc


def parse(text: str) -> Parsed:
    """The statement tree of `text` and how many `?` parameters it takes."""
    parser = _Parser(text)
    statement = parser.statement()
    parser.accept(";")
    if parser.token.kind != "END":
        raise parser.unexpected()
    return Parsed(statement, parser.parameters)
