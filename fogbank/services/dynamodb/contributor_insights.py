"""UpdateContributorInsights, DescribeContributorInsights and ListContributorInsights.

Contributor Insights is kept per table and per global secondary index, as a document of kind
"contributor_insights" named "<table>" or "<table>/<index>", with the table's TableId so that a table
deleted and created again starts without it. Enabling takes effect when the request commits: the answer
says ENABLING (or DISABLING), as AWS's does, and DescribeContributorInsights then says ENABLED (or
DISABLED). An enabled table has AWS's CloudWatch rules, named
DynamoDBContributorInsights-<PKC|SKC|PKT|SKT>-<table>[-<index>]-<epoch milliseconds of enabling>:
most accessed (C) and most throttled (T) partition keys (PK) and, with a sort key, items (SK); in mode
THROTTLED_KEYS only the throttled ones. The keys themselves are CloudWatch's to report; fogbank's
per-partition-key traffic is on GET /_fogbank/dynamodb/partitions/ACCOUNT/REGION/TABLE (partitions.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.services.dynamodb import service, tables
from fogbank.services.dynamodb.doc_pages import page_after
from fogbank.services.dynamodb.tables import Table

__all__: list[str] = []

KIND = "contributor_insights"
DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"
_MAX_RESULTS = 100
_TRANSITION = {"ENABLE": ("ENABLING", "ENABLED"), "DISABLE": ("DISABLING", "DISABLED")}


def _target(ctx: Context, request: dict[str, Any]) -> tuple[Table, str | None, tuple[str, ...]]:
    """The table, the index named (a global one) and the key names of what the request is about."""
    table = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    index_name = request.get("IndexName")
    if index_name is None:
        return table, None, table.key_names()
    index = next((i for i in table.gsis if i.name == index_name), None)
    if index is None:
        raise tables.not_found()
    return table, index_name, index.key_names()


def _doc_name(table: Table, index_name: str | None) -> str:
    return table.name if index_name is None else f"{table.name}/{index_name}"


def _current(ctx: Context, table: Table, index_name: str | None) -> dict[str, Any] | None:
    doc = ctx.tx.get_doc("dynamodb", KIND, ctx.account, ctx.region, _doc_name(table, index_name))
    return doc if doc is not None and doc["TableId"] == table.doc["TableId"] else None


def _rules(table: Table, index_name: str | None, keys: tuple[str, ...], mode: str, at: float) -> list[str]:
    kinds = ["PKC", "SKC", "PKT", "SKT"] if mode == DEFAULT_MODE else ["PKT", "SKT"]
    if len(keys) < 2:
        kinds = [k for k in kinds if not k.startswith("SK")]
    target = table.name if index_name is None else f"{table.name}-{index_name}"
    return [f"DynamoDBContributorInsights-{kind}-{target}-{int(at * 1000)}" for kind in kinds]


def _names(table: Table, index_name: str | None) -> dict[str, Any]:
    return {"TableName": table.name, **({"IndexName": index_name} if index_name else {})}


@service.handler("UpdateContributorInsights")
def update_contributor_insights(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table, index_name, keys = _target(ctx, request)
    answer, status = _TRANSITION[request["ContributorInsightsAction"]]
    mode = request.get("ContributorInsightsMode", DEFAULT_MODE)
    now = ctx.clock.now().timestamp()
    doc: dict[str, Any] = {
        **_names(table, index_name),
        "TableId": table.doc["TableId"],
        "ContributorInsightsStatus": status,
        "LastUpdateDateTime": now,
    }
    if status == "ENABLED":
        doc["ContributorInsightsMode"] = mode
        doc["ContributorInsightsRuleList"] = _rules(table, index_name, keys, mode, now)
    ctx.tx.put_doc("dynamodb", KIND, ctx.account, ctx.region, _doc_name(table, index_name), doc)
    out = {**_names(table, index_name), "ContributorInsightsStatus": answer}
    if status == "ENABLED":
        out["ContributorInsightsMode"] = mode
    return out


@service.handler("DescribeContributorInsights")
def describe_contributor_insights(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table, index_name, _ = _target(ctx, request)
    doc = _current(ctx, table, index_name)
    if doc is None:
        return {**_names(table, index_name), "ContributorInsightsStatus": "DISABLED"}
    out = {k: v for k, v in doc.items() if k != "TableId"}
    out["LastUpdateDateTime"] = datetime.fromtimestamp(doc["LastUpdateDateTime"], UTC)
    return out


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    members = ("TableName", "IndexName", "ContributorInsightsStatus", "ContributorInsightsMode")
    return {member: doc[member] for member in members if member in doc}


@service.handler("ListContributorInsights")
def list_contributor_insights(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    # The model allows MaxResults 0, which AWS takes as the default page.
    limit = request.get("MaxResults") or _MAX_RESULTS
    only = None
    if request.get("TableName") is not None:
        only = tables.load(ctx.tx, ctx.account, ctx.region, request["TableName"])
    live: dict[str, str] = {}
    docs = []
    for name, doc in ctx.tx.list_docs("dynamodb", KIND, ctx.account, ctx.region):
        if only is not None and doc["TableName"] != only.name:
            continue
        if doc["TableName"] not in live:
            table = tables.load_or_none(ctx.tx, ctx.account, ctx.region, doc["TableName"])
            live[doc["TableName"]] = "" if table is None else table.doc["TableId"]
        if live[doc["TableName"]] == doc["TableId"]:
            docs.append({**doc, "Name": name})
    page, last = page_after(docs, "Name", request.get("NextToken"), limit)
    out: dict[str, Any] = {"ContributorInsightsSummaries": [_summary(doc) for doc in page]}
    if last is not None:
        out["NextToken"] = last
    return out
