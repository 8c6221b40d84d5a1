"""PartiQL values and conditions evaluated against an item, and the changes of UPDATE's SET and REMOVE.

A value is an AttributeValue, or None for MISSING (an absent attribute). A comparison with MISSING, or
between values of types that do not order, is false, as DynamoDB's PartiQL answers. Number literals and
arithmetic keep DynamoDB's 38-digit semantics (values.py); set literals <<...>> become SS, NS or BS by
their members.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from fogbank.services.dynamodb.expressions import paths
from fogbank.services.dynamodb.partiql.ast import (
    Between,
    Binary,
    Call,
    Collection,
    Compare,
    In,
    Is,
    Literal,
    Logical,
    Not,
    Param,
    Path,
    PathRef,
)
from fogbank.services.dynamodb.values import (
    add_numbers,
    compare,
    equals,
    subtract_numbers,
    type_of,
    validate_value,
    validation,
    value_size,
)

__all__ = ["condition", "copy_item", "lookup", "project", "remove_path", "set_path", "value"]

Item = dict[str, Any]
_SET_KINDS = {"S": "SS", "N": "NS", "B": "BS"}


def lookup(item: Item, path: Path) -> dict[str, Any] | None:
    """The value at `path` in `item`, or None."""
    return paths.get(item, [str(path[0]), *path[1:]])


def value(node: Any, item: Item, params: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Param):
        return validate_value(params[node.index])
    if isinstance(node, PathRef):
        return lookup(item, node.path)
    if isinstance(node, Collection):
        return _collection(node, item, params)
    if isinstance(node, Binary):
        left, right = value(node.left, item, params), value(node.right, item, params)
        if left is None or right is None or "N" not in left or "N" not in right:
            raise validation("Unsupported operand types for arithmetic: both operands must be numbers")
        combine = add_numbers if node.op == "+" else subtract_numbers
        return {"N": combine(left["N"], right["N"])}
    if isinstance(node, Call):
        return _function(node, item, params)
    raise validation("Statement wasn't well formed, can't be processed: a condition is not a value")


def _collection(node: Collection, item: Item, params: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if node.kind == "M":
        members = {name: value(v, item, params) for name, v in node.items}
        return {"M": {name: v for name, v in members.items() if v is not None}}
    values = [v for v in (value(e, item, params) for e in node.items) if v is not None]
    if node.kind == "L":
        return {"L": values}
    kinds = {type_of(v) for v in values}
    if len(kinds) != 1 or next(iter(kinds)) not in _SET_KINDS:
        raise validation(
            "Unsupported type passed in a set: sets hold strings, numbers or binaries of one type"
        )
    kind = next(iter(kinds))
    return validate_value({_SET_KINDS[kind]: [v[kind] for v in values]})


def _set_change(
    target: dict[str, Any] | None, change: dict[str, Any] | None, add: bool
) -> dict[str, Any] | None:
    if change is None or type_of(change) not in _SET_KINDS.values():
        raise validation("An operand in the update expression has an incorrect data type")
    kind = type_of(change)
    if target is None:
        return change if add else None
    if type_of(target) != kind:
        raise validation("An operand in the update expression has an incorrect data type")
    members = list(target[kind])
    for member in change[kind]:
        present = any(equals({kind[0]: member}, {kind[0]: m}) for m in members)
        if add and not present:
            members.append(member)
        elif not add and present:
            members = [m for m in members if not equals({kind[0]: member}, {kind[0]: m})]
    return {kind: members} if members else None


def _function(node: Call, item: Item, params: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    args = [value(a, item, params) for a in node.args]
    if node.name == "list_append" and len(args) == 2:
        if any(a is None or "L" not in a for a in args):
            raise validation("An operand in the update expression has an incorrect data type")
        return {"L": args[0]["L"] + args[1]["L"]}  # type: ignore[index]
    if node.name in ("set_add", "set_delete") and len(args) == 2:
        return _set_change(args[0], args[1], node.name == "set_add")
    if node.name == "size" and len(args) == 1:
        if args[0] is None:
            return None
        kind = type_of(args[0])
        raw = args[0][kind]
        if kind in ("S", "B"):
            return {"N": str(value_size(args[0]))}
        if kind in ("SS", "NS", "BS", "L", "M"):
            return {"N": str(len(raw))}
        return None
    if node.name in ("begins_with", "contains", "attribute_type") and len(args) == 2:
        return {"BOOL": _predicate(node.name, args[0], args[1])}
    raise validation(f"Statement wasn't well formed, can't be processed: Unsupported function {node.name}")


def _predicate(name: str, subject: dict[str, Any] | None, operand: dict[str, Any] | None) -> bool:
    if subject is None or operand is None:
        return False
    kind, raw = type_of(subject), subject[type_of(subject)]
    if name == "attribute_type":
        return "S" in operand and kind == operand["S"]
    if name == "begins_with":
        other = type_of(operand)
        if kind != other or kind not in ("S", "B"):
            return False
        return bytes(raw).startswith(bytes(operand["B"])) if kind == "B" else raw.startswith(operand["S"])
    if kind == "S":
        return "S" in operand and operand["S"] in raw
    if kind in ("SS", "NS", "BS"):
        return type_of(operand) == kind[0] and any(equals({kind[0]: m}, operand) for m in raw)
    if kind == "L":
        return any(equals(v, operand) for v in raw)
    return False


def _compare(op: str, left: dict[str, Any] | None, right: dict[str, Any] | None) -> bool:
    if left is None or right is None:
        return False
    if op == "=":
        return equals(left, right)
    if op == "<>":
        return not equals(left, right)
    order = compare(left, right)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def condition(node: Any, item: Item, params: Sequence[dict[str, Any]]) -> bool:
    """Whether `item` satisfies the WHERE condition `node` (None: no condition)."""
    if node is None:
        return True
    if isinstance(node, Logical):
        if node.op == "AND":
            return condition(node.left, item, params) and condition(node.right, item, params)
        return condition(node.left, item, params) or condition(node.right, item, params)
    if isinstance(node, Not):
        return not condition(node.operand, item, params)
    if isinstance(node, Compare):
        return _compare(node.op, value(node.left, item, params), value(node.right, item, params))
    if isinstance(node, Between):
        subject = value(node.operand, item, params)
        low, high = value(node.low, item, params), value(node.high, item, params)
        return _compare(">=", subject, low) and _compare("<=", subject, high)
    if isinstance(node, In):
        subject = value(node.operand, item, params)
        return any(_compare("=", subject, value(o, item, params)) for o in node.options)
    if isinstance(node, Is):
        subject = value(node.operand, item, params)
        holds = subject is None if node.what == "MISSING" else subject is not None and "NULL" in subject
        return holds != node.negated
    result = value(node, item, params)
    return result is not None and result.get("BOOL") is True


def project(item: Item, paths: Sequence[Path] | None) -> Item:
    """The attributes of `item` that a SELECT's projection names (None: all of them)."""
    if paths is None:
        return item
    out: Item = {}
    for path in paths:
        found = lookup(item, path)
        if found is None:
            continue
        if len(path) == 1:
            out[str(path[0])] = found
        else:
            set_path(out, path, found, create=True)
    return out


