"""SES email receiving's state: receipt rule sets (with their rules, in order), IP filters, the active set.

A rule set is one document {name, created, rules: [ReceiptRule as the API spells it]}; a filter is one
document {Name, IpFilter {Policy, Cidr}}. The active rule set's name is kept in the account document
(store.account_state), as AWS keeps one active set per account and region. Errors are v1's (receiving
has no v2 API).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import store

if TYPE_CHECKING:
    from fogbank.state import Transaction

__all__ = [
    "RULE_SET",
    "FILTER",
    "check_name",
    "rule_set",
    "existing_rule_set",
    "put_rule_set",
    "rule_sets",
    "rule_index",
    "active_name",
    "set_active",
    "filters",
    "metadata",
    "already_exists",
    "unwritable",
]

RULE_SET = "receiptruleset"
FILTER = "receiptfilter"
_ACTIVE = "active_rule_set"

# Rule set, rule and filter names: ASCII letters, digits, underscores, periods and dashes, starting and
# ending with a letter or digit, fewer than 64 characters.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?")


def check_name(name: str, what: str) -> None:
    if not _NAME.fullmatch(name):
        raise ServiceError(
            "InvalidParameterValue",
            f"{what} name must contain only ASCII letters (a-z, A-Z), numbers (0-9), underscores (_), "
            "periods (.) or dashes (-), start and end with a letter or number, and be less than 64 "
            f"characters: {name}",
            400,
        )


def already_exists(what: str, name: str) -> ServiceError:
    return ServiceError("AlreadyExists", f"{what} already exists: {name}", 400, fields={"Name": name})


def unwritable(bucket: str) -> ServiceError:
    """An S3 action's bucket that does not exist (when the rule is written, or when mail arrives)."""
    return ServiceError(
        "InvalidS3Configuration", f"Could not write to bucket: {bucket}", 400, fields={"Bucket": bucket}
    )


def rule_set(tx: Transaction, account: str, region: str, name: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, RULE_SET, account, region, name)


def existing_rule_set(tx: Transaction, account: str, region: str, name: str) -> dict[str, Any]:
    doc = rule_set(tx, account, region, name)
    if doc is None:
        raise ServiceError(
            "RuleSetDoesNotExist", f"Rule set does not exist: {name}", 400, fields={"Name": name}
        )
    return doc


def put_rule_set(tx: Transaction, account: str, region: str, doc: dict[str, Any]) -> None:
    tx.put_doc(store.SERVICE, RULE_SET, account, region, doc["name"], doc)


def rule_sets(tx: Transaction, account: str, region: str) -> list[dict[str, Any]]:
    """Every rule set, in name order."""
    return [doc for _, doc in tx.list_docs(store.SERVICE, RULE_SET, account, region)]


def rule_index(doc: dict[str, Any], name: str) -> int:
    """Where the rule `name` stands in its set, or RuleDoesNotExist."""
    for index, rule in enumerate(doc["rules"]):
        if rule["Name"] == name:
            return index
    raise ServiceError("RuleDoesNotExist", f"Rule does not exist: {name}", 400, fields={"Name": name})


def metadata(doc: dict[str, Any]) -> dict[str, Any]:
    return {"Name": doc["name"], "CreatedTimestamp": datetime.fromisoformat(doc["created"])}


def active_name(tx: Transaction, account: str, region: str) -> str | None:
    return store.account_state(tx, account, region).get(_ACTIVE)


def set_active(tx: Transaction, account: str, region: str, name: str | None) -> None:
    state = store.account_state(tx, account, region)
    state.pop(_ACTIVE, None)
    if name is not None:
        state[_ACTIVE] = name
    store.put_account_state(tx, account, region, state)


def filters(tx: Transaction, account: str, region: str) -> list[dict[str, Any]]:
    return [doc for _, doc in tx.list_docs(store.SERVICE, FILTER, account, region)]
