"""The ValidationException messages of DynamoDB's expression languages, worded as AWS words them."""

from __future__ import annotations

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.values import validation

__all__ = [
    "invalid",
    "syntax_error",
    "format_path",
    "missing_attribute",
    "incorrect_data_type",
    "invalid_update_path",
    "Problems",
]


def invalid(kind: str, message: str) -> ServiceError:
    """`kind` is the request member that holds the expression, e.g. "ConditionExpression"."""
    return validation(f"Invalid {kind}: {message}")


def syntax_error(kind: str, token: str, near: str) -> ServiceError:
    return invalid(kind, f'Syntax error; token: "{token}", near: "{near}"')


def format_path(elements: list[str | int]) -> str:
    """A document path as AWS prints it: [a, b, [2]]."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in elements) + "]"


def missing_attribute() -> ServiceError:
    return validation("The provided expression refers to an attribute that does not exist in the item")


def incorrect_data_type() -> ServiceError:
    return validation("An operand in the update expression has an incorrect data type")


def invalid_update_path() -> ServiceError:
    return validation("The document path provided in the update expression is invalid for update")


class Problems:
    """The semantic errors of one expression, raised in DynamoDB's order of precedence.

    DynamoDB reports, of all the errors an expression has, the one of the highest-ranked kind (an
    unknown function before a reserved word before an undefined placeholder, ...), and within a kind
    the first found. `order` ranks the categories for one expression language.
    """

    def __init__(self, kind: str, order: tuple[str, ...]) -> None:
        self.kind = kind
        self.order = order
        self.found: dict[str, str] = {}

    def add(self, category: str, message: str) -> None:
        assert category in self.order, category
        self.found.setdefault(category, message)

    def raise_first(self) -> None:
        for category in self.order:
            if category in self.found:
                raise invalid(self.kind, self.found[category])
