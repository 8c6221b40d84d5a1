"""Where each statement of a policy document sits in its text, as IAM's policy simulator reports it.

Positions are 1-based lines and columns of a statement's opening and closing brace; a document whose
Statement is a single object has one span. The text is walked with the JSON scanner itself, so the
spans are those of the document the engine parsed.
"""

from __future__ import annotations

import json

__all__ = ["Position", "statement_spans"]

Position = tuple[int, int]  # (line, column), both from 1

_decoder = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


def statement_spans(text: str) -> list[tuple[Position, Position]]:
    """The (start, end) positions of each statement, in order; empty if the text is not a policy."""
    try:
        start = _skip(text, 0)
        if text[start] != "{":
            return []
        index = start + 1
        while True:
            index = _skip(text, index)
            if text[index] == "}":
                return []
            key, index = json.decoder.scanstring(text, index + 1)
            index = _skip(text, index)
            index = _skip(text, index + 1)  # past ":"
            if key == "Statement":
                return _spans(text, index)
            _, index = _decoder.raw_decode(text, index)
            index = _skip(text, index)
            if text[index] == ",":
                index += 1
    except (ValueError, IndexError):
        return []


def _spans(text: str, index: int) -> list[tuple[Position, Position]]:
    if text[index] == "{":
        _, end = _decoder.raw_decode(text, index)
        return [(_position(text, index), _position(text, end - 1))]
    spans = []
    index = _skip(text, index + 1)  # past "["
    while text[index] != "]":
        _, end = _decoder.raw_decode(text, index)
        spans.append((_position(text, index), _position(text, end - 1)))
        index = _skip(text, end)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return spans


def _skip(text: str, index: int) -> int:
    while text[index] in _WHITESPACE:
        index += 1
    return index


def _position(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column
