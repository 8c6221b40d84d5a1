"""The expression and legacy parameters of item operations, turned into conditions, projections, updates.

Every item operation takes either expressions (ConditionExpression, ProjectionExpression, ...) with
ExpressionAttributeNames/Values, or the legacy members (Expected, AttributesToGet, ...), never both.
`Expressions` checks that rule with AWS's messages, parses what the request has, and at the end
checks that every name and value given was used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb import expressions

__all__ = ["Expressions", "validation", "EXPRESSION_MEMBERS"]

# (expression members, legacy members) per operation, in the order AWS lists them in its messages.
EXPRESSION_MEMBERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "PutItem": (("ConditionExpression",), ("Expected", "ConditionalOperator")),
    "DeleteItem": (("ConditionExpression",), ("Expected", "ConditionalOperator")),
    "UpdateItem": (
        ("UpdateExpression", "ConditionExpression"),
        ("AttributeUpdates", "Expected", "ConditionalOperator"),
    ),
    "Query": (
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
    ),
    "Scan": (
        ("ProjectionExpression", "FilterExpression"),
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
    ),
}


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


class Expressions:
    """The expression side of one request: which style it uses, and the parsed pieces."""

    def __init__(self, operation: str, request: dict[str, Any]) -> None:
        expression_members, legacy_members = EXPRESSION_MEMBERS[operation]
        used_expressions = [m for m in expression_members if request.get(m) is not None]
        used_legacy = [m for m in legacy_members if request.get(m) is not None]
        if request.get("KeyConditionExpression") is None and "KeyConditions" in used_legacy:
            # AWS lets legacy KeyConditions go with a FilterExpression or ProjectionExpression.
            used_legacy.remove("KeyConditions")
        if used_expressions and used_legacy:
            raise validation(
                "Can not use both expression and non-expression parameters in the same request: "
                f"Non-expression parameters: {{{', '.join(used_legacy)}}} "
                f"Expression parameters: {{{', '.join(used_expressions)}}}"
            )
        names = request.get("ExpressionAttributeNames")
        values = request.get("ExpressionAttributeValues")
        if names is not None and not used_expressions:
            raise validation("ExpressionAttributeNames can only be specified when using expressions")
        # Values have no use in a ProjectionExpression: AWS names the members that take them.
        value_members = [m for m in expression_members if m != "ProjectionExpression"]
        if values is not None and value_members and all(request.get(m) is None for m in value_members):
            verb = "are" if len(value_members) > 1 else "is"
            raise validation(
                "ExpressionAttributeValues can only be specified when using expressions: "
                f"{' and '.join(value_members)} {verb} null"
            )
        self.request = request
        self.attributes = expressions.ExpressionAttributes(names, values)

    def condition(
        self, expression_member: str = "ConditionExpression", legacy_member: str = "Expected"
    ) -> Any:
        """The request's condition (ConditionExpression, FilterExpression or their legacy forms), or None."""
        text = self.request.get(expression_member)
        if text is not None:
            return expressions.parse_condition(text, self.attributes, expression_member)
        legacy = self.request.get(legacy_member)
        operator = self.request.get("ConditionalOperator")
        if legacy is not None:
            if legacy_member == "Expected":
                return expressions.from_expected(legacy, operator)
            return expressions.from_filter(legacy, operator)
        if operator is not None:
            raise validation("ConditionalOperator cannot be used without Filter or Expected")
        return None

    def _either(
        self,
        expression_member: str,
        parse: Callable[[str, Any], Any],
        legacy_member: str,
        translate: Callable[[Any], Any],
    ) -> Any:
        """The parsed expression member, else the translated legacy member, else None."""
        text = self.request.get(expression_member)
        if text is not None:
            return parse(text, self.attributes)
        legacy = self.request.get(legacy_member)
        return translate(legacy) if legacy is not None else None

    def projection(self) -> Any:
        return self._either(
            "ProjectionExpression",
            expressions.parse_projection,
            "AttributesToGet",
            expressions.from_attributes_to_get,
        )

    def update(self) -> Any:
        return self._either(
            "UpdateExpression",
            expressions.parse_update,
            "AttributeUpdates",
            expressions.from_attribute_updates,
        )

    def key_condition(self, hash_key: str, range_key: str | None) -> Any:
        condition = self._either(
            "KeyConditionExpression",
            lambda text, attributes: expressions.parse_key_condition(text, attributes, hash_key, range_key),
            "KeyConditions",
            lambda conditions: expressions.from_key_conditions(conditions, hash_key, range_key),
        )
        if condition is None:
            raise validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
                "request."
            )
        return condition

    def check_unused(self) -> None:
        self.attributes.check_unused()
