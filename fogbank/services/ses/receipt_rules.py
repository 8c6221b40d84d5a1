"""SES v1 email receiving's control plane: receipt rule sets, their rules (in order) and IP filters.

A rule is checked as AWS checks it when it is written: its S3 buckets must exist (InvalidS3Configuration)
and its SNS topics too (InvalidSnsTopic). Lambda, WorkMail and Connect actions are kept as given (fogbank
runs none of them when mail arrives; inbound.py records them). Quotas are AWS's: 40 rule sets per account,
200 rules per set, 100 IP filters.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import paging, service, store
from fogbank.services.ses import receipt_store as rs

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

MAX_RULE_SETS = 40
MAX_RULES = 200
MAX_FILTERS = 100
MAX_RECIPIENTS = 100
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,49}")


def _where(ctx: Context) -> tuple[Any, str, str]:
    return store.tx_of(ctx), ctx.account, ctx.region


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message, 400)


def _limit(message: str) -> ServiceError:
    return ServiceError("LimitExceeded", message, 400)


def _check_topic(ctx: Context, arn: str) -> None:
    from fogbank.services.sns.store import topic_of

    try:
        topic_of(store.tx_of(ctx), arn)
    except ServiceError:
        raise ServiceError(
            "InvalidSnsTopic", f"Could not publish to SNS topic: {arn}", 400, fields={"Topic": arn}
        ) from None


def _check_action(ctx: Context, action: dict[str, Any]) -> None:
    if len(action) != 1:
        raise _invalid("Each receipt action must specify exactly one action type.")
    ((kind, spec),) = action.items()
    if kind == "S3Action":
        from fogbank.services.s3.store import BUCKET, SERVICE

        bucket = spec["BucketName"]
        if store.tx_of(ctx).get_doc(SERVICE, BUCKET, "", "", bucket) is None:
            raise rs.unwritable(bucket)
    elif kind == "AddHeaderAction":
        value = spec["HeaderValue"]
        if not _HEADER_NAME.fullmatch(spec["HeaderName"]):
            raise _invalid(f"Invalid header name: {spec['HeaderName']}")
        if len(value) >= 2048 or "\r" in value or "\n" in value:
            raise _invalid("Header value must be less than 2048 characters and contain no line breaks.")
    if "TopicArn" in spec:
        _check_topic(ctx, spec["TopicArn"])


def _rule(ctx: Context, given: dict[str, Any]) -> dict[str, Any]:
    """The rule as stored and described: AWS's defaults filled in, every action checked."""
    rs.check_name(given["Name"], "Rule")
    tls = given.get("TlsPolicy", "Optional")
    recipients = given.get("Recipients", [])
    if len(recipients) > MAX_RECIPIENTS:
        raise _limit(f"A receipt rule can have at most {MAX_RECIPIENTS} recipients.")
    for action in given.get("Actions", []):
        _check_action(ctx, action)
    return {
        "Name": given["Name"],
        "Enabled": given.get("Enabled", False),
        "TlsPolicy": tls,
        "Recipients": recipients,
        "Actions": given.get("Actions", []),
        "ScanEnabled": given.get("ScanEnabled", False),
    }


