"""PartiQL tokens: the lexer of DynamoDB's PartiQL dialect.

Tokens are keywords and bare identifiers (WORD), "quoted identifiers" (QUOTED), 'strings' (STRING, with
'' for a quote), numbers (NUMBER), `?` parameters (PARAM) and punctuation (PUNCT: the longest match of
<<, >>, <=, >=, <>, !=, and single characters). A character that starts no token is a syntax error, as
is an unterminated string or identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.errors import ServiceError

__all__ = ["Token", "syntax_error", "tokenize"]

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*)
    | (?P<NUMBER>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<WORD>[A-Za-z_][A-Za-z0-9_$]*)
    | (?P<QUOTED>"(?:[^"]|"")*")
    | (?P<STRING>'(?:[^']|'')*')
    | (?P<PARAM>\?)
    | (?P<PUNCT><<|>>|<=|>=|<>|!=|[=<>(),.\[\]{}:*+\-/|])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # WORD, QUOTED, STRING, NUMBER, PARAM, PUNCT, END
    text: str  # the token's value: a word as written, an identifier or string unquoted
    position: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "WORD" and self.text.upper() in words


def syntax_error(detail: str) -> ServiceError:
    message = f"Statement wasn't well formed, can't be processed: {detail}"
    return ServiceError("ValidationException", message, 400)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position] in "'\"":
                raise syntax_error(f"unterminated quoted text at {position + 1}")
            raise syntax_error(f"Unexpected character '{text[position]}' at {position + 1}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "QUOTED":
            value = value[1:-1].replace('""', '"')
        elif kind == "STRING":
            value = value[1:-1].replace("''", "'")
        if kind != "space":
            tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("END", "", len(text)))
    return tokens
