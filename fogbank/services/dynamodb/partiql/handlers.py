"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store
from fogbank.services.dynamodb.capacity import read_units
from fogbank.services.dynamodb.item_ops import write_usage
from fogbank.services.dynamodb.items import validation
from fogbank.services.dynamodb.partiql.ast import Exists, Parsed, Select
from fogbank.services.dynamodb.partiql.executor import (
    full_key,
    returning,
    run_single,
    select,
    write_action,
)
from fogbank.services.dynamodb.partiql.parser import parse
from fogbank.services.dynamodb.tables import load
from fogbank.services.dynamodb.transactions import (
    check_one_per_item,
    consumed_capacity,
    idempotent,
    remember,
    run_actions,
)

MANDATORY_SELECT = "Select statements in a batch must specify an equality on every key attribute of a table"
# The Code of a BatchStatementError for each error a statement can meet.
_BATCH_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
}


def _parsed(statement: str, parameters: list[dict[str, Any]] | None) -> Parsed:
    parsed = parse(statement)
    if len(parameters or ()) != parsed.parameters:
        raise validation("Number of parameters in request and statement don't match.")
    return parsed


@service.handler("ExecuteStatement")
def execute_statement(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    params = request.get("Parameters") or []
    parsed = _parsed(request["Statement"], params)
    statement = parsed.statement
    if isinstance(statement, Select):
        return select(ctx, statement, params, request)
    if isinstance(statement, Exists):
        raise validation("EXISTS statements are only supported in ExecuteTransaction")
    if "NextToken" in request or "Limit" in request:
        raise validation("Limit and NextToken are only supported for SELECT statements")
    action = write_action(ctx, statement, params, False)
    run_single(ctx, action, request)
    result: dict[str, Any] = {"Items": returning(statement, action.old, action.new)}
    consumed = write_usage(action.table, action.old, action.new).report(request.get("ReturnConsumedCapacity"))
    if consumed:
        result["ConsumedCapacity"] = consumed
    return result


def _batch_entry(ctx: Context, entry: dict[str, Any], reads: bool) -> dict[str, Any]:
    params = entry.get("Parameters") or []
    statement = _parsed(entry["Statement"], params).statement
    if isinstance(statement, Select) != reads or isinstance(statement, Exists):
        raise validation("Batch statements must be all reads (SELECT) or all writes (INSERT, UPDATE, DELETE)")
    if isinstance(statement, Select):
        table = load(ctx.tx, ctx.account, ctx.region, statement.table)
        key = full_key(table, statement.where, params) if statement.index is None else None
        if key is None:
            raise validation(MANDATORY_SELECT)
        response: dict[str, Any] = {"TableName": table.name}
        found = store.get(ctx.tx, table, key)
        page = (
            select(ctx, statement, params, {"ConsistentRead": entry.get("ConsistentRead")}) if found else {}
        )
        if page.get("Items"):
            response["Item"] = page["Items"][0]
        return response
    action = write_action(ctx, statement, params, False)
    run_single(ctx, action, entry)
    return {"TableName": action.table.name}


def _is_read(entry: dict[str, Any]) -> bool:
    try:
        return isinstance(parse(entry["Statement"]).statement, Select)
    except ServiceError:
        return False


@service.handler("BatchExecuteStatement")
def batch_execute_statement(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = request["Statements"]
    reads = _is_read(entries[0])
    responses = []
    for entry in entries:
        try:
            responses.append(_batch_entry(ctx, entry, reads))
        except ServiceError as error:
            code = _BATCH_CODES.get(error.code, error.code)
            failure: dict[str, Any] = {"Code": code, "Message": error.message}
            if "Item" in error.fields:
                failure["Item"] = error.fields["Item"]
            responses.append({"Error": failure})
    return {"Responses": responses}


@service.handler("ExecuteTransaction")
def execute_transaction(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    previous = idempotent(ctx, request)
    if previous is not None:
        return previous
    statements = []
    for entry in request["TransactStatements"]:
        params = entry.get("Parameters") or []
        statements.append((_parsed(entry["Statement"], params).statement, params, entry))
    kinds = {isinstance(s, Select) for s, _, _ in statements}
    if kinds == {True}:
        return _read_transaction(ctx, statements, request)
    if len(kinds) > 1:
        raise validation("Transaction statements must be all reads (SELECT) or all writes")
    actions = [
        write_action(ctx, s, p, e.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD")
        for s, p, e in statements
    ]
    check_one_per_item([(a.table, a.key) for a in actions])
    run_actions(ctx.tx, actions, ctx.clock.now())
    result: dict[str, Any] = {}
    consumed = consumed_capacity(actions, request.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    remember(ctx, request, result)
    return result


def _read_transaction(ctx: Context, statements: list[Any], request: dict[str, Any]) -> dict[str, Any]:
    gets = []
    for statement, params, _ in statements:
        table = load(ctx.tx, ctx.account, ctx.region, statement.table)
        key = full_key(table, statement.where, params) if statement.index is None else None
        if key is None:
            raise validation(MANDATORY_SELECT)
        gets.append((table, key, statement, params))
    check_one_per_item([(table, key) for table, key, _, _ in gets])
    responses = []
    units: dict[str, float] = {}
    for table, key, statement, params in gets:
        found = store.read(ctx.tx, table, key)
        units[table.name] = units.get(table.name, 0.0) + read_units(found[1] if found else 0, True, True)
        page = select(ctx, statement, params, {"ConsistentRead": True}) if found else {}
        responses.append({"Item": page["Items"][0]} if page.get("Items") else {})
    result: dict[str, Any] = {"Responses": responses}
    if request.get("ReturnConsumedCapacity") not in (None, "NONE"):
        result["ConsumedCapacity"] = [
            {"TableName": name, "CapacityUnits": total, "ReadCapacityUnits": total}
            for name, total in units.items()
        ]
    return result
