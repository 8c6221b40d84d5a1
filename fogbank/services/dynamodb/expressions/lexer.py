"""Tokens of DynamoDB's expression languages.

One lexer serves conditions, updates, projections and key conditions: identifiers (a letter or
underscore, then letters, digits and underscores), #name and :value placeholders, unsigned integers
(list indexes) and punctuation. A character no token starts with becomes a one-character BAD token,
which the parser then reports as AWS does: `Syntax error; token: "<char>", near: "..."`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Token", "tokenize", "EOF_TEXT"]

EOF_TEXT = "<EOF>"

_TWO_CHAR = ("<>", "<=", ">=")
_ONE_CHAR = "=<>()[],.+-"
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Token:
    kind: str  # ID, NAME (#x), VALUE (:x), NUM, OP, BAD, EOF
    text: str
    start: int
    end: int

    def is_keyword(self, word: str) -> bool:
        return self.kind == "ID" and self.text.upper() == word

    def is_op(self, op: str) -> bool:
        return self.kind == "OP" and self.text == op


def _word_end(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WORD:
        i += 1
    return i


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, ending with one EOF token."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "#:":
            end = _word_end(text, i + 1)
            if end == i + 1:
                tokens.append(Token("BAD", ch, i, i + 1))
                i += 1
                continue
            tokens.append(Token("NAME" if ch == "#" else "VALUE", text[i:end], i, end))
            i = end
        elif ch == "_" or (ch.isascii() and ch.isalpha()):
            end = _word_end(text, i)
            tokens.append(Token("ID", text[i:end], i, end))
            i = end
        elif ch.isascii() and ch.isdigit():
            end = i
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            tokens.append(Token("NUM", text[i:end], i, end))
            i = end
        elif text[i : i + 2] in _TWO_CHAR:
            tokens.append(Token("OP", text[i : i + 2], i, i + 2))
            i += 2
        elif ch in _ONE_CHAR:
            tokens.append(Token("OP", ch, i, i + 1))
            i += 1
        else:
            tokens.append(Token("BAD", ch, i, i + 1))
            i += 1
    tokens.append(Token("EOF", EOF_TEXT, len(text), len(text)))
    return tokens
