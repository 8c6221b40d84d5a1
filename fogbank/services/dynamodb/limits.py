"""DescribeLimits and DescribeEndpoints: the account's default quotas, and where DynamoDB answers."""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import service

__all__ = ["ACCOUNT_MAX_UNITS", "TABLE_MAX_UNITS"]

ACCOUNT_MAX_UNITS = 80000
TABLE_MAX_UNITS = 40000


@service.handler("DescribeLimits")
def describe_limits(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "AccountMaxReadCapacityUnits": ACCOUNT_MAX_UNITS,
        "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_UNITS,
        "TableMaxReadCapacityUnits": TABLE_MAX_UNITS,
        "TableMaxWriteCapacityUnits": TABLE_MAX_UNITS,
    }


@service.handler("DescribeEndpoints")
def describe_endpoints(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    # Endpoint discovery must lead an SDK back here, not to AWS: the address is the host it called.
    address = ctx.request.host or f"dynamodb.{ctx.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}
