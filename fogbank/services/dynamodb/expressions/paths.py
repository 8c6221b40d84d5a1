"""Document paths over items: reading, writing and removing nested map keys and list elements, and the
overlap/conflict rule that update and projection expressions share.

A path is a list of elements: a str is a map key (the first is the top-level attribute name), an int
is a list index.
"""

from __future__ import annotations

import copy

from fogbank.services.dynamodb.expressions.messages import Problems, format_path, invalid_update_path
from fogbank.services.dynamodb.values import AttributeValue, Item

__all__ = ["get", "container", "assign", "remove", "check_distinct"]

Elements = list[str | int]

OVERLAP = "Two document paths overlap with each other; must remove or rewrite one of these paths; "
CONFLICT = "Two document paths conflict with each other; must remove or rewrite one of these paths; "


def get(item: Item, elements: Elements) -> AttributeValue | None:
    """The value at a path, or None when any step is missing or of the wrong type."""
    value: AttributeValue | None = item.get(elements[0]) if isinstance(elements[0], str) else None
    for element in elements[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            items = value.get("L")
            value = items[element] if items is not None and element < len(items) else None
        else:
            members = value.get("M")
            value = members.get(element) if members is not None else None
    return value


def container(item: Item, elements: Elements) -> AttributeValue:
    """The map or list holding the last element of a nested path, for an update to change.

    Every step before the last must exist and be of the kind the path says (a map for a name, a list
    for an index), whatever the action: else the path is invalid for update.
    """
    parent = get(item, elements[:-1])
    last = elements[-1]
    if parent is None or ("L" if isinstance(last, int) else "M") not in parent:
        raise invalid_update_path()
    return parent


def assign(item: Item, elements: Elements, value: AttributeValue) -> None:
    """Write a value in place; a list index past the end appends, as DynamoDB does."""
    if len(elements) == 1:
        item[str(elements[0])] = copy.deepcopy(value)
        return
    parent = container(item, elements)
    last = elements[-1]
    if isinstance(last, int):
        items = parent["L"]
        if last < len(items):
            items[last] = copy.deepcopy(value)
        else:
            items.append(copy.deepcopy(value))
    else:
        parent["M"][last] = copy.deepcopy(value)


def remove(item: Item, elements: Elements) -> None:
    """Remove in place; a missing attribute or index is no change, a list shifts down."""
    if len(elements) == 1:
        item.pop(str(elements[0]), None)
        return
    parent = container(item, elements)
    last = elements[-1]
    if isinstance(last, int):
        if last < len(parent["L"]):
            del parent["L"][last]
    else:
        parent["M"].pop(last, None)


def check_distinct(paths: list[Elements], problems: Problems) -> None:
    """No path may be a prefix of another (overlap) or reach one step as both key and index (conflict)."""
    for i, two in enumerate(paths):
        for one in paths[:i]:
            for a, b in zip(one, two, strict=False):
                if isinstance(a, int) != isinstance(b, int):
                    problems.add(
                        "conflict", f"{CONFLICT}path one: {format_path(one)}, path two: {format_path(two)}"
                    )
                    break
                if a != b:
                    break
            else:
                problems.add(
                    "overlap", f"{OVERLAP}path one: {format_path(one)}, path two: {format_path(two)}"
                )
                return
