"""Key and item checks shared by every item operation, with AWS's messages.

A key names exactly the table's key attributes with their declared types; a written item has its key
attributes with the declared types, index key attributes (when present) of their declared types, keys
within AWS's size limits, and fits in 400 KB.
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.tables import Table
from fogbank.services.dynamodb.values import item_size, validate_item, validate_value

__all__ = [
    "validation",
    "validate_key",
    "validate_new_item",
    "check_return_values",
    "MAX_ITEM_SIZE",
    "conditional_check_failed",
]

MAX_ITEM_SIZE = 400 * 1024
MAX_HASH_KEY = 2048
MAX_RANGE_KEY = 1024
_INVALID = "One or more parameter values were invalid: "
_NOT_VALID = "One or more parameter values are not valid. "


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _type_of(value: dict[str, Any]) -> str:
    return next(iter(value))


def validate_key(table: Table, key: dict[str, Any] | None) -> dict[str, Any]:
    """Check a Key parameter against the table's key schema; returns it with numbers normalized."""
    names = table.key_names()
    if not key or len(key) != len(names) or any(n not in key for n in names):
        raise validation("The provided key element does not match the schema")
    checked = {}
    for name in names:
        value = validate_value(key[name])
        kind = _type_of(value)
        if kind != table.attribute_types[name]:
            raise validation("The provided key element does not match the schema")
        if kind in ("S", "B") and len(value[kind]) == 0:
            label = "string" if kind == "S" else "binary"
            raise validation(
                _NOT_VALID + f"The AttributeValue for a key attribute cannot contain an empty {label} value. "
                f"Key: {name}"
            )
        checked[name] = value
    _check_key_sizes(table, checked)
    return checked


def _check_key_sizes(table: Table, item: dict[str, Any]) -> None:
    hash_value = item[table.hash_key]
    if _raw_size(hash_value) > MAX_HASH_KEY:
        raise validation(
            _INVALID + f"Size of hashkey has exceeded the maximum size limit of {MAX_HASH_KEY} bytes"
        )
    if table.range_key and _raw_size(item[table.range_key]) > MAX_RANGE_KEY:
        raise validation(
            _INVALID
            + f"Aggregated size of all range keys has exceeded the size limit of {MAX_RANGE_KEY} bytes"
        )


def _raw_size(value: dict[str, Any]) -> int:
    """Bytes a key value counts for: a string's UTF-8, a binary's bytes, a number's digits."""
    kind, raw = next(iter(value.items()))
    return len(raw.encode("utf-8")) if kind == "S" else len(raw)


def validate_new_item(
    table: Table, item: dict[str, Any], *, validated: bool = False, update: bool = False
) -> dict:
    """Check an item about to be written; returns it with numbers normalized (unless `validated`)."""
    if not validated:
        item = validate_item(item)
    types = table.attribute_types
    for name in table.key_names():
        value = item.get(name)
        if value is None:
            raise validation(_INVALID + f"Missing the key {name} in the item")
        kind = _type_of(value)
        if kind != types[name]:
            raise validation(
                _INVALID + f"Type mismatch for key {name} expected: {types[name]} actual: {kind}"
            )
        if kind in ("S", "B") and len(value[kind]) == 0:
            label = "string" if kind == "S" else "binary"
            raise validation(
                _NOT_VALID + f"The AttributeValue for a key attribute cannot contain an empty {label} value. "
                f"Key: {name}"
            )
    for index in table.indexes:
        for name in index.key_names():
            value = item.get(name)
            if value is None:
                continue
            kind = _type_of(value)
            if kind != types[name]:
                raise validation(
                    _INVALID + f"Type mismatch for Index Key {name} Expected: {types[name]} Actual: {kind} "
                    f"IndexName: {index.name}"
                )
            if kind in ("S", "B") and len(value[kind]) == 0:
                raise validation(
                    _NOT_VALID + "A value specified for a secondary index key is not supported. The "
                    "AttributeValue for a key attribute cannot contain an empty "
                    f"{'string' if kind == 'S' else 'binary'} "
                    f"value. IndexName: {index.name}, IndexKey: {name}"
                )
    _check_key_sizes(table, item)
    if item_size(item) > MAX_ITEM_SIZE:
        if update:
            raise validation("Item size to update has exceeded the maximum allowed size")
        raise validation("Item size has exceeded the maximum allowed size")
    return item


_RETURN_VALUES = {
    "PutItem": ("NONE", "ALL_OLD"),
    "DeleteItem": ("NONE", "ALL_OLD"),
    "UpdateItem": ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
}


def check_return_values(operation: str, request: dict[str, Any]) -> str:
    value = request.get("ReturnValues") or "NONE"
    allowed = _RETURN_VALUES[operation]
    if value not in ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"):
        raise validation(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
        )
    if value not in allowed:
        raise validation("Return values set to invalid value")
    return value


def conditional_check_failed(request: dict[str, Any], old: dict[str, Any] | None) -> ServiceError:
    """ConditionalCheckFailedException, carrying the old item when the request asked for it."""
    fields = {}
    if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
        fields["Item"] = old
    return ServiceError(
        "ConditionalCheckFailedException", "The conditional request failed", 400, fields=fields
    )
