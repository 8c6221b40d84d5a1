"""DynamoDB's fine-grained access control: what each data-plane operation needs authorized.

AWS authorizes a DynamoDB request against the table (or index) it reads or writes, with condition keys
taken from the request and the table's key schema ("Using IAM policy conditions for fine-grained access
control"):

- dynamodb:LeadingKeys: the partition key value an item request touches (GetItem/PutItem/UpdateItem/
  DeleteItem's key, Query's hash key value: of the index when the query names one);
- dynamodb:Attributes: the attribute names a request reads or writes (a projection's top-level names or
  AttributesToGet, PutItem's item, the top-level names an update sets or removes);
- dynamodb:Select: the request's Select, else what it implies: SPECIFIC_ATTRIBUTES with a projection,
  otherwise everything (ALL_PROJECTED_ATTRIBUTES on an index), so a policy limiting attributes refuses a
  read without a projection;
- dynamodb:ReturnValues and dynamodb:ReturnConsumedCapacity as sent;
- dynamodb:EnclosingOperation: TransactGetItems / TransactWriteItems for the actions of a transaction.

Batches and transactions are judged item by item, as AWS does: BatchGetItem and BatchWriteItem need
their own action on each table once per key or write request (each with its own LeadingKeys), and a
transaction's items need dynamodb:GetItem, PutItem, UpdateItem, DeleteItem or ConditionCheckItem on their
tables. Query and Scan on an index need the action on the index ARN (`table/T/index/I`). DynamoDB
Streams' DescribeStream and GetShardIterator need their action on the stream ARN they name, GetRecords on
the stream its shard iterator reads.

A request whose table is missing or whose expressions are malformed still gets its requirements (without
the keys that need them): its handler answers with AWS's error.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy.actions import Requirement, derived_requirements
from fogbank.services.dynamodb import service, tables
from fogbank.services.dynamodb.expressions import (
    ExpressionAttributes,
    from_key_conditions,
    parse_key_condition,
    parse_projection,
    parse_update,
)
from fogbank.services.dynamodbstreams import service as streams_service

__all__ = ["table_arn"]

_PREFIX = "dynamodb:"
_ALL = "ALL_ATTRIBUTES"
_SPECIFIC = "SPECIFIC_ATTRIBUTES"


def table_arn(ctx: Context, name_or_arn: str) -> str:
    """The ARN of the table a TableName parameter (a name or an ARN) names."""
    account, region, name = tables.parse_arn(name_or_arn, ctx.account, ctx.region)
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


class _Target:
    """The table a request (or one item of a batch) acts on: its ARN, and its schema when it exists.

    `unjudged`: no policy will read the request's condition keys, so they are not worked out. That is
    the case of the account's root on its own table when the table has no resource-based policy: root
    has no identity policies, and only a resource's policy can refuse it.
    """

    def __init__(self, ctx: Context, name_or_arn: str) -> None:
        self.arn = table_arn(ctx, name_or_arn)
        assert ctx.tx is not None
        found = tables.authorizing_or_none(ctx.tx, ctx.account, ctx.region, name_or_arn)
        self.table = found.table
        owner = self.arn.split(":")[4]
        self.account = owner if owner != ctx.account else None
        root = ctx.principal is not None and ctx.principal.kind == "root"
        self.unjudged = root and self.account is None and found.policy is None

    def need(self, action: str, context: dict[str, object], resource: str | None = None) -> Requirement:
        return Requirement(_PREFIX + action, resource or self.arn, context, self.account)

    def leading_key(self, key: Any) -> list[str] | None:
        """The partition key value of an item's key (or whole item), as policies compare it."""
        if self.table is None or not isinstance(key, dict):
            return None
        value = _text(key.get(self.table.hash_key))
        return [value] if value is not None else None


def _text(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("S"), str):
        return value["S"]
    if isinstance(value.get("N"), str):
        return value["N"]
    if isinstance(value.get("B"), bytes):
        return base64.b64encode(value["B"]).decode()
    return None


def _attributes(params: dict[str, Any]) -> ExpressionAttributes | None:
    try:
        return ExpressionAttributes(
            params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
        )
    except ServiceError:
        return None


def _projected(params: dict[str, Any]) -> list[str] | None:
    """The top-level attribute names a read's projection names; None when it projects nothing."""
    if isinstance(params.get("AttributesToGet"), list):
        return [str(name) for name in params["AttributesToGet"]]
    text = params.get("ProjectionExpression")
    if not isinstance(text, str):
        return None
    attrs = _attributes(params)
    if attrs is None:
        return None
    try:
        return parse_projection(text, attrs).top_level_names
    except ServiceError:
        return None