def _save(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    rs.put_rule_set(*_where(ctx), doc)
    return {}


@service.handler("CreateReceiptRuleSet")
def create_rule_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _new_set(ctx, request["RuleSetName"], [])


def _new_set(ctx: Context, name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    rs.check_name(name, "Rule set")
    if rs.rule_set(*_where(ctx), name) is not None:
        raise rs.already_exists("Rule set", name)
    if len(rs.rule_sets(*_where(ctx))) >= MAX_RULE_SETS:
        raise _limit(f"An account can have at most {MAX_RULE_SETS} receipt rule sets.")
    return _save(ctx, {"name": name, "created": ctx.clock.now().isoformat(), "rules": rules})


@service.handler("CloneReceiptRuleSet")
def clone_rule_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    original = rs.existing_rule_set(*_where(ctx), request["OriginalRuleSetName"])
    return _new_set(ctx, request["RuleSetName"], original["rules"])


@service.handler("DeleteReceiptRuleSet")
def delete_rule_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["RuleSetName"]
    if rs.active_name(*_where(ctx)) == name:
        raise ServiceError(
            "CannotDelete", f"Cannot delete active rule set: {name}", 400, fields={"Name": name}
        )
    store.tx_of(ctx).delete_doc(store.SERVICE, rs.RULE_SET, ctx.account, ctx.region, name)
    return {}


@service.handler("DescribeReceiptRuleSet")
def describe_rule_set(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    return {"Metadata": rs.metadata(doc), "Rules": doc["rules"]}


@service.handler("ListReceiptRuleSets")
def list_rule_sets(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [rs.metadata(doc) for doc in rs.rule_sets(*_where(ctx))]
    return paging.page_v1(entries, request, "RuleSets", default=100, most=100)


@service.handler("SetActiveReceiptRuleSet")
def set_active(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request.get("RuleSetName")
    if name is not None:
        rs.existing_rule_set(*_where(ctx), name)
    rs.set_active(*_where(ctx), name)
    return {}


@service.handler("DescribeActiveReceiptRuleSet")
def describe_active(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = rs.active_name(*_where(ctx))
    doc = rs.rule_set(*_where(ctx), name) if name else None
    return {"Metadata": rs.metadata(doc), "Rules": doc["rules"]} if doc else {}


@service.handler("ReorderReceiptRuleSet")
def reorder(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    names = request["RuleNames"]
    rules = [doc["rules"][rs.rule_index(doc, name)] for name in names]
    if len(set(names)) != len(names) or len(rules) != len(doc["rules"]):
        raise _invalid("RuleNames must name every rule of the rule set exactly once.")
    return _save(ctx, doc | {"rules": rules})


def _insert(doc: dict[str, Any], rule: dict[str, Any], after: str | None) -> None:
    """Put `rule` first, or right after the rule `after`."""
    position = rs.rule_index(doc, after) + 1 if after is not None else 0
    doc["rules"].insert(position, rule)


@service.handler("CreateReceiptRule")
def create_rule(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    rule = _rule(ctx, request["Rule"])
    if any(existing["Name"] == rule["Name"] for existing in doc["rules"]):
        raise rs.already_exists("Rule", rule["Name"])
    if len(doc["rules"]) >= MAX_RULES:
        raise _limit(f"A receipt rule set can have at most {MAX_RULES} rules.")
    _insert(doc, rule, request.get("After"))
    return _save(ctx, doc)


@service.handler("UpdateReceiptRule")
def update_rule(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    index = rs.rule_index(doc, request["Rule"]["Name"])
    doc["rules"][index] = _rule(ctx, request["Rule"])
    return _save(ctx, doc)


@service.handler("DeleteReceiptRule")
def delete_rule(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    return _save(ctx, doc | {"rules": [r for r in doc["rules"] if r["Name"] != request["RuleName"]]})


@service.handler("DescribeReceiptRule")
def describe_rule(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    return {"Rule": doc["rules"][rs.rule_index(doc, request["RuleName"])]}


@service.handler("SetReceiptRulePosition")
def set_position(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = rs.existing_rule_set(*_where(ctx), request["RuleSetName"])
    rule = doc["rules"].pop(rs.rule_index(doc, request["RuleName"]))
    _insert(doc, rule, request.get("After"))
    return _save(ctx, doc)


@service.handler("CreateReceiptFilter")
def create_filter(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    given = request["Filter"]
    name, ip = given["Name"], given["IpFilter"]
    rs.check_name(name, "Filter")
    try:
        ipaddress.ip_network(ip["Cidr"], strict=False)
    except ValueError:
        raise _invalid(f"Invalid CIDR: {ip['Cidr']}") from None
    tx, account, region = _where(ctx)
    if tx.get_doc(store.SERVICE, rs.FILTER, account, region, name) is not None:
        raise rs.already_exists("Filter", name)
    if len(rs.filters(tx, account, region)) >= MAX_FILTERS:
        raise _limit(f"An account can have at most {MAX_FILTERS} receipt filters.")
    tx.put_doc(store.SERVICE, rs.FILTER, account, region, name, {"Name": name, "IpFilter": ip})
    return {}


@service.handler("DeleteReceiptFilter")
def delete_filter(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    store.tx_of(ctx).delete_doc(store.SERVICE, rs.FILTER, ctx.account, ctx.region, request["FilterName"])
    return {}


@service.handler("ListReceiptFilters")
def list_filters(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"Filters": rs.filters(*_where(ctx))}
