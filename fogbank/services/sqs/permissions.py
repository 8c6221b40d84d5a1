"""Queue policies: the policy engine's view of a queue's Policy, AddPermission and RemovePermission.

`queue_policy` is SQS's resource-policy hook: the authorize stage evaluates a queue's Policy with the
caller's identity policies, so an IAM user needs an allow from either (within the account), another
account's principal needs the queue policy's allow, and an explicit deny in it binds everyone.
AddPermission and RemovePermission edit that same Policy statement by statement (Sid = Label).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import LabelledPolicy, parse_policy
from fogbank.policy.actions import Requirement
from fogbank.services.sqs import queues, service
from fogbank.services.sqs.names import queue_arn, ref_from_arn
from fogbank.services.sqs.queues import load_ref, queue_of, save, tx_of
from fogbank.services.sqs.validation import invalid_value
from fogbank.state import Transaction
from fogbank.state.kept import VersionedCache

__all__ = ["queue_policy"]

MAX_ACTIONS = 7
# Actions a queue's owner cannot grant with AddPermission.
_UNGRANTABLE = frozenset(
    {
        "AddPermission",
        "CancelMessageMoveTask",
        "CreateQueue",
        "DeleteQueue",
        "ListMessageMoveTasks",
        "ListQueues",
        "ListQueueTags",
        "RemovePermission",
        "SetQueueAttributes",
        "StartMessageMoveTask",
        "TagQueue",
        "UntagQueue",
    }
)


# Policy text by queue ARN (None: no queue, or no Policy), so the authorize stage does not read the
# queue's document (and open a transaction for it) on every request.
_texts: VersionedCache[str, str | None] = VersionedCache(queues.WRITES, 4096)


def _policy_text(tx: Transaction, resource_arn: str) -> str | None:
    return _texts.get(tx, resource_arn, _read_policy_text, tx, resource_arn)


def _read_policy_text(tx: Transaction, resource_arn: str) -> str | None:
    ref = ref_from_arn(resource_arn)
    queue = load_ref(tx, ref) if ref is not None else None
    return queue.attributes.get("Policy") if queue is not None else None


@lru_cache(maxsize=512)
def _parsed(resource_arn: str, text: str) -> LabelledPolicy:
    return LabelledPolicy(f"queue policy of {resource_arn}", parse_policy(text, "resource"))


@service.resource_policies
def queue_policy(ctx: Context, tx: Transaction, resource_arn: str) -> LabelledPolicy | None:
    text = _policy_text(tx, resource_arn)
    return _parsed(resource_arn, text) if text else None


@service.authorize("GetQueueUrl")
def get_queue_url_requirements(ctx: Context, request: dict[str, Any]) -> list[Requirement]:
    """GetQueueUrl names the queue by name and owner, not by URL."""
    account = request.get("QueueOwnerAWSAccountId") or ctx.account
    arn = queue_arn(account, ctx.region, request.get("QueueName", ""))
    return [Requirement("sqs:GetQueueUrl", arn, resource_account=account)]


def _policy(text: str | None, arn: str) -> dict[str, Any]:
    if text:
        return json.loads(text)
    return {"Version": "2012-10-17", "Id": f"{arn}/SQSDefaultPolicy", "Statement": []}


@service.handler("AddPermission")
def add_permission(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    label = request["Label"]
    accounts = request.get("AWSAccountIds") or []
    actions = request.get("Actions") or []
    if not accounts:
        raise ServiceError("MissingParameter", "The request must contain the parameter AWSAccountIds.", 400)
    if not actions:
        raise ServiceError("MissingParameter", "The request must contain the parameter Actions.", 400)
    if len(actions) > MAX_ACTIONS:
        raise ServiceError(
            "OverLimit", f"{len(actions)} Actions were found, maximum allowed is {MAX_ACTIONS}.", 403
        )
    for action in actions:
        if action != "*" and (action in _UNGRANTABLE or action not in ctx.service.operation_names):  # type: ignore[union-attr]
            raise invalid_value(
                "ActionName", action, "Please refer to the appropriate WSDL for a list of valid actions."
            )
    policy = _policy(queue.attributes.get("Policy"), queue.arn)
    if any(statement.get("Sid") == label for statement in policy["Statement"]):
        raise invalid_value("Label", label, "Already exists.")
    principals = [f"arn:aws:iam::{account}:root" for account in accounts]
    policy["Statement"].append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": [f"SQS:{action}" for action in actions] if len(actions) > 1 else f"SQS:{actions[0]}",
            "Resource": queue.arn,
        }
    )
    queue.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
    queue.modified = ctx.clock.time()
    save(tx_of(ctx), queue)
    return {}


@service.handler("RemovePermission")
def remove_permission(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    label = request["Label"]
    policy = _policy(queue.attributes.get("Policy"), queue.arn)
    kept = [statement for statement in policy["Statement"] if statement.get("Sid") != label]
    if len(kept) == len(policy["Statement"]):
        raise invalid_value("Label", label, "can't find label on existing policy.")
    if kept:
        policy["Statement"] = kept
        queue.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
    else:
        queue.attributes.pop("Policy", None)
    queue.modified = ctx.clock.time()
    save(tx_of(ctx), queue)
    return {}
