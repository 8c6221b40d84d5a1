"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}`, `${*}` `${?}` `${$}`.

A string from a policy is split once, at parse time, into tokens: literal text, the two wildcards
(when the string is a pattern) and variables. Matching later renders the tokens against one request.
AWS substitutes variables only in documents of Version 2012-10-17; elsewhere `${…}` is plain text.

A variable whose key has no single value in the request renders nothing unless it has a default, and
then the string it is in matches nothing: AWS leaves such an element unmatched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "STAR",
    "ONE",
    "Wildcard",
    "Variable",
    "Token",
    "Resolve",
    "tokenize",
    "has_variables",
    "render",
    "as_text",
]


class Wildcard(str):
    """A wildcard of a pattern; a str subclass only so that tokens stay one flat tuple of strings."""

    __slots__ = ()


STAR = Wildcard("*")
ONE = Wildcard("?")


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # lower-cased: request keys are matched case-insensitively
    default: str | None


Token = str | Variable
# Looks up a lower-cased key for one request: its value as text, or None when it has no single value.
Resolve = Callable[[str], str | None]

_SPECIALS = {"*": "*", "?": "?", "$": "$"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")


def tokenize(text: str, *, substitute: bool, wildcards: bool) -> tuple[Token, ...]:
    """Split `text` into literal strings, STAR/ONE (when `wildcards`) and Variables (when `substitute`)."""
    tokens: list[Token] = []
    position = 0
    if substitute:
        for found in _VARIABLE.finditer(text):
            _literal(text[position : found.start()], wildcards, tokens)
            inner = found.group(1)
            if inner in _SPECIALS:
                tokens.append(_SPECIALS[inner])
            else:
                default = _DEFAULT.match(inner)
                if default:
                    tokens.append(Variable(default.group(1).lower(), default.group(2)))
                else:
                    tokens.append(Variable(inner.strip().lower(), None))
            position = found.end()
    _literal(text[position:], wildcards, tokens)
    return tuple(tokens)


def _literal(text: str, wildcards: bool, tokens: list[Token]) -> None:
    if not wildcards:
        if text:
            tokens.append(text)
        return
    start = 0
    for index, char in enumerate(text):
        if char in "*?":
            if index > start:
                tokens.append(text[start:index])
            tokens.append(STAR if char == "*" else ONE)
            start = index + 1
    if start < len(text):
        tokens.append(text[start:])


def has_variables(tokens: tuple[Token, ...]) -> bool:
    return any(isinstance(token, Variable) for token in tokens)


def render(tokens: tuple[Token, ...], resolve: Resolve) -> str | None:
    """The tokens as one string for a request (wildcards as their characters); None if a variable is unset."""
    parts: list[str] = []
    for token in tokens:
        if isinstance(token, Variable):
            value = resolve(token.key)
            if value is None:
                value = token.default
            if value is None:
                return None
            parts.append(value)
        else:
            parts.append(token)
    return "".join(parts)


def as_text(value: object) -> str | None:
    """A request context value as policy text; None for values that are not one scalar."""
    if value is None or isinstance(value, list | tuple | set | frozenset | dict):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
