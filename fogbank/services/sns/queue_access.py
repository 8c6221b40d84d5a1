"""Whether a topic may send to an SQS queue of another account: the queue's policy must allow it.

Within one account SNS delivers to any queue. Across accounts AWS delivers only when the queue policy
allows the service principal sns.amazonaws.com sqs:SendMessage on the queue (usually with an aws:SourceArn
condition naming the topic); the policy is evaluated by the policy engine with the request context SNS
sends (aws:SourceArn, aws:SourceAccount).
"""

from __future__ import annotations

from functools import lru_cache

from fogbank.policy import AuthzRequest, LabelledPolicy, PolicySet, PrincipalContext, evaluate, parse_policy
from fogbank.state import Transaction

__all__ = ["may_send"]

_SNS = PrincipalContext(arn="sns.amazonaws.com", account="", kind="service", service="sns.amazonaws.com")


@lru_cache(maxsize=512)
def _parsed(queue_arn: str, text: str) -> LabelledPolicy | None:
    try:
        return LabelledPolicy(f"queue policy of {queue_arn}", parse_policy(text, "resource"))
    except Exception:  # a policy SQS accepted but the engine cannot read allows nothing
        return None


def may_send(tx: Transaction, topic_arn: str, queue_arn: str) -> bool:
    topic_account = topic_arn.split(":")[4]
    queue_account = queue_arn.split(":")[4]
    if topic_account == queue_account:
        return True
    from fogbank.services.sqs.queues import load_arn

    queue = load_arn(tx, queue_arn)
    text = queue.attributes.get("Policy") if queue is not None else None
    if not text:
        return False
    policy = _parsed(queue_arn, text)
    if policy is None:
        return False
    context = {"aws:SourceArn": topic_arn, "aws:SourceAccount": topic_account}
    request = AuthzRequest(_SNS, "sqs:SendMessage", queue_arn, queue_account, context)
    return evaluate(request, PolicySet(resource=(policy,))).allowed
