"""Update expressions (SET, REMOVE, ADD, DELETE) and the legacy AttributeUpdates they share a runtime with.

Every SET value is computed from the item as it was before the update, then the actions are applied:
SET, then REMOVE (list elements from the highest index down, so indexes mean what they meant before),
then ADD and DELETE. No two actions may touch overlapping paths.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from fogbank.services.dynamodb.expressions import paths
from fogbank.services.dynamodb.expressions.ast import (
    Action,
    AddAction,
    Arith,
    DeleteAction,
    Operand,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from fogbank.services.dynamodb.expressions.attributes import ExpressionAttributes
from fogbank.services.dynamodb.expressions.condition import check_length, distinct
from fogbank.services.dynamodb.expressions.functions import (
    ARITY,
    CONDITION_FUNCTIONS,
    UPDATE_FUNCTIONS,
    check_function_operands,
)
from fogbank.services.dynamodb.expressions.messages import Problems, incorrect_data_type, missing_attribute
from fogbank.services.dynamodb.expressions.parser import Parser
from fogbank.services.dynamodb.expressions.projection import project
from fogbank.services.dynamodb.values import (
    AttributeValue,
    Item,
    add_numbers,
    equals,
    subtract_numbers,
    type_of,
    validation,
)

__all__ = ["Update", "parse_update"]

KIND = "UpdateExpression"
_SETS = ("SS", "NS", "BS")
_LONG_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "L": "LIST",
    "M": "MAP",
}


@dataclass(frozen=True)
class Update:
    actions: tuple[Action, ...]
    # Legacy AttributeUpdates ADD also appends to lists; UpdateExpression ADD does not.
    legacy: bool = False

    @property
    def touched_paths(self) -> list[list[str | int]]:
        return [list(action.path.elements) for action in self.actions]

    def checks_key(self, key_names: tuple[str, ...] | list[str]) -> None:
        for action in self.actions:
            name = action.path.elements[0]
            if name in key_names:
                raise validation(
                    f"One or more parameter values were invalid: Cannot update attribute {name}. "
                    "This attribute is part of the key"
                )

    def updated(self, item: Item) -> Item:
        """The touched parts of `item`, for ReturnValues UPDATED_OLD / UPDATED_NEW."""
        return project(item, self.touched_paths)

    def apply(self, item: Item | None) -> Item:
        original = item or {}
        new = copy.deepcopy(original)
        sets = [
            (a.path.elements, _evaluate(a.value, original)) for a in self.actions if isinstance(a, SetAction)
        ]
        # Indexes past a list's end append in index order, whatever order the expression gives them.
        for elements, value in sorted(sets, key=lambda pair: _list_order(pair[0])):
            paths.assign(new, elements, value)
        removes = [a.path.elements for a in self.actions if isinstance(a, RemoveAction)]
        for elements in sorted(removes, key=_removal_order):
            paths.remove(new, elements)
        for action in self.actions:
            if isinstance(action, AddAction):
                self._add(new, action.path.elements, action.value.value or {})
            elif isinstance(action, DeleteAction):
                _delete(new, action.path.elements, action.value.value or {})
        return new

    def _add(self, item: Item, elements: list[str | int], value: AttributeValue) -> None:
        current = paths.get(item, elements)
        kind = type_of(value)
        if current is None:
            paths.assign(item, elements, value)
        elif type_of(current) != kind:
            raise incorrect_data_type()
        elif kind == "N":
            paths.assign(item, elements, {"N": add_numbers(current["N"], value["N"])})
        elif kind in _SETS:
            merged = list(current[kind])
            for member in value[kind]:
                if not any(equals({kind[0]: m}, {kind[0]: member}) for m in merged):
                    merged.append(member)
            paths.assign(item, elements, {kind: merged})
        elif kind == "L" and self.legacy:
            paths.assign(item, elements, {"L": current["L"] + value["L"]})
        else:
            raise incorrect_data_type()


def _list_order(elements: list[str | int]) -> tuple[str, int]:
    last = elements[-1]
    return repr(elements[:-1]), last if isinstance(last, int) else 0


def _removal_order(elements: list[str | int]) -> tuple[str, int]:
    parent, index = _list_order(elements)
    return parent, -index


def _delete(item: Item, elements: list[str | int], value: AttributeValue) -> None:
    if len(elements) > 1:
        paths.container(item, elements)
    current = paths.get(item, elements)
    if current is None:
        return
    kind = type_of(value)
    if type_of(current) != kind or kind not in _SETS:
        raise incorrect_data_type()
    scalar = kind[0]
    left = [m for m in current[kind] if not any(equals({scalar: m}, {scalar: d}) for d in value[kind])]
    if left:
        paths.assign(item, elements, {kind: left})
    else:
        paths.remove(item, elements)


def _evaluate(operand: Operand, item: Item) -> AttributeValue:
    if isinstance(operand, Path):
        value = paths.get(item, operand.elements)
        if value is None:
            raise missing_attribute()
        return value
    if isinstance(operand, Value):
        assert operand.value is not None
        return operand.value
    if isinstance(operand, Arith):
        left, right = _evaluate(operand.left, item), _evaluate(operand.right, item)
        if type_of(left) != "N" or type_of(right) != "N":
            raise incorrect_data_type()
        combine = add_numbers if operand.op == "+" else subtract_numbers
        return {"N": combine(left["N"], right["N"])}
    if operand.name.text == "if_not_exists":
        path = operand.args[0]
        assert isinstance(path, Path)
        # The fallback must resolve even when the attribute exists.
        fallback = _evaluate(operand.args[1], item)
        existing = paths.get(item, path.elements)
        return existing if existing is not None else fallback
    first, second = _evaluate(operand.args[0], item), _evaluate(operand.args[1], item)
    if type_of(first) != "L" or type_of(second) != "L":
        raise incorrect_data_type()
    return {"L": first["L"] + second["L"]}


# -- parsing and checking ----------------------------------------------------------------------------
# Of all the errors an update expression has, DynamoDB reports one of the first category listed here.
ORDER = (
    "reserved",
    "function_name",
    "section",
    "name",
    "value",
    "overlap",
    "conflict",
    "operand_type",
    "distinct",
    "function",
    "depth",
)


def parse_update(text: str, attrs: ExpressionAttributes) -> Update:
    check_length(text, KIND)
    clauses = Parser(text, KIND).update()
    problems = Problems(KIND, ORDER)
    seen: set[str] = set()
    for clause, _ in clauses:
        if clause in seen:
            problems.add("section", f'The "{clause}" section can only be used once in an update expression;')
        seen.add(clause)
    actions = [action for _, group in clauses for action in group]
    for action in actions:
        attrs.resolve_path(action.path, problems)
        if isinstance(action, SetAction):
            _check_operand(action.value, attrs, problems, nested=False)
        elif isinstance(action, (AddAction, DeleteAction)):
            value = attrs.resolve_value(action.value, problems)
            if value is not None:
                _check_add_delete(action, value, problems)
    paths.check_distinct([action.path.elements for action in actions], problems)
    problems.raise_first()
    return Update(tuple(actions))


def _check_add_delete(action: AddAction | DeleteAction, value: AttributeValue, problems: Problems) -> None:
    kind = type_of(value)
    allowed = _SETS + ("N",) if isinstance(action, AddAction) else _SETS
    if kind not in allowed:
        operator = "ADD" if isinstance(action, AddAction) else "DELETE"
        problems.add(
            "operand_type",
            "Incorrect operand type for operator or function; "
            f"operator: {operator}, operand type: {_LONG_TYPE_NAMES.get(kind, kind)}, "
            f"typeSet: ALLOWED_FOR_{operator}_OPERAND",
        )


def _check_operand(
    operand: Operand, attrs: ExpressionAttributes, problems: Problems, *, nested: bool
) -> AttributeValue | None:
    """Resolve an operand of SET; returns its value when it is a literal.

    Only if_not_exists may be nested, in another function or in + and -.
    """
    if isinstance(operand, Path):
        attrs.resolve_path(operand, problems)
        return None
    if isinstance(operand, Value):
        return attrs.resolve_value(operand, problems)
    if isinstance(operand, Arith):
        sides = [operand.left, operand.right]
        values = [_check_operand(side, attrs, problems, nested=True) for side in sides]
        message = check_function_operands(operand.op, sides, values)
        if message:
            problems.add("function", message)
        return None
    name = operand.name.text
    if name in CONDITION_FUNCTIONS or name == "size":
        problems.add(
            "function_name", f"The function is not allowed in an update expression; function: {name}"
        )
    elif name not in UPDATE_FUNCTIONS:
        problems.add("function_name", f"Invalid function name; function: {name}")
    elif nested and name != "if_not_exists":
        problems.add(
            "function_name",
            f"The function is not allowed to be used this way in an expression; function: {name}",
        )
    values = [_check_operand(arg, attrs, problems, nested=True) for arg in operand.args]
    if name not in UPDATE_FUNCTIONS:
        return None
    if ARITY[name] != len(operand.args):
        problems.add(
            "function",
            "Incorrect number of operands for operator or function; "
            f"operator or function: {name}, number of operands: {len(operand.args)}",
        )
        return None
    if name == "if_not_exists":
        distinct(name, operand.args, problems)
    message = check_function_operands(name, operand.args, values)
    if message:
        problems.add("function", message)
    return None