def set_path(item: Item, path: Path, new: dict[str, Any], *, create: bool = False) -> None:
    """Set the value at `path`; its parent must exist (or, with `create`, maps are made on the way)."""
    invalid = validation("The document path provided in the update expression is invalid for update")
    if len(path) == 1:
        item[str(path[0])] = new
        return
    head = str(path[0])
    if head not in item:
        if not create:
            raise invalid
        item[head] = {"L": []} if isinstance(path[1], int) else {"M": {}}
    container: dict[str, Any] = item[head]
    for part, following in zip(path[1:-1], path[2:], strict=True):
        if isinstance(part, int):
            elements = container.get("L")
            if elements is None or part >= len(elements):
                raise invalid
            container = elements[part]
        else:
            members = container.get("M")
            if members is None:
                raise invalid
            if part not in members:
                if not create:
                    raise invalid
                members[part] = {"L": []} if isinstance(following, int) else {"M": {}}
            container = members[part]
    last = path[-1]
    if isinstance(last, int):
        elements = container.get("L")
        if elements is None:
            raise invalid
        if last < len(elements):
            elements[last] = new
        else:
            elements.append(new)
    else:
        members = container.get("M")
        if members is None:
            raise invalid
        members[last] = new


def remove_path(item: Item, path: Path) -> None:
    if len(path) == 1:
        item.pop(str(path[0]), None)
        return
    parent = lookup(item, path[:-1])
    if parent is None:
        return
    last = path[-1]
    if isinstance(last, int) and "L" in parent and last < len(parent["L"]):
        del parent["L"][last]
    elif isinstance(last, str) and "M" in parent:
        parent["M"].pop(last, None)


def copy_item(item: Item) -> Item:
    return copy.deepcopy(item)
