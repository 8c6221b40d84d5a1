"""CreateTable, DescribeTable, DeleteTable and ListTables.

A new table is ACTIVE as soon as CreateTable commits; its response says CREATING, as AWS's does, so a
client that waits (boto3's table_exists waiter) sees ACTIVE on its first DescribeTable.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import service, store
from fogbank.services.dynamodb.create import new_table_doc, validation
from fogbank.services.dynamodb.describe import table_description
from fogbank.services.dynamodb.tables import KIND, SERVICE, Table, delete, load, parse_arn, save
from fogbank.state import Transaction

__all__ = ["sse_description", "describe_not_found"]


def describe_not_found(name: str) -> str:
    return f"Requested resource not found: Table: {name} not found"


def sse_description(tx: Transaction, account: str, region: str, spec: dict[str, Any] | None) -> dict | None:
    """SSEDescription for an SSESpecification; None means the default AWS owned key."""
    if not spec or not spec.get("Enabled"):
        return None
    key = spec.get("KMSMasterKeyId")
    if key is None:
        from fogbank.services.kms.managed import managed_key

        arn = managed_key(tx, account, region, "dynamodb")["Arn"]
    elif key.startswith("arn:"):
        arn = key
    else:
        arn = f"arn:aws:kms:{region}:{account}:{key if key.startswith('alias/') else 'key/' + key}"
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": arn}


@service.handler("CreateTable")
def create_table(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    doc = new_table_doc(request, ctx.account, ctx.region, ctx.clock.now())
    name = doc["TableName"]
    if tx.get_doc(SERVICE, KIND, ctx.account, ctx.region, name) is not None:
        raise ServiceError("ResourceInUseException", f"Table already exists: {name}", 400)
    sse = sse_description(tx, ctx.account, ctx.region, request.get("SSESpecification"))
    if sse:
        doc["SSEDescription"] = sse
    table = Table(ctx.account, ctx.region, doc)
    store.create(tx, [table.id] + [i.id for i in table.indexes])
    save(tx, table)
    from fogbank.services.dynamodb.resource_policy import attach_on_create  # lazy: it imports Streams

    attach_on_create(ctx, table, request.get("ResourcePolicy"))
    return {
        "TableDescription": table_description(
            tx, table, status="CREATING", index_status={i.name: "CREATING" for i in table.gsis}
        )
    }


@service.handler("DescribeTable")
def describe_table(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TableName"]
    table = load(ctx.tx, ctx.account, ctx.region, name, message=describe_not_found(name))
    return {"Table": table_description(ctx.tx, table, now=ctx.clock.now().timestamp())}


@service.handler("DeleteTable", waits=True)
def delete_table(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    name = request["TableName"]
    table = load(tx, ctx.account, ctx.region, name, message=describe_not_found(name))
    if table.doc.get("DeletionProtectionEnabled"):
        raise validation(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    if table.status != "ACTIVE":
        raise ServiceError(
            "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table: {name}",
            400,
        )
    description = table_description(tx, table, status="DELETING")
    store.drop(tx, table)
    delete(tx, table)
    return {"TableDescription": description}


@service.handler("ListTables")
def list_tables(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("Limit", 100)
    start = request.get("ExclusiveStartTableName")
    if start is not None:
        start = parse_arn(start, ctx.account, ctx.region)[2]
    docs = ctx.tx.list_docs(SERVICE, KIND, ctx.account, ctx.region, after=start, limit=limit + 1)
    names = [name for name, _ in docs]
    result: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = names[limit - 1]
    return result
