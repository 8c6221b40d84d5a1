"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction over the same tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.services.dynamodb.errors import failure_of
from tests.services.dynamodb.shapes import index


@pytest.fixture
def orders(ddb: Any, make_table: Callable[..., str]) -> str:
    table = make_table(range=("sk", "N"))
    for customer in ("ann", "bob"):
        for n in range(1, 6):
            item = {"pk": {"S": customer}, "sk": {"N": str(n)}, "total": {"N": str(n * 10)}}
            if n % 2:
                item["tags"] = {"SS": ["odd"]}
            ddb.put_item(TableName=table, Item=item)
    return table


def test_select_by_partition_with_filter_projection_and_parameters(ddb: Any, orders: str) -> None:
    response = ddb.execute_statement(
        Statement=f'SELECT sk, total FROM "{orders}" WHERE pk = ? AND total >= ? ORDER BY sk DESC',
        Parameters=[{"S": "ann"}, {"N": "30"}],
    )
    assert response["Items"] == [
        {"sk": {"N": "5"}, "total": {"N": "50"}},
        {"sk": {"N": "4"}, "total": {"N": "40"}},
        {"sk": {"N": "3"}, "total": {"N": "30"}},
    ]
    scanned = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{orders}\" WHERE contains(tags, 'odd') AND sk = 1"
    )
    assert sorted(i["pk"]["S"] for i in scanned["Items"]) == ["ann", "bob"]
    both = ddb.execute_statement(
        Statement=f"SELECT pk FROM \"{orders}\" WHERE pk IN ['ann', 'bob'] AND sk BETWEEN 2 AND 3"
    )
    assert len(both["Items"]) == 4
    missing = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{orders}\" WHERE pk = 'ann' AND tags IS MISSING"
    )
    assert [i["sk"]["N"] for i in missing["Items"]] == ["2", "4"]


def test_select_pages_with_limit_and_next_token(ddb: Any, orders: str) -> None:
    seen: list[str] = []
    request: dict[str, Any] = {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'bob'", "Limit": 2}
    while True:
        page = ddb.execute_statement(**request)
        assert len(page["Items"]) <= 2
        seen += [i["sk"]["N"] for i in page["Items"]]
        if "NextToken" not in page:
            break
        assert page["LastEvaluatedKey"] == {"pk": {"S": "bob"}, "sk": {"N": seen[-1]}}
        request["NextToken"] = page["NextToken"]
    assert seen == ["1", "2", "3", "4", "5"]


def test_insert_update_delete_with_returning(ddb: Any, orders: str) -> None:
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': 'cy', 'sk': 1, 'l': [1, 'x'], 'm': {{'a': true}}}}"
    )
    item = ddb.get_item(TableName=orders, Key={"pk": {"S": "cy"}, "sk": {"N": "1"}})["Item"]
    assert item["l"] == {"L": [{"N": "1"}, {"S": "x"}]} and item["m"] == {"M": {"a": {"BOOL": True}}}
    duplicate = failure_of(
        ddb.execute_statement, Statement=f"INSERT INTO \"{orders}\" VALUE {{'pk': 'cy', 'sk': 1}}"
    )
    assert (duplicate["Code"], duplicate["Message"]) == (
        "DuplicateItemException",
        "Duplicate primary key exists in table",
    )
    updated = ddb.execute_statement(
        Statement=f'UPDATE "{orders}" SET n = 1 SET m.b = ? SET l = list_append(l, [2]) REMOVE m.a '
        "WHERE pk = 'cy' AND sk = 1 RETURNING ALL NEW *",
        Parameters=[{"S": "bee"}],
    )
    assert updated["Items"] == [
        {
            "pk": {"S": "cy"},
            "sk": {"N": "1"},
            "n": {"N": "1"},
            "m": {"M": {"b": {"S": "bee"}}},
            "l": {"L": [{"N": "1"}, {"S": "x"}, {"N": "2"}]},
        }
    ]
    ddb.execute_statement(Statement=f"UPDATE \"{orders}\" SET n = n + 5 WHERE pk = 'cy' AND sk = 1")
    old = ddb.execute_statement(
        Statement=f"DELETE FROM \"{orders}\" WHERE pk = 'cy' AND sk = 1 RETURNING ALL OLD *"
    )
    assert old["Items"][0]["n"] == {"N": "6"}
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "cy"}, "sk": {"N": "1"}})
    gone = failure_of(
        ddb.execute_statement, Statement=f"UPDATE \"{orders}\" SET n = 1 WHERE pk = 'cy' AND sk = 1"
    )
    assert (gone["Code"], gone["Message"]) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    failed = failure_of(
        ddb.execute_statement,
        Statement=f"DELETE FROM \"{orders}\" WHERE pk = 'ann' AND sk = 1 AND total > 100",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert failed["Code"] == "ConditionalCheckFailedException"


def test_statement_errors(ddb: Any, orders: str) -> None:
    syntax = failure_of(ddb.execute_statement, Statement=f'SELEC * FROM "{orders}"')
    assert syntax["Code"] == "ValidationException"
    assert syntax["Message"].startswith("Statement wasn't well formed, can't be processed:")
    partial = failure_of(ddb.execute_statement, Statement=f"DELETE FROM \"{orders}\" WHERE pk = 'ann'")
    assert partial["Message"] == "Where clause does not contain a mandatory equality on all key attributes"
    key = failure_of(
        ddb.execute_statement, Statement=f"UPDATE \"{orders}\" SET sk = 3 WHERE pk = 'ann' AND sk = 1"
    )
    assert key["Message"] == "Cannot update attribute sk. This attribute is part of the key"
    params = failure_of(ddb.execute_statement, Statement=f'SELECT * FROM "{orders}" WHERE pk = ?')
    assert params["Message"] == "Number of parameters in request and statement don't match."
    missing = failure_of(ddb.execute_statement, Statement='SELECT * FROM "no-such-table"')
    assert missing["Code"] == "ResourceNotFoundException"


def test_batch_execute_statement_reports_each_statement(ddb: Any, orders: str) -> None:
    writes = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'dee', 'sk': 1}}"},
            {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'ann', 'sk': 1}}"},
            {"Statement": f"UPDATE \"{orders}\" SET total = 0 WHERE pk = 'bob' AND sk = 2"},
        ]
    )["Responses"]
    assert writes[0] == {"TableName": orders}
    assert writes[1]["Error"] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert writes[2] == {"TableName": orders}
    reads = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT total FROM \"{orders}\" WHERE pk = 'bob' AND sk = 2"},
            {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'zed' AND sk = 9"},
        ]
    )["Responses"]
    assert reads == [{"TableName": orders, "Item": {"total": {"N": "0"}}}, {"TableName": orders}]


