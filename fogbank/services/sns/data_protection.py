"""Message data protection policies: Put/GetDataProtectionPolicy keep the policy on its topic (unenforced)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Context
from fogbank.services.sns import service, store

__all__ = ["check_data_protection_policy"]


def check_data_protection_policy(text: str) -> None:
    try:
        policy = json.loads(text)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise store.invalid("DataProtectionPolicy Reason: Data protection policy must be a JSON object")
    for member in ("Name", "Version", "Statement"):
        if member not in policy:
            raise store.invalid(f"DataProtectionPolicy Reason: Missing required field [{member}]")


@service.handler("PutDataProtectionPolicy")
def put_data_protection_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    topic = store.topic_of(tx, request["ResourceArn"], "ResourceArn")
    check_data_protection_policy(request["DataProtectionPolicy"])
    topic["DataProtectionPolicy"] = request["DataProtectionPolicy"]
    store.save_topic(tx, topic)
    return {}


@service.handler("GetDataProtectionPolicy")
def get_data_protection_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    topic = store.topic_of(ctx.tx, request["ResourceArn"], "ResourceArn")
    return {"DataProtectionPolicy": topic.get("DataProtectionPolicy", "")}
