"""Condition and filter expressions: checking them as DynamoDB does, and evaluating them on an item.

A comparison with a missing attribute, or between different types, is false (except <>, which is
true); only malformed expressions are errors, and those are found before any item is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.services.dynamodb.expressions import paths
from fogbank.services.dynamodb.expressions.ast import (
    And,
    Between,
    Call,
    Compare,
    FunctionCondition,
    Node,
    Not,
    Operand,
    Or,
    Path,
    Value,
)
from fogbank.services.dynamodb.expressions.attributes import ExpressionAttributes
from fogbank.services.dynamodb.expressions.functions import (
    ARITY,
    CONDITION_FUNCTIONS,
    UPDATE_FUNCTIONS,
    begins_with,
    check_function_operands,
    contains,
    operand_type,
    size_of,
)
from fogbank.services.dynamodb.expressions.messages import Problems, format_path, invalid
from fogbank.services.dynamodb.expressions.parser import Parser
from fogbank.services.dynamodb.values import AttributeValue, Item, compare, describe, equals, type_of

__all__ = [
    "Condition",
    "parse_condition",
    "parse_condition_tree",
    "evaluate_node",
    "compare_values",
    "check_length",
    "distinct",
    "MAX_EXPRESSION_BYTES",
]

MAX_EXPRESSION_BYTES = 4096
MAX_IN_OPERANDS = 100
MAX_OPERATORS = 300
# Of all the errors an expression has, DynamoDB reports one of the first category listed here.
ORDER = (
    "operators",
    "parens",
    "function_name",
    "function_use",
    "reserved",
    "placeholder",
    "operands",
    "distinct",
    "function",
    "depth",
)


@dataclass(frozen=True)
class Condition:
    node: Node

    def evaluate(self, item: Item | None) -> bool:
        return evaluate_node(self.node, item or {})


def check_length(text: str, kind: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_EXPRESSION_BYTES:
        raise invalid(kind, f"Expression size has exceeded the maximum allowed size; expression size: {size}")


def parse_condition(text: str, attrs: ExpressionAttributes, kind: str = "ConditionExpression") -> Condition:
    """Parse and check a ConditionExpression (or, with kind="FilterExpression", a FilterExpression)."""
    return Condition(parse_condition_tree(text, attrs, kind))


def parse_condition_tree(text: str, attrs: ExpressionAttributes, kind: str) -> Node:
    check_length(text, kind)
    parser = Parser(text, kind)
    node = parser.condition()
    problems = Problems(kind, ORDER)
    if parser.redundant_parentheses:
        problems.add("parens", "The expression has redundant parentheses;")
    checker = _Checker(attrs, problems)
    checker.node(node)
    if checker.operators > MAX_OPERATORS:
        problems.add(
            "operators", f"The expression contains too many operators; operator count: {checker.operators}"
        )
    problems.raise_first()
    return node


# -- checking ----------------------------------------------------------------------------------------
class _Checker:
    """Walks a condition tree: resolves placeholders and records every semantic problem."""

    def __init__(self, attrs: ExpressionAttributes, problems: Problems) -> None:
        self.attrs = attrs
        self.problems = problems
        self.operators = 0

    def node(self, node: Node) -> None:
        # Every comparison, logical operator and function call counts against the limit once.
        self.operators += 0 if isinstance(node, FunctionCondition) else 1
        if isinstance(node, (And, Or)):
            self.node(node.left)
            self.node(node.right)
        elif isinstance(node, Not):
            self.node(node.inner)
        elif isinstance(node, FunctionCondition):
            if node.call.name.text == "size":
                self._misused("size")
            self.call(node.call)
        elif isinstance(node, Compare):
            values = self.operands([node.left, node.right])
            if node.op not in ("=", "<>"):
                self.ordered(node.op, values)
            self.distinct(node.op, [node.left, node.right])
        elif isinstance(node, Between):
            values = self.operands([node.subject, node.low, node.high])
            self.ordered("BETWEEN", values)
            self.distinct("BETWEEN", [node.subject, node.low, node.high])
            check_bounds(values[1], values[2], self.problems)
        else:
            self.operands([node.subject, *node.options])
            self.distinct("IN", [node.subject, *node.options])
            if len(node.options) > MAX_IN_OPERANDS:
                self.problems.add(
                    "function",
                    "The IN operator is provided with too many operands; "
                    f"number of operands: {len(node.options)}",
                )

    def _misused(self, name: str) -> None:
        self.problems.add(
            "function_use",
            f"The function is not allowed to be used this way in an expression; function: {name}",
        )

    def operands(self, operands: list[Operand]) -> list[AttributeValue | None]:
        """Check operands of a comparison, BETWEEN, IN or function; only size() may be a function there."""
        values = []
        for operand in operands:
            if isinstance(operand, Call):
                if operand.name.text != "size":
                    self._misused(operand.name.text)
                self.call(operand)
                values.append(None)
            elif isinstance(operand, Value):
                values.append(self.attrs.resolve_value(operand, self.problems, "placeholder"))
            else:
                assert isinstance(operand, Path)  # the condition grammar has no arithmetic
                self.attrs.resolve_path(operand, self.problems, "placeholder")
                values.append(None)
        return values

    def ordered(self, operator: str, values: list[AttributeValue | None]) -> None:
        """<, <=, >, >= and BETWEEN take literals of the ordered types only: N, S and B."""
        for value in values:
            if value is not None and type_of(value) not in ("N", "S", "B"):
                self.problems.add("function", operand_type(operator, type_of(value)))

    def distinct(self, operator: str, operands: list[Operand]) -> None:
        distinct(operator, operands, self.problems)

    def call(self, call: Call) -> None:
        self.operators += 1
        name = call.name.text
        if name in UPDATE_FUNCTIONS:
            self.problems.add(
                "function_name", f"The function is not allowed in a condition expression; function: {name}"
            )
        elif name not in CONDITION_FUNCTIONS and name != "size":
            self.problems.add("function_name", f"Invalid function name; function: {name}")
        values = self.operands(call.args)
        if name not in ARITY or name in UPDATE_FUNCTIONS:
            return
        if ARITY[name] != len(call.args):
            self.problems.add(
                "operands",
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(call.args)}",
            )
            return
        self.distinct(name, call.args)
        message = check_function_operands(name, call.args, values)
        if message:
            self.problems.add("function", message)


def distinct(operator: str, operands: list[Operand], problems: Problems) -> None:
    """A document path given first may not be given again among the same operator's operands."""
    first = operands[0]
    if not isinstance(first, Path):
        return
    if any(isinstance(other, Path) and other.elements == first.elements for other in operands[1:]):
        problems.add(
            "distinct",
            "The first operand must be distinct from the remaining operands for this operator or "
            f"function; operator: {operator}, first operand: {format_path(first.elements)}",
        )