def test_execute_transaction_is_all_or_nothing(ddb: Any, orders: str) -> None:
    error = failure_of(
        ddb.execute_transaction,
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'eve', 'sk': 1}}"},
            {"Statement": f"EXISTS(SELECT * FROM \"{orders}\" WHERE pk = 'ann' AND sk = 1 AND total > 100)"},
        ],
    )
    assert error["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in error["Reasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName=orders, Key={"pk": {"S": "eve"}, "sk": {"N": "1"}})
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'eve', 'sk': 1}}"},
            {
                "Statement": f"UPDATE \"{orders}\" SET total = total + ? WHERE pk = 'ann' AND sk = 1",
                "Parameters": [{"N": "1"}],
            },
        ]
    )
    read = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"SELECT total FROM \"{orders}\" WHERE pk = 'ann' AND sk = 1"},
            {"Statement": f"SELECT * FROM \"{orders}\" WHERE pk = 'eve' AND sk = 1"},
        ]
    )
    assert read["Responses"] == [
        {"Item": {"total": {"N": "11"}}},
        {"Item": {"pk": {"S": "eve"}, "sk": {"N": "1"}}},
    ]
    duplicate = failure_of(
        ddb.execute_transaction,
        TransactStatements=[{"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'eve', 'sk': 1}}"}],
    )
    assert duplicate["Reasons"] == [
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    ]


def test_index_select_nested_projection_and_set_functions(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(
        extra_attributes={"city": "S"},
        GlobalSecondaryIndexes=[index("by-city", "city")],
    )
    ddb.execute_statement(
        Statement=f'INSERT INTO "{table}" VALUE '
        "{'pk': ?, 'city': 'Oslo', 'info': {'age': 30, 'pets': ['cat']}}",
        Parameters=[{"S": "p1"}],
    )
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'p2', 'city': 'Rome', 'tags': <<'a'>>}}"
    )
    by_city = ddb.execute_statement(
        Statement=f'SELECT pk, info.age, info.pets[0] FROM "{table}"."by-city" WHERE city = \'Oslo\''
    )
    assert by_city["Items"] == [
        {"pk": {"S": "p1"}, "info": {"M": {"age": {"N": "30"}, "pets": {"L": [{"S": "cat"}]}}}}
    ]
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET tags = set_add(tags, <<'b', 'c'>>) WHERE pk = 'p2'"
    )
    ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET tags = set_delete(tags, <<'a'>>) WHERE pk = 'p2'"
    )
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "p2"}})["Item"]
    assert sorted(item["tags"]["SS"]) == ["b", "c"]
    missing_index = failure_of(ddb.execute_statement, Statement=f'SELECT * FROM "{table}"."nope"')
    assert missing_index["Message"] == "The table does not have the specified index: nope"


def test_execute_transaction_token_is_idempotent(ddb: Any, orders: str) -> None:
    request = {
        "TransactStatements": [{"Statement": f"INSERT INTO \"{orders}\" VALUE {{'pk': 'fay', 'sk': 1}}"}],
        "ClientRequestToken": "partiql-" + orders,
    }
    ddb.execute_transaction(**request)
    ddb.execute_transaction(**request)  # a retry: no DuplicateItem, nothing written twice
    other = {
        **request,
        "TransactStatements": [{"Statement": f"DELETE FROM \"{orders}\" WHERE pk = 'fay' AND sk = 1"}],
    }
    assert failure_of(ddb.execute_transaction, **other)["Code"] == "IdempotentParameterMismatchException"