def _updated(params: dict[str, Any]) -> list[str]:
    """The top-level attribute names an UpdateItem sets, removes, adds to or deletes from."""
    if isinstance(params.get("AttributeUpdates"), dict):
        return list(params["AttributeUpdates"])
    text = params.get("UpdateExpression")
    attrs = _attributes(params)
    if not isinstance(text, str) or attrs is None:
        return []
    try:
        paths = parse_update(text, attrs).touched_paths
    except ServiceError:
        return []
    return list(dict.fromkeys(str(path[0]) for path in paths))


def _context(
    params: dict[str, Any],
    *,
    leading: list[str] | None = None,
    attributes: Iterable[str] = (),
    select: str | None = None,
    enclosing: str | None = None,
) -> dict[str, object]:
    context: dict[str, object] = {}
    if leading:
        context["dynamodb:LeadingKeys"] = leading
    names = list(dict.fromkeys(attributes))
    if names:
        context["dynamodb:Attributes"] = names
    if select is not None:
        context["dynamodb:Select"] = select
    for member in ("ReturnValues", "ReturnConsumedCapacity"):
        if isinstance(params.get(member), str):
            context[f"dynamodb:{member}"] = params[member]
    if enclosing is not None:
        context["dynamodb:EnclosingOperation"] = enclosing
    return context


def _read_select(params: dict[str, Any], *, default: str = _ALL) -> tuple[str, list[str]]:
    projected = _projected(params)
    if isinstance(params.get("Select"), str):
        return params["Select"], projected or []
    return (_SPECIFIC if projected is not None else default), projected or []


def _item_context(
    target: _Target, action: str, params: dict[str, Any], enclosing: str | None = None
) -> dict[str, object]:
    """The condition keys of one item action (alone, or as one item of a transaction)."""
    if action == "GetItem":
        select, names = _read_select(params)
        leading = target.leading_key(params.get("Key"))
        return _context(params, leading=leading, attributes=names, select=select, enclosing=enclosing)
    if action == "PutItem":
        item = params.get("Item")
        names = list(item) if isinstance(item, dict) else []
        return _context(params, leading=target.leading_key(item), attributes=names, enclosing=enclosing)
    names = _updated(params) if action == "UpdateItem" else []
    return _context(
        params, leading=target.leading_key(params.get("Key")), attributes=names, enclosing=enclosing
    )


