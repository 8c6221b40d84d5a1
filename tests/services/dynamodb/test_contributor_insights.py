"""Contributor Insights: enabling and disabling it for tables and global indexes, its rules, listing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.services.dynamodb.errors import error_of

GSI = {
    "IndexName": "by-g",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
}


def test_enable_describe_disable(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range=("sk", "S"))
    assert ddb.describe_contributor_insights(TableName=table) | {"ResponseMetadata": None} == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLED",
        "ResponseMetadata": None,
    }
    enabled = ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ENABLE")
    assert (enabled["TableName"], enabled["ContributorInsightsStatus"]) == (table, "ENABLING")
    described = ddb.describe_contributor_insights(TableName=table)
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert described["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    rules = described["ContributorInsightsRuleList"]
    assert [r.split("-")[1] for r in rules] == ["PKC", "SKC", "PKT", "SKT"]
    for rule in rules:
        assert re.fullmatch(rf"DynamoDBContributorInsights-[PS]K[CT]-{re.escape(table)}-\d{{13}}", rule)
    assert described["LastUpdateDateTime"].tzinfo is not None
    assert "FailureException" not in described
    disabled = ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="DISABLE")
    assert disabled["ContributorInsightsStatus"] == "DISABLING"
    after = ddb.describe_contributor_insights(TableName=table)
    assert after["ContributorInsightsStatus"] == "DISABLED" and "ContributorInsightsRuleList" not in after


def test_index_and_throttled_mode(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(extra_attributes={"g": "S"}, GlobalSecondaryIndexes=[GSI])
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    answer = ddb.update_contributor_insights(
        TableName=arn,
        IndexName="by-g",
        ContributorInsightsAction="ENABLE",
        ContributorInsightsMode="THROTTLED_KEYS",
    )
    assert (answer["TableName"], answer["IndexName"], answer["ContributorInsightsMode"]) == (
        table,
        "by-g",
        "THROTTLED_KEYS",
    )
    index = ddb.describe_contributor_insights(TableName=table, IndexName="by-g")
    assert index["ContributorInsightsStatus"] == "ENABLED"
    assert [r.split("-")[1] for r in index["ContributorInsightsRuleList"]] == ["PKT"]
    assert index["ContributorInsightsRuleList"][0].startswith(
        f"DynamoDBContributorInsights-PKT-{table}-by-g-"
    )
    assert ddb.describe_contributor_insights(TableName=table)["ContributorInsightsStatus"] == "DISABLED"
    for kwargs in ({"TableName": table, "IndexName": "nope"}, {"TableName": table + "-gone"}):
        code, _ = error_of(ddb.update_contributor_insights, ContributorInsightsAction="ENABLE", **kwargs)
        assert code == "ResourceNotFoundException"
        assert error_of(ddb.describe_contributor_insights, **kwargs)[0] == "ResourceNotFoundException"


def test_list_pages_and_forgets_deleted_tables(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(extra_attributes={"g": "S"}, GlobalSecondaryIndexes=[GSI])
    ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ENABLE")
    ddb.update_contributor_insights(TableName=table, IndexName="by-g", ContributorInsightsAction="ENABLE")
    first = ddb.list_contributor_insights(TableName=table, MaxResults=1)
    assert first["ContributorInsightsSummaries"] == [
        {
            "TableName": table,
            "ContributorInsightsStatus": "ENABLED",
            "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS",
        }
    ]
    second = ddb.list_contributor_insights(TableName=table, MaxResults=1, NextToken=first["NextToken"])
    assert [s.get("IndexName") for s in second["ContributorInsightsSummaries"]] == ["by-g"]
    assert "NextToken" not in second
    everything = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert {"by-g", None} <= {s.get("IndexName") for s in everything if s["TableName"] == table}
    assert (
        error_of(ddb.list_contributor_insights, TableName=table + "-gone")[0] == "ResourceNotFoundException"
    )
    ddb.delete_table(TableName=table)
    everything = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert table not in {s["TableName"] for s in everything}
    recreated = make_table(TableName=table)
    assert ddb.describe_contributor_insights(TableName=recreated)["ContributorInsightsStatus"] == "DISABLED"