def check_bounds(low: AttributeValue | None, high: AttributeValue | None, problems: Problems) -> None:
    """BETWEEN with two literal bounds: same type, lower first."""
    if low is None or high is None:
        return
    bounds = (
        f"lower bound operand: AttributeValue: {describe(low)}, "
        f"upper bound operand: AttributeValue: {describe(high)}"
    )
    if type_of(low) != type_of(high):
        problems.add(
            "function", f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}"
        )
    elif (compare(low, high) or 0) > 0:
        problems.add(
            "function",
            f"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {bounds}",
        )


# -- evaluating --------------------------------------------------------------------------------------
def evaluate_operand(operand: Operand, item: Item) -> AttributeValue | None:
    if isinstance(operand, Path):
        return paths.get(item, operand.elements)
    if isinstance(operand, Value):
        return operand.value
    assert isinstance(operand, Call)  # only size() is an operand in a condition
    return size_of(evaluate_operand(operand.args[0], item))


def evaluate_node(node: Node, item: Item) -> bool:
    if isinstance(node, And):
        return evaluate_node(node.left, item) and evaluate_node(node.right, item)
    if isinstance(node, Or):
        return evaluate_node(node.left, item) or evaluate_node(node.right, item)
    if isinstance(node, Not):
        return not evaluate_node(node.inner, item)
    if isinstance(node, FunctionCondition):
        return _evaluate_function(node.call, item)
    if isinstance(node, Compare):
        return compare_values(node.op, evaluate_operand(node.left, item), evaluate_operand(node.right, item))
    if isinstance(node, Between):
        subject = evaluate_operand(node.subject, item)
        return compare_values(">=", subject, evaluate_operand(node.low, item)) and compare_values(
            "<=", subject, evaluate_operand(node.high, item)
        )
    subject = evaluate_operand(node.subject, item)
    return any(compare_values("=", subject, evaluate_operand(option, item)) for option in node.options)


def compare_values(op: str, left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if op in ("=", "<>"):
        same = left is not None and right is not None and equals(left, right)
        return same if op == "=" else not same
    if left is None or right is None:
        return False
    order = compare(left, right)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _evaluate_function(call: Call, item: Item) -> bool:
    name = call.name.text
    args = [evaluate_operand(arg, item) for arg in call.args]
    if name == "attribute_exists":
        return args[0] is not None
    if name == "attribute_not_exists":
        return args[0] is None
    if name == "attribute_type":
        return args[0] is not None and args[1] is not None and type_of(args[0]) == args[1]["S"]
    if name == "begins_with":
        return begins_with(args[0], args[1])
    return contains(args[0], args[1])