def _single(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.operation is not None
    name = params.get("TableName")
    if not isinstance(name, str):
        return derived_requirements(ctx, "dynamodb", ctx.operation, params)
    target = _Target(ctx, name)
    action = ctx.operation.name
    return [target.need(action, {} if target.unjudged else _item_context(target, action, params))]


def _query_leading(target: _Target, params: dict[str, Any], index_name: str | None) -> list[str] | None:
    table = target.table
    if table is None:
        return None
    index = table.index(index_name) if index_name else None
    if index_name and index is None:
        return None
    hash_key, range_key = (index.hash_key, index.range_key) if index else (table.hash_key, table.range_key)
    try:
        if isinstance(params.get("KeyConditionExpression"), str):
            attrs = _attributes(params)
            if attrs is None:
                return None
            condition = parse_key_condition(params["KeyConditionExpression"], attrs, hash_key, range_key)
        elif isinstance(params.get("KeyConditions"), dict):
            condition = from_key_conditions(params["KeyConditions"], hash_key, range_key)
        else:
            return None
    except ServiceError:
        return None
    value = _text(condition.hash_value)
    return [value] if value is not None else None


def _query_or_scan(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.operation is not None
    name = params.get("TableName")
    if not isinstance(name, str):
        return derived_requirements(ctx, "dynamodb", ctx.operation, params)
    target = _Target(ctx, name)
    index_name = params.get("IndexName") if isinstance(params.get("IndexName"), str) else None
    resource = f"{target.arn}/index/{index_name}" if index_name else None
    if target.unjudged:
        return [target.need(ctx.operation.name, {}, resource)]
    select, names = _read_select(params, default="ALL_PROJECTED_ATTRIBUTES" if index_name else _ALL)
    leading = _query_leading(target, params, index_name) if ctx.operation.name == "Query" else None
    context = _context(params, leading=leading, attributes=names, select=select)
    return [target.need(ctx.operation.name, context, resource)]


def _each_table(ctx: Context, params: dict[str, Any]) -> Iterable[tuple[_Target, Any]]:
    requests = params.get("RequestItems")
    for name, entry in (requests or {}).items() if isinstance(requests, dict) else ():
        yield _Target(ctx, name), entry


def _unique(needs: Iterable[Requirement]) -> list[Requirement]:
    seen: dict[tuple[str, str, str], Requirement] = {}
    for need in needs:
        seen.setdefault((need.action, need.resource, repr(sorted(need.context.items()))), need)
    return list(seen.values())


def _batch_get(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    needs: list[Requirement] = []
    for target, entry in _each_table(ctx, params):
        if target.unjudged:
            needs.append(target.need("BatchGetItem", {}))
            continue
        entry = entry if isinstance(entry, dict) else {}
        select, names = _read_select(entry)
        scoped = {**entry, "ReturnConsumedCapacity": params.get("ReturnConsumedCapacity")}
        keys = entry.get("Keys") if isinstance(entry.get("Keys"), list) else []
        for key in keys or [None]:
            context = _context(scoped, leading=target.leading_key(key), attributes=names, select=select)
            needs.append(target.need("BatchGetItem", context))
    return _unique(needs)


def _batch_write(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    needs: list[Requirement] = []
    for target, writes in _each_table(ctx, params):
        if target.unjudged:
            needs.append(target.need("BatchWriteItem", {}))
            continue
        for write in writes if isinstance(writes, list) else [None]:
            put = write.get("PutRequest") if isinstance(write, dict) else None
            delete = write.get("DeleteRequest") if isinstance(write, dict) else None
            if isinstance(put, dict) and isinstance(put.get("Item"), dict):
                item = put["Item"]
                context = _context(params, leading=target.leading_key(item), attributes=list(item))
            elif isinstance(delete, dict):
                context = _context(params, leading=target.leading_key(delete.get("Key")))
            else:
                context = _context(params)
            needs.append(target.need("BatchWriteItem", context))
    return _unique(needs)


_TRANSACT_ACTIONS = {
    "Get": "GetItem",
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _transact(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.operation is not None
    enclosing = ctx.operation.name
    needs: list[Requirement] = []
    for entry in params.get("TransactItems") or []:
        for kind, body in entry.items() if isinstance(entry, dict) else ():
            action = _TRANSACT_ACTIONS.get(kind)
            if action is None or not isinstance(body, dict) or not isinstance(body.get("TableName"), str):
                continue
            target = _Target(ctx, body["TableName"])
            if target.unjudged:
                needs.append(target.need(action, {}))
                continue
            scoped = {**body, "ReturnConsumedCapacity": params.get("ReturnConsumedCapacity")}
            needs.append(target.need(action, _item_context(target, action, scoped, enclosing)))
    return _unique(needs) or derived_requirements(ctx, "dynamodb", ctx.operation, params)


def _create_table(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    """CreateTable with a ResourcePolicy needs dynamodb:PutResourcePolicy on the new table as well."""
    assert ctx.operation is not None
    needs = derived_requirements(ctx, "dynamodb", ctx.operation, params)
    name = params.get("TableName")
    if params.get("ResourcePolicy") is not None and isinstance(name, str):
        try:
            arn = table_arn(ctx, name)
        except ServiceError:
            return needs
        needs.append(Requirement("dynamodb:PutResourcePolicy", arn))
    return needs


def _guarded(func: Any) -> Any:
    """A table parameter that is a malformed ARN is the handler's to refuse, in AWS's words."""

    def requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
        try:
            return func(ctx, params)
        except ServiceError:
            assert ctx.operation is not None
            return derived_requirements(ctx, "dynamodb", ctx.operation, params)

    return requirements


for _operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
    service.authorize(_operation)(_guarded(_single))
for _operation in ("Query", "Scan"):
    service.authorize(_operation)(_guarded(_query_or_scan))
service.authorize("BatchGetItem")(_guarded(_batch_get))
service.authorize("BatchWriteItem")(_guarded(_batch_write))
service.authorize("TransactGetItems")(_guarded(_transact))
service.authorize("TransactWriteItems")(_guarded(_transact))
service.authorize("CreateTable")(_create_table)


def _stream(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    """Stream operations act on the stream their StreamArn, or their shard iterator, names."""
    assert ctx.operation is not None
    arn = params.get("StreamArn")
    iterator = params.get("ShardIterator")
    if not isinstance(arn, str) and isinstance(iterator, str) and "|1|" in iterator:
        arn = iterator.rpartition("|1|")[0]  # an iterator starts with its stream's ARN
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) < 6 or parts[2] != "dynamodb" or "/stream/" not in parts[5]:
        return derived_requirements(ctx, "dynamodbstreams", ctx.operation, params)
    owner = parts[4] if parts[4] != ctx.account else None
    return [Requirement(_PREFIX + ctx.operation.name, str(arn), {}, owner)]


for _operation in ("DescribeStream", "GetShardIterator", "GetRecords"):
    streams_service.authorize(_operation)(_stream)
