"""TransactWriteItems and TransactGetItems: all or nothing, cancellation reasons, idempotency tokens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.dynamodb.clock import advance
from tests.services.dynamodb.errors import failure_of


def test_write_transaction_applies_every_action(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "gone"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "counter"}, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "guard"}, "open": {"BOOL": True}})
    response = ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "new"}, "v": {"S": "x" * 1500}}}},
            {
                "Update": {
                    "TableName": table,
                    "Key": {"pk": {"S": "counter"}},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "gone"}}}},
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {"pk": {"S": "guard"}},
                    "ConditionExpression": "#o = :t",
                    "ExpressionAttributeNames": {"#o": "open"},
                    "ExpressionAttributeValues": {":t": {"BOOL": True}},
                }
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    # Transactional writes cost double: 2 KB put = 4, two small writes = 2 each; the check reads 2.
    assert response["ConsumedCapacity"] == [
        {"TableName": table, "CapacityUnits": 10.0, "WriteCapacityUnits": 8.0, "ReadCapacityUnits": 2.0}
    ]
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table, "Key": {"pk": {"S": "counter"}}}},
            {"Get": {"TableName": table, "Key": {"pk": {"S": "gone"}}}},
            {"Get": {"TableName": table, "Key": {"pk": {"S": "new"}}, "ProjectionExpression": "pk"}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert got["Responses"] == [
        {"Item": {"pk": {"S": "counter"}, "n": {"N": "2"}}},
        {},
        {"Item": {"pk": {"S": "new"}}},
    ]
    assert got["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}]


def put_b_and_update_a(ddb: Any, table: str, **update: Any) -> dict[str, Any]:
    """The failure of a transaction that puts item b and updates item a as `update` says."""
    return failure_of(
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}}, **update}},
        ],
    )


def test_failed_condition_cancels_everything_with_reasons(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "state": {"S": "locked"}})
    error = put_b_and_update_a(
        ddb,
        table,
        UpdateExpression="SET #s = :open",
        ConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "state"},
        ExpressionAttributeValues={":open": {"S": "open"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    assert error["Code"] == "TransactionCanceledException"
    assert error["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]"
    )
    assert error["Reasons"] == [
        {"Code": "None"},
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {"pk": {"S": "a"}, "state": {"S": "locked"}},
        },
    ]
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "b"}})


def test_an_update_that_cannot_apply_is_a_validation_error_reason(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "s": {"S": "text"}})
    error = put_b_and_update_a(
        ddb, table, UpdateExpression="SET s = s + :one", ExpressionAttributeValues={":one": {"N": "1"}}
    )
    assert [r["Code"] for r in error["Reasons"]] == ["None", "ValidationError"]
    message = error["Reasons"][1]["Message"]
    assert message.startswith("An operand in the update expression has an incorrect data type")


def test_one_item_twice_is_refused(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    error = failure_of(
        ddb.transact_write_items,
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}}}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "a"}}}},
        ],
    )
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )
    put = {"Put": {"TableName": "nope-table", "Item": {"pk": {"S": "a"}}}}
    missing = failure_of(ddb.transact_write_items, TransactItems=[put])
    assert missing["Code"] == "ResourceNotFoundException"
    assert missing["Message"] == "Requested resource not found"


def test_a_conflicting_pair_cancels_one(ddb: Any, make_table: Callable[..., str]) -> None:
    """Two transactions race to claim one seat; they run one after the other, so the second sees the
    first's claim and is cancelled by its condition, leaving nothing of its own written."""
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "seat"}})
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def claim(who: str) -> None:
        start.wait()
        try:
            ddb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"pk": {"S": "seat"}},
                            "UpdateExpression": "SET holder = :me",
                            "ConditionExpression": "attribute_not_exists(holder)",
                            "ExpressionAttributeValues": {":me": {"S": who}},
                        }
                    },
                    {"Put": {"TableName": table, "Item": {"pk": {"S": f"ticket-{who}"}}}},
                ]
            )
            outcomes[who] = "won"
        except ClientError as error:
            outcomes[who] = error.response

    threads = [threading.Thread(target=claim, args=(who,)) for who in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [who for who, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    (loser,) = {"alice", "bob"} - set(winners)
    assert outcomes[loser]["Error"]["Code"] == "TransactionCanceledException"
    assert outcomes[loser]["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    seat = ddb.get_item(TableName=table, Key={"pk": {"S": "seat"}})["Item"]
    assert seat["holder"] == {"S": winners[0]}
    assert "Item" in ddb.get_item(TableName=table, Key={"pk": {"S": f"ticket-{winners[0]}"}})
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": f"ticket-{loser}"}})


def test_client_request_token_is_idempotent_for_ten_minutes(
    ddb: Any, make_table: Callable[..., str], server: FogbankServer
) -> None:
    table = make_table()
    request = {
        "TransactItems": [
            {
                "Update": {
                    "TableName": table,
                    "Key": {"pk": {"S": "c"}},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            }
        ],
        "ClientRequestToken": "token-" + table,
        "ReturnConsumedCapacity": "TOTAL",
    }
    first = ddb.transact_write_items(**request)
    assert first["ConsumedCapacity"] == [
        {"TableName": table, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}
    ]
    retry = ddb.transact_write_items(**request)
    # A retry writes nothing: AWS reports the capacity of reading the item instead.
    assert retry["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}]

    def count() -> str:
        return ddb.get_item(TableName=table, Key={"pk": {"S": "c"}})["Item"]["n"]["N"]

    assert count() == "1"
    changed = {**request, "TransactItems": [{"Put": {"TableName": table, "Item": {"pk": {"S": "c"}}}}]}
    error = failure_of(ddb.transact_write_items, **changed)
    assert (error["Code"], error["Message"]) == (
        "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
    )
    advance(server, "11m")
    ddb.transact_write_items(**request)
    assert count() == "2"
