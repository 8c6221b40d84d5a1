"""The expression case table, run through boto3 against a live server: PutItem with conditions, Query
with filters and key conditions, UpdateItem, GetItem with projections, and the legacy parameters."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.expression_cases import CASES, QUERY_ITEMS, QUERY_PK, SEED, Case, Err
from tests.services.dynamodb.shapes import definitions, key_schema


@pytest.fixture(scope="module")
def table(client: Callable[..., Any]) -> Iterator[tuple[Any, str]]:
    ddb = client("dynamodb")
    name = f"expr-{uuid.uuid4().hex[:10]}"
    ddb.create_table(
        TableName=name,
        KeySchema=key_schema("pk", "sk"),
        AttributeDefinitions=definitions(pk="S", sk="S"),
        BillingMode="PAY_PER_REQUEST",
    )
    for item in QUERY_ITEMS:
        ddb.put_item(TableName=name, Item={"pk": {"S": QUERY_PK}, **item})
    yield ddb, name
    ddb.delete_table(TableName=name)


def normalized(value: Any) -> Any:
    """AttributeValues with set members sorted, so that sets compare regardless of order."""
    if isinstance(value, dict):
        return {
            k: sorted(v) if k in ("SS", "NS", "BS") and isinstance(v, list) else normalized(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def run(ddb: Any, name: str, case: Case) -> Any:
    """Send the case's request; returns what it answers in the case's own terms."""
    key = {"pk": {"S": case.id}, "sk": {"S": "0"}}
    if case.op != "query":
        ddb.put_item(TableName=name, Item={**key, **SEED})
    if case.op in ("condition", "delete"):
        try:
            if case.op == "condition":
                ddb.put_item(TableName=name, Item={**key, **SEED}, **case.params)
            else:
                ddb.delete_item(TableName=name, Key=key, **case.params)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
    if case.op == "filter":
        values = {**case.params.get("ExpressionAttributeValues", {}), ":case_pk": {"S": case.id}}
        queried = ddb.query(
            TableName=name,
            KeyConditionExpression="pk = :case_pk",
            **{**case.params, "ExpressionAttributeValues": values},
        )
        scanned = ddb.scan(TableName=name, **case.params)["Items"]
        assert (queried["Count"] == 1) == any(item["pk"]["S"] == case.id for item in scanned)
        return queried["Count"] == 1
    if case.op == "update":
        return ddb.update_item(TableName=name, Key=key, ReturnValues="ALL_NEW", **case.params)["Attributes"]
    if case.op == "get":
        return ddb.get_item(TableName=name, Key=key, **case.params).get("Item", {})
    read = ddb.scan if case.op == "scan" else ddb.query
    return [item["sk"]["S"] for item in read(TableName=name, **case.params)["Items"]]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_expression_case(table: tuple[Any, str], case: Case) -> None:
    ddb, name = table
    if isinstance(case.expect, Err):
        with pytest.raises(ClientError) as caught:
            run(ddb, name, case)
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == (case.expect.code, case.expect.message)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        if case.op != "query":
            # A rejected request changes nothing.
            key = {"pk": {"S": case.id}, "sk": {"S": "0"}}
            stored = ddb.get_item(TableName=name, Key=key, ConsistentRead=True)["Item"]
            assert normalized(stored) == normalized({**key, **SEED})
        return
    result = run(ddb, name, case)
    if case.op == "delete":
        key = {"pk": {"S": case.id}, "sk": {"S": "0"}}
        stored = ddb.get_item(TableName=name, Key=key, ConsistentRead=True).get("Item")
        assert (stored is None) == case.expect
    if case.op == "update":
        for attribute, value in case.expect.items():
            assert normalized(result.get(attribute)) == normalized(value), attribute
        for attribute in case.absent:
            assert attribute not in result
    else:
        assert normalized(result) == normalized(case.expect)
