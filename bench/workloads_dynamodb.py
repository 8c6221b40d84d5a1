"""The DynamoDB workloads, on tables with a composite key (`pk` string, `sk` string) and small items.

Every item is about 200 bytes as DynamoDB sizes it (attribute names plus values). Tables are on-demand
and the setup waits until a table is ACTIVE (dynalite keeps a new table CREATING for a while). Each setup
makes one call of its operation and checks what it returned, so a server that refuses the operation, or
answers it wrongly, makes the workload n/a there instead of timing its errors.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

from bench.workloads import Client, ClientFactory, Op, workload

__all__ = ["batch_write", "create_table", "item"]

_ACTIVE_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.05
_BATCH = 25
_PAYLOAD = "x" * 160  # with the keys and the other attributes, about 200 bytes an item


def create_table(dynamodb: Client, name: str) -> None:
    """An on-demand table keyed by `pk` (partition) and `sk` (sort), once it is ACTIVE."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    # The boto3 waiter polls every 20 s; a local server is ready in milliseconds.
    deadline = time.monotonic() + _ACTIVE_TIMEOUT_SECONDS
    while dynamodb.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {name} not ACTIVE after {_ACTIVE_TIMEOUT_SECONDS:.0f} s")
        time.sleep(_POLL_SECONDS)


def item(partition: str, sort: int) -> dict[str, dict[str, object]]:
    """One item of about 200 bytes: the two keys, a string, a number and a boolean."""
    return {
        "pk": {"S": partition},
        "sk": {"S": f"{sort:010d}"},
        "payload": {"S": _PAYLOAD},
        "n": {"N": str(sort)},
        "flag": {"BOOL": sort % 2 == 0},
    }


def batch_write(dynamodb: Client, table: str, items: Iterator[dict[str, dict[str, object]]]) -> int:
    """Put the items with BatchWriteItem of 25, resending what comes back unprocessed; calls made."""
    calls = 0
    for batch in iter(lambda: list(itertools.islice(items, _BATCH)), []):
        requests: dict[str, list[dict[str, object]]] = {table: [{"PutRequest": {"Item": i}} for i in batch]}
        while requests:
            requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            calls += 1
    return calls


def _filled_table(make_client: ClientFactory, name: str, partitions: int, per_partition: int) -> Client:
    dynamodb = make_client("dynamodb")
    create_table(dynamodb, name)
    items = (item(f"p{p:04d}", s) for p in range(partitions) for s in range(per_partition))
    batch_write(dynamodb, name, items)
    return dynamodb


@workload("dynamodb_put_item", service="dynamodb")
def dynamodb_put_item(make_client: ClientFactory) -> Op:
    """DynamoDB PutItem of a new ~200-byte item into a composite-key table (1,000 partitions)."""
    create_table(make_client("dynamodb"), "bench-put")
    numbers = itertools.count()  # next() on a count is atomic under the GIL: every call puts a new item

    def op(client: Client) -> object:
        n = next(numbers)
        return client.put_item(TableName="bench-put", Item=item(f"p{n % 1000:04d}", n))

    op(make_client("dynamodb"))
    return op


@workload("dynamodb_get_item", service="dynamodb")
def dynamodb_get_item(make_client: ClientFactory) -> Op:
    """DynamoDB GetItem of a ~200-byte item by its composite key, from a table of 1,000 items."""
    dynamodb = _filled_table(make_client, "bench-get", partitions=10, per_partition=100)
    numbers = itertools.count()

    def op(client: Client) -> object:
        n = next(numbers) % 1000
        key = {"pk": {"S": f"p{n // 100:04d}"}, "sk": {"S": f"{n % 100:010d}"}}
        return client.get_item(TableName="bench-get", Key=key)

    if "Item" not in op(dynamodb):
        raise RuntimeError("GetItem did not find an item that BatchWriteItem put")
    return op


@workload("dynamodb_query_100", service="dynamodb", max_ops=300)
def dynamodb_query_100(make_client: ClientFactory) -> Op:
    """DynamoDB Query of one partition of 100 items, all returned in one page (10 partitions in the table)."""
    dynamodb = _filled_table(make_client, "bench-query", partitions=10, per_partition=100)

    def op(client: Client) -> dict[str, object]:
        return client.query(
            TableName="bench-query",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p0003"}},
        )

    count = op(dynamodb)["Count"]
    if count != 100:
        raise RuntimeError(f"Query returned {count} items of the partition's 100")
    return op


@workload("dynamodb_scan_10k", service="dynamodb", max_ops=5)
def dynamodb_scan_10k(make_client: ClientFactory) -> Op:
    """DynamoDB Scan of a 10,000-item table (~2 MB), following LastEvaluatedKey to the end: one op."""
    dynamodb = _filled_table(make_client, "bench-scan", partitions=100, per_partition=100)

    def op(client: Client) -> int:
        count, page = 0, client.scan(TableName="bench-scan")
        while True:
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                return count
            page = client.scan(TableName="bench-scan", ExclusiveStartKey=page["LastEvaluatedKey"])

    count = op(dynamodb)
    if count != 10_000:
        raise RuntimeError(f"Scan returned {count} items of the table's 10,000")
    return op
