"""Recursive-descent parsers for DynamoDB's condition, update and projection grammars.

    condition  := or
    or         := and (OR and)*
    and        := not (AND not)*
    not        := NOT not | primary
    primary    := '(' condition ')' | call | operand tail
    tail       := comparator operand | BETWEEN operand AND operand | IN '(' operand (',' operand)* ')'
    operand    := '(' operand ')' | path | :value | call
    call       := ID '(' operand (',' operand)* ')'
    path       := (ID | #name) ('.' (ID | #name) | '[' NUM ']')*
    update     := (SET set (',' set)* | REMOVE path (',' path)* | ADD path :value (',' ...)*
                   | DELETE path :value (',' ...)*)+
    set        := path '=' ('(' value ')' | value)
    value      := operand (('+' | '-') operand)?
    projection := path (',' path)*

Keywords are case-insensitive, function names are not; a condition's path names start with a letter.
A parenthesis opening a condition may also open an operand, "(a) = :v", so that branch backtracks.
The parser checks syntax only: DynamoDB reports a syntax error before any other, and the rest is
checked on the tree afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.expressions.ast import (
    Action,
    AddAction,
    And,
    Arith,
    Between,
    Call,
    Compare,
    DeleteAction,
    FunctionCondition,
    In,
    Node,
    Not,
    Operand,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from fogbank.services.dynamodb.expressions.lexer import Token, tokenize
from fogbank.services.dynamodb.expressions.messages import invalid, syntax_error

__all__ = ["Parser", "COMPARATORS", "CLAUSES"]

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
_CONDITION_KEYWORDS = frozenset(("AND", "OR", "NOT", "BETWEEN", "IN"))


class Parser:
    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.tokens = tokenize(text)
        self.pos = 0
        self.failed_at = 0
        # The words a path element cannot be: the grammar's own keywords (a projection has none).
        self.keywords = {"UpdateExpression": frozenset(CLAUSES), "ProjectionExpression": frozenset()}.get(
            kind, _CONDITION_KEYWORDS
        )
        # Set by "((...))" around a condition or an operand, which DynamoDB rejects after parsing.
        self.redundant_parentheses = False

    # -- token helpers -------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def error(self) -> ServiceError:
        """A syntax error at the current token; `near` spans the previous token to the next one."""
        self.failed_at = self.pos
        token = self.peek()
        start = self.tokens[self.pos - 1].start if self.pos > 0 else token.start
        following = self.tokens[min(self.pos + 1, len(self.tokens) - 1)]
        if token.kind == "EOF":
            end = len(self.text)
        else:
            end = following.end if following.kind != "EOF" else token.end
        return syntax_error(self.kind, token.text, self.text[start:end])

    def expect_op(self, op: str) -> Token:
        if not self.peek().is_op(op):
            raise self.error()
        return self.advance()

    def expect_end(self) -> None:
        if self.peek().kind != "EOF":
            raise self.error()

    def check_not_empty(self) -> None:
        if self.peek().kind == "EOF":
            raise invalid(self.kind, "The expression can not be empty;")

    def _is_call(self) -> bool:
        return self.peek().kind == "ID" and self.peek(1).is_op("(")

    # -- shared pieces -------------------------------------------------------------------------------
    def _name(self) -> Token:
        token = self.peek()
        if token.kind == "NAME":
            return self.advance()
        if token.kind != "ID" or token.text.upper() in self.keywords:
            raise self.error()
        if token.text.startswith("_") and self.kind not in ("UpdateExpression", "ProjectionExpression"):
            raise self.error()
        return self.advance()

    def path(self) -> Path:
        parts: list[Token | int] = [self._name()]
        while True:
            if self.peek().is_op("."):
                self.advance()
                parts.append(self._name())
            elif self.peek().is_op("["):
                self.advance()
                if self.peek().kind != "NUM":
                    raise self.error()
                parts.append(int(self.advance().text))
                self.expect_op("]")
            else:
                return Path(parts)

    def call(self) -> Call:
        name = self.advance()
        self.expect_op("(")
        args = [self.operand()]
        while self.peek().is_op(","):
            self.advance()
            args.append(self.operand())
        self.expect_op(")")
        return Call(name, args)

    def operand(self) -> Operand:
        if self.peek().is_op("("):
            self.advance()
            doubled = self.peek().is_op("(")
            inner = self.operand()
            self.expect_op(")")
            if doubled and self.tokens[self.pos - 2].is_op(")"):
                self.redundant_parentheses = True
            return inner
        if self.peek().kind == "VALUE":
            return Value(self.advance())
        if self._is_call():
            return self.call()
        return self.path()

    # -- conditions ----------------------------------------------------------------------------------
    def condition(self) -> Node:
        self.check_not_empty()
        node = self.or_expr()
        self.expect_end()
        return node

    def _chain(self, keyword: str, join: type[And] | type[Or], operand: Callable[[], Node]) -> Node:
        """operand (keyword operand)*, joined to the left."""
        node = operand()
        while self.peek().is_keyword(keyword):
            self.advance()
            node = join(node, operand())
        return node

    def or_expr(self) -> Node:
        return self._chain("OR", Or, self.and_expr)

    def and_expr(self) -> Node:
        return self._chain("AND", And, self.not_expr)

    def not_expr(self) -> Node:
        if self.peek().is_keyword("NOT"):
            self.advance()
            return Not(self.not_expr())
        return self.primary()

    def primary(self) -> Node:
        if self.peek().is_op("("):
            start, redundant = self.pos, self.redundant_parentheses
            try:
                return self._parenthesized()
            except ServiceError as as_condition:
                reached = self.failed_at
                self.pos, self.redundant_parentheses = start, redundant
                try:
                    return self.comparison_tail(self.operand())
                except ServiceError as as_operand:
                    raise as_condition if reached >= self.failed_at else as_operand from None
        if self._is_call():
            call = self.call()
            if not self._at_comparison():
                return FunctionCondition(call)
            return self.comparison_tail(call)
        if self.peek().kind not in ("ID", "NAME", "VALUE"):
            raise self.error()
        return self.comparison_tail(self.operand())

    def _parenthesized(self) -> Node:
        self.advance()
        start = self.pos
        node = self.or_expr()
        self.expect_op(")")
        if self.tokens[start].is_op("(") and self._closes_at(start):
            self.redundant_parentheses = True
        return node

    def _closes_at(self, start: int) -> bool:
        """Whether the '(' at `start` is closed by the token just before the current ')'."""
        depth = 0
        for i in range(start, self.pos - 1):
            token = self.tokens[i]
            if token.is_op("("):
                depth += 1
            elif token.is_op(")"):
                depth -= 1
                if depth == 0:
                    return i == self.pos - 2
        return False

    def _at_comparison(self) -> bool:
        token = self.peek()
        if token.kind == "OP" and token.text in COMPARATORS:
            return True
        return token.is_keyword("BETWEEN") or token.is_keyword("IN")

    def comparison_tail(self, left: Operand) -> Node:
        token = self.peek()
        if token.kind == "OP" and token.text in COMPARATORS:
            self.advance()
            return Compare(token.text, left, self.operand())
        if token.is_keyword("BETWEEN"):
            self.advance()
            low = self.operand()
            if not self.peek().is_keyword("AND"):
                raise self.error()
            self.advance()
            return Between(left, low, self.operand())
        if token.is_keyword("IN"):
            self.advance()
            self.expect_op("(")
            options = [self.operand()]
            while self.peek().is_op(","):
                self.advance()
                options.append(self.operand())
            self.expect_op(")")
            return In(left, options)
        raise self.error()

    # -- updates -------------------------------------------------------------------------------------
    def update(self) -> list[tuple[str, list[Action]]]:
        self.check_not_empty()
        clauses: list[tuple[str, list[Action]]] = []
        while self.peek().kind != "EOF":
            token = self.peek()
            clause = token.text.upper() if token.kind == "ID" else ""
            if clause not in CLAUSES:
                raise self.error()
            self.advance()
            actions = [self.action(clause)]
            while self.peek().is_op(","):
                self.advance()
                actions.append(self.action(clause))
            clauses.append((clause, actions))
        return clauses

    def action(self, clause: str) -> Action:
        path = self.path()
        if clause == "SET":
            self.expect_op("=")
            return SetAction(path, self.set_value())
        if clause == "REMOVE":
            return RemoveAction(path)
        if self.peek().kind != "VALUE":
            raise self.error()
        value = Value(self.advance())
        return AddAction(path, value) if clause == "ADD" else DeleteAction(path, value)

    def set_value(self) -> Operand:
        if self.peek().is_op("("):
            start = self.pos
            try:
                self.advance()
                value = self._arithmetic()
                self.expect_op(")")
                return value
            except ServiceError as wrapped:
                reached = self.failed_at
                self.pos = start
                try:
                    return self._arithmetic()
                except ServiceError as bare:
                    raise wrapped if reached >= self.failed_at else bare from None
        return self._arithmetic()

    def _arithmetic(self) -> Operand:
        left = self.operand()
        if self.peek().kind == "OP" and self.peek().text in ("+", "-"):
            op = self.advance().text
            return Arith(op, left, self.operand())
        return left

    # -- projections ---------------------------------------------------------------------------------
    def projection(self) -> list[Path]:
        self.check_not_empty()
        paths = [self.path()]
        while self.peek().is_op(","):
            self.advance()
            paths.append(self.path())
        self.expect_end()
        return paths
