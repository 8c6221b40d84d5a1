"""Topic access policies: AddPermission, RemovePermission, and the policy the authorize stage enforces.

A topic without a Policy attribute has AWS's default policy (topics.default_policy). AddPermission adds a
statement labelled Sid=Label allowing the named accounts the named actions; RemovePermission removes it.
Subscribe carries SNS's condition keys sns:Protocol and sns:Endpoint.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fogbank.context import Context
from fogbank.policy import LabelledPolicy, parse_policy
from fogbank.policy.actions import Requirement, derived_requirements
from fogbank.services.sns import service, store
from fogbank.services.sns.topics import default_policy
from fogbank.state import Transaction
from fogbank.state.kept import VersionedCache

__all__ = ["topic_policy", "policy_text"]


def policy_text(topic: dict[str, Any]) -> str:
    arn = topic["TopicArn"]
    return topic["Attributes"].get("Policy") or default_policy(arn, arn.split(":")[4])


# Policy text by topic ARN (None: no such topic), so the authorize stage does not read the topic's
# document (and open a transaction for it) on every publish.
_texts: VersionedCache[str, str | None] = VersionedCache(store.WRITES, 4096)


@lru_cache(maxsize=1024)
def _parsed(arn: str, text: str) -> LabelledPolicy:
    return LabelledPolicy(f"topic policy of {arn}", parse_policy(text, "resource"))


@service.resource_policies
def topic_policy(ctx: Context, tx: Transaction, resource_arn: str) -> LabelledPolicy | None:
    """The access policy of the topic `resource_arn` names; None for anything else or a missing topic."""
    match = store.TOPIC_ARN.match(resource_arn)
    if match is None:
        return None
    text = _texts.get(tx, resource_arn, _read_policy_text, tx, *match.groups())
    return _parsed(resource_arn, text) if text is not None else None


def _read_policy_text(tx: Transaction, region: str, account: str, name: str) -> str | None:
    topic = tx.get_doc(store.SERVICE, store.TOPIC, account, region, name)
    return policy_text(topic) if topic is not None else None


def _save(tx: Transaction, topic: dict[str, Any], policy: dict[str, Any]) -> None:
    topic["Attributes"]["Policy"] = json.dumps(policy, separators=(",", ":"))
    store.save_topic(tx, topic)


@service.handler("AddPermission")
def add_permission(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["TopicArn"])
    policy = json.loads(policy_text(topic))
    label = request["Label"]
    statements = policy.setdefault("Statement", [])
    if any(s.get("Sid") == label for s in statements):
        raise store.invalid("Statement already exists")
    accounts = request["AWSAccountId"]
    actions = request["ActionName"]
    principals = [f"arn:aws:iam::{a}:root" for a in accounts]
    statements.append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": [f"SNS:{a}" for a in actions] if len(actions) > 1 else f"SNS:{actions[0]}",
            "Resource": topic["TopicArn"],
        }
    )
    _save(tx, topic, policy)
    return {}


@service.handler("RemovePermission")
def remove_permission(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["TopicArn"])
    policy = json.loads(policy_text(topic))
    statements = policy.get("Statement", [])
    kept = [s for s in statements if s.get("Sid") != request["Label"]]
    if len(kept) != len(statements):
        policy["Statement"] = kept
        _save(tx, topic, policy)
    return {}


@service.authorize("Subscribe")
def _subscribe_requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    assert ctx.operation is not None
    context = {"sns:Protocol": params.get("Protocol", ""), "sns:Endpoint": params.get("Endpoint", "")}
    return [
        Requirement(need.action, need.resource, {**need.context, **context}, need.resource_account)
        for need in derived_requirements(ctx, "sns", ctx.operation, params)
    ]


@service.authorize("ConfirmSubscription")
def _confirm_requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
    """Within the topic's account, as IAM says; from another account the token is the credential, as it is
    in a SubscribeURL (a queue's owner confirms the subscription a topic's owner made to it)."""
    assert ctx.operation is not None
    match = store.TOPIC_ARN.match(params.get("TopicArn") or "")
    if match is not None and match.group(2) != ctx.account:
        return []
    return derived_requirements(ctx, "sns", ctx.operation, params)
