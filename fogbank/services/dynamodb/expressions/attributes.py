"""ExpressionAttributeNames and ExpressionAttributeValues: checking, resolving, and tracking use.

One ExpressionAttributes serves every expression of a request (an UpdateItem's update and condition
share them), so unused placeholders are reported once, after all expressions have been parsed.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.expressions.ast import Path, Value
from fogbank.services.dynamodb.expressions.lexer import Token
from fogbank.services.dynamodb.expressions.messages import Problems
from fogbank.services.dynamodb.expressions.reserved import is_reserved
from fogbank.services.dynamodb.values import AttributeValue, validate_value, validation

__all__ = ["ExpressionAttributes", "MAX_PATH_DEPTH"]

MAX_PATH_DEPTH = 32
_NAME_KEY = re.compile(r"^#[A-Za-z0-9_]+$")
_VALUE_KEY = re.compile(r"^:[A-Za-z0-9_]+$")


class ExpressionAttributes:
    def __init__(self, names: dict[str, str] | None, values: dict[str, Any] | None) -> None:
        if names is not None and not names:
            raise validation("ExpressionAttributeNames must not be empty")
        for key in names or {}:
            if not _NAME_KEY.match(key):
                raise validation(f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"')
        if values is not None and not values:
            raise validation("ExpressionAttributeValues must not be empty")
        for key in values or {}:
            if not _VALUE_KEY.match(key):
                raise validation(
                    f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
                )
        checked: dict[str, AttributeValue] = {}
        for key, value in (values or {}).items():
            try:
                checked[key] = validate_value(value)
            except ServiceError as error:
                raise validation(
                    f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
                ) from None
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, AttributeValue] = checked
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def name(self, token: Token, problems: Problems, category: str = "name") -> str:
        """The attribute name one path element stands for; bare names may not be reserved words."""
        if token.kind == "NAME":
            if token.text not in self.names:
                problems.add(
                    category,
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {token.text}",
                )
                return token.text
            self.used_names.add(token.text)
            return self.names[token.text]
        if is_reserved(token.text):
            problems.add("reserved", f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
        return token.text

    def value(self, token: Token, problems: Problems, category: str = "value") -> AttributeValue | None:
        if token.text not in self.values:
            problems.add(
                category,
                "An expression attribute value used in expression is not defined; "
                f"attribute value: {token.text}",
            )
            return None
        self.used_values.add(token.text)
        return self.values[token.text]

    def resolve_path(self, path: Path, problems: Problems, category: str = "name") -> list[str | int]:
        path.elements = [
            part if isinstance(part, int) else self.name(part, problems, category) for part in path.parts
        ]
        if len(path.elements) > MAX_PATH_DEPTH:
            problems.add(
                "depth",
                f"The document path has too many nesting levels; nesting levels: {len(path.elements)}",
            )
        return path.elements

    def resolve_value(
        self, value: Value, problems: Problems, category: str = "value"
    ) -> AttributeValue | None:
        assert value.token is not None
        value.value = self.value(value.token, problems, category)
        return value.value

    def check_unused(self) -> None:
        for member, defined, used in (
            ("ExpressionAttributeNames", self.names, self.used_names),
            ("ExpressionAttributeValues", self.values, self.used_values),
        ):
            unused = [key for key in defined if key not in used]
            if unused:
                keys = ", ".join(unused)
                raise validation(f"Value provided in {member} unused in expressions: keys: {{{keys}}}")
