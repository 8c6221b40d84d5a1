"""Partitions made visible: how a table's items and traffic spread over the partitions AWS would use.

AWS sizes a table at one partition per 10 GB, and at least (RCU / 3000) + (WCU / 1000) partitions
for provisioned throughput (an on-demand table starts with capacity for 12,000 reads and 4,000 writes
per second: 4 partitions). An item lives on the partition that owns its partition key's hash; here
partition i of n owns the i-th nth of the 32-bit hash space (keys.py), which is also how rows are
ordered, so the item figures come from one aggregate over the table's rows.

Traffic (capacity units consumed) is counted in memory per partition key since the server started,
capped per table, so that a hot key shows with the units it took.

    GET /_fogbank/dynamodb/partitions/ACCOUNT/REGION/TABLE -> JSON
"""

from __future__ import annotations

import json
import math
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.services.dynamodb import service
from fogbank.services.dynamodb.keys import HASH_SPACE, encode, partition_hash
from fogbank.services.dynamodb.tables import Table, load_or_none

if TYPE_CHECKING:
    from fogbank.server import App

__all__ = ["record", "partition_count", "PARTITION_BYTES"]

PARTITION_BYTES = 10 * 1024**3
PARTITION_READS = 3000
PARTITION_WRITES = 1000
ON_DEMAND_PARTITIONS = 4
MAX_KEYS_PER_TABLE = 10_000
HOT_KEYS = 5

_lock = threading.Lock()
# table id -> encoded partition key -> [read units, write units]
_traffic: dict[int, dict[bytes, list[float]]] = {}


def record(table: Table, partition_key: dict[str, Any], *, read: float = 0.0, write: float = 0.0) -> None:
    """Count capacity units consumed on one partition key of `table`."""
    hk = encode(partition_key)
    with _lock:
        keys = _traffic.setdefault(table.id, {})
        counters = keys.get(hk)
        if counters is None:
            if len(keys) >= MAX_KEYS_PER_TABLE:
                return
            counters = keys[hk] = [0.0, 0.0]
        counters[0] += read
        counters[1] += write


def partition_count(table: Table, size_bytes: int) -> int:
    by_size = math.ceil(size_bytes / PARTITION_BYTES)
    if table.billing_mode == "PAY_PER_REQUEST":
        by_throughput = ON_DEMAND_PARTITIONS
    else:
        throughput = table.doc["ProvisionedThroughput"]
        by_throughput = math.ceil(
            throughput["ReadCapacityUnits"] / PARTITION_READS
            + throughput["WriteCapacityUnits"] / PARTITION_WRITES
        )
    return max(1, by_size, by_throughput)


def _shown(hk: bytes) -> str:
    try:
        return hk.decode("utf-8")
    except UnicodeDecodeError:
        return hk.hex()


def _view(tx: Any, table: Table) -> dict[str, Any]:
    size = int(tx.fetchone("SELECT COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id = ?", (table.id,))[0])
    n = partition_count(table, size)
    partitions = [
        {
            "Partition": i,
            "HashRange": [i * HASH_SPACE // n, (i + 1) * HASH_SPACE // n],
            "ItemCount": 0,
            "SizeBytes": 0,
            "ReadCapacityUnits": 0.0,
            "WriteCapacityUnits": 0.0,
            "HotKeys": [],
        }
        for i in range(n)
    ]
    grouped = tx.execute(
        "SELECT hash * ? / ?, COUNT(*), SUM(size) FROM ddb_items WHERE table_id = ? GROUP BY 1",
        (n, HASH_SPACE, table.id),
    )
    for index, count, total in grouped:
        partitions[int(index)]["ItemCount"] = int(count)
        partitions[int(index)]["SizeBytes"] = int(total)
    with _lock:
        traffic = dict(_traffic.get(table.id, {}))
    hot: list[list[tuple[float, str, float, float]]] = [[] for _ in range(n)]
    for hk, (reads, writes) in traffic.items():
        i = partition_hash(hk) * n // HASH_SPACE
        partitions[i]["ReadCapacityUnits"] += reads
        partitions[i]["WriteCapacityUnits"] += writes
        hot[i].append((reads + writes, _shown(hk), reads, writes))
    for i, keys in enumerate(hot):
        keys.sort(reverse=True)
        partitions[i]["HotKeys"] = [
            {"PartitionKey": shown, "ReadCapacityUnits": r, "WriteCapacityUnits": w}
            for _, shown, r, w in keys[:HOT_KEYS]
        ]
    return {
        "TableName": table.name,
        "TableArn": table.arn,
        "TableSizeBytes": size,
        "PartitionCount": n,
        "Partitions": partitions,
    }


def _json(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, [("content-type", "application/json")], json.dumps(body, indent=2).encode())


@service.route("/_fogbank/dynamodb/partitions/")
def partitions_route(app: App, request: HttpRequest) -> HttpResponse:
    parts = [unquote(p) for p in request.path.split("/_fogbank/dynamodb/partitions/", 1)[1].split("/") if p]
    if request.method != "GET":
        return _json(405, {"error": "MethodNotAllowed", "message": "Use GET."})
    if len(parts) != 3:
        return _json(
            400,
            {"error": "InvalidPath", "message": "Use /_fogbank/dynamodb/partitions/ACCOUNT/REGION/TABLE."},
        )
    account, region, name = parts
    assert app.db is not None
    with app.db.transaction(write=False) as tx:
        table = load_or_none(tx, account, region, name)
        if table is None:
            return _json(404, {"error": "ResourceNotFoundException", "message": f"Table: {name} not found"})
        return _json(200, _view(tx, table))
