"""DynamoDB's expression languages: condition and filter, update, projection and key condition
expressions, their #name/:value placeholders, and the legacy parameters they replaced.

Pure code over AttributeValue dicts; every malformed input raises the ValidationException AWS sends.
"""

from __future__ import annotations

from fogbank.services.dynamodb.expressions.attributes import ExpressionAttributes
from fogbank.services.dynamodb.expressions.condition import Condition, parse_condition
from fogbank.services.dynamodb.expressions.key_condition import KeyCondition, parse_key_condition
from fogbank.services.dynamodb.expressions.legacy import (
    from_attribute_updates,
    from_attributes_to_get,
    from_expected,
    from_filter,
    from_key_conditions,
)
from fogbank.services.dynamodb.expressions.projection import Projection, parse_projection
from fogbank.services.dynamodb.expressions.update import Update, parse_update

__all__ = [
    "ExpressionAttributes",
    "Condition",
    "Update",
    "Projection",
    "KeyCondition",
    "parse_condition",
    "parse_update",
    "parse_projection",
    "parse_key_condition",
    "from_expected",
    "from_attribute_updates",
    "from_filter",
    "from_key_conditions",
    "from_attributes_to_get",
]
