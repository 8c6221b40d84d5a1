"""Handlebars as SES renders templates: {{var}}, {{a.b}}, {{{raw}}}, {{#if}}/{{else if}}/{{else}},
{{#unless}}, {{#each}} (with {{this}}, {{@index}}, {{@first}}, {{@last}}), {{#with}} and {{! comments }}.

A variable the data does not hold is a rendering failure (`MissingAttribute`), as SES reports it; a
block's condition may be absent (it is then false). In the HTML part {{var}} is HTML-escaped as
Handlebars escapes it; {{{var}}} never is. A template that does not parse is `TemplateSyntaxError`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MissingAttribute", "TemplateSyntaxError", "render", "check"]

_TAG = re.compile(r"\{\{\{\s*(.*?)\s*\}\}\}|\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_BLOCKS = ("if", "unless", "each", "with")
_MISSING = object()


class MissingAttribute(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class TemplateSyntaxError(Exception):
    pass


@dataclass
class _Var:
    path: str
    escape: bool


@dataclass
class _Block:
    helper: str
    path: str
    body: list[Any] = field(default_factory=list)
    otherwise: list[Any] = field(default_factory=list)
    in_else: bool = False
    chained: bool = False  # an {{else if}} branch: it closes with the block it continues

    def add(self, node: Any) -> None:
        (self.otherwise if self.in_else else self.body).append(node)


def _parse(source: str) -> list[Any]:
    root = _Block("root", "")
    stack = [root]
    position = 0
    for match in _TAG.finditer(source):
        if match.start() > position:
            stack[-1].add(source[position : match.start()])
        position = match.end()
        if match.group(1) is not None:
            stack[-1].add(_Var(match.group(1), escape=False))
            continue
        tag = match.group(2)
        if tag.startswith("!"):
            continue
        if tag.startswith("#"):
            helper, _, path = tag[1:].partition(" ")
            if helper not in _BLOCKS or not path.strip():
                raise TemplateSyntaxError(f"Unsupported block {{{{{tag}}}}}")
            block = _Block(helper, path.strip())
            stack[-1].add(block)
            stack.append(block)
        elif tag.startswith("/"):
            while len(stack) > 1 and stack[-1].chained:
                stack.pop()
            if len(stack) == 1 or stack[-1].helper != tag[1:].strip():
                raise TemplateSyntaxError(f"Unexpected closing tag {{{{{tag}}}}}")
            stack.pop()
        elif tag == "else" or tag.startswith(("else if ", "else unless ")):
            if len(stack) == 1 or stack[-1].in_else:
                raise TemplateSyntaxError(f"Unexpected {{{{{tag}}}}}")
            stack[-1].in_else = True
            helper, _, path = tag[5:].strip().partition(" ")
            if path.strip():
                branch = _Block(helper, path.strip(), chained=True)
                stack[-1].add(branch)
                stack.append(branch)
        else:
            stack[-1].add(_Var(tag, escape=True))
    if len(stack) > 1:
        raise TemplateSyntaxError(f"Block {{{{#{stack[-1].helper}}}}} is not closed")
    stack[0].add(source[position:])
    return root.body


def check(source: str) -> None:
    """Raise TemplateSyntaxError if `source` is not a template SES can render."""
    _parse(source)


def render(source: str, data: dict[str, Any], *, html_part: bool = False) -> str:
    out: list[str] = []
    _render(_parse(source), [data], {}, out, html_part)
    return "".join(out)


def _lookup(path: str, scopes: list[Any], frame: dict[str, Any]) -> Any:
    if path.startswith("@"):
        return frame.get(path, _MISSING)
    scope = scopes[-1]
    while path.startswith("../"):
        path = path[3:]
        scope = scopes[-2] if len(scopes) > 1 else scopes[0]
    if path in ("this", "."):
        return scope
    if path.startswith("this."):
        path = path[5:]
    value = scope
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truthy(value: Any) -> bool:
    return value is not _MISSING and value not in (None, False, "", 0) and value != [] and value != {}


def _render(
    nodes: list[Any], scopes: list[Any], frame: dict[str, Any], out: list[str], html_part: bool
) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Var):
            value = _lookup(node.path, scopes, frame)
            if value is _MISSING:
                raise MissingAttribute(node.path)
            text = _text(value)
            out.append(
                html.escape(text).replace("`", "&#x60;").replace("=", "&#x3D;")
                if (node.escape and html_part)
                else text
            )
        else:
            value = _lookup(node.path, scopes, frame)
            if node.helper == "each":
                items = list(value.values()) if isinstance(value, dict) else value
                if not _truthy(items) or not isinstance(items, list):
                    _render(node.otherwise, scopes, frame, out, html_part)
                    continue
                for index, item in enumerate(items):
                    inner = {"@index": index, "@first": index == 0, "@last": index == len(items) - 1}
                    _render(node.body, [*scopes, item], inner, out, html_part)
            elif node.helper == "with":
                branch = _truthy(value)
                _render(
                    node.body if branch else node.otherwise,
                    [*scopes, value] if branch else scopes,
                    frame,
                    out,
                    html_part,
                )
            else:
                branch = _truthy(value) if node.helper == "if" else not _truthy(value)
                _render(node.body if branch else node.otherwise, scopes, frame, out, html_part)
