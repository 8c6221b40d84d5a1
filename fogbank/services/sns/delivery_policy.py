"""HTTP/HTTPS delivery policies: their validation, the policy in effect for a subscription, and its delays.

A topic's DeliveryPolicy gives {"http": {"defaultHealthyRetryPolicy": {...}, "disableSubscriptionOverrides":
bool}}; a subscription's gives {"healthyRetryPolicy": {...}}. The subscription's retry policy wins unless
the topic disables overrides; members a policy leaves out take AWS's defaults (3 retries, 20 seconds apart).

A retry policy has four phases, as AWS documents them: numNoDelayRetries at once, numMinDelayRetries
minDelayTarget apart, the backoff phase (the retries left over) rising from minDelayTarget to
maxDelayTarget by the backoff function, then numMaxDelayRetries maxDelayTarget apart. AWS adds jitter;
fogbank's delays are exact, so that moving the clock makes a retry due predictably.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fogbank.services.sns import store

__all__ = ["DEFAULT_RETRY_POLICY", "check_topic_policy", "check_subscription_policy", "effective", "delays"]

DEFAULT_RETRY_POLICY: dict[str, Any] = {
    "minDelayTarget": 20,
    "maxDelayTarget": 20,
    "numRetries": 3,
    "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0,
    "numMinDelayRetries": 0,
    "backoffFunction": "linear",
}
_COUNTS = ("numRetries", "numNoDelayRetries", "numMinDelayRetries", "numMaxDelayRetries")
_FUNCTIONS = ("linear", "arithmetic", "geometric", "exponential")
MAX_RETRIES = 100
# AWS's hard limit on the whole retry time of an HTTP/S delivery policy.
MAX_TOTAL_SECONDS = 3600


def _refuse(reason: str) -> Exception:
    return store.invalid(f"DeliveryPolicy: {reason}")


def _retry_policy(given: Any, where: str) -> dict[str, Any]:
    """The retry policy with AWS's defaults for what it leaves out, or InvalidParameter."""
    if not isinstance(given, dict):
        raise _refuse(f"{where} must be an object")
    policy = {**DEFAULT_RETRY_POLICY, **given}
    for name in (*_COUNTS, "minDelayTarget", "maxDelayTarget"):
        value = policy[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _refuse(f"{where}.{name} must be a non-negative integer")
    if policy["backoffFunction"] not in _FUNCTIONS:
        raise _refuse(f"{where}.backoffFunction must be one of {', '.join(_FUNCTIONS)}")
    if policy["numRetries"] > MAX_RETRIES:
        raise _refuse(f"{where}.numRetries must be less than or equal to {MAX_RETRIES}")
    if policy["minDelayTarget"] < 1 and policy["numRetries"] > policy["numNoDelayRetries"]:
        raise _refuse(f"{where}.minDelayTarget must be greater than 0")
    if policy["minDelayTarget"] > policy["maxDelayTarget"]:
        raise _refuse(f"{where}.minDelayTarget must be less than or equal to {where}.maxDelayTarget")
    phases = policy["numNoDelayRetries"] + policy["numMinDelayRetries"] + policy["numMaxDelayRetries"]
    if phases > policy["numRetries"]:
        raise _refuse(
            f"{where}.numRetries must be greater than or equal to the sum of numNoDelayRetries, "
            "numMinDelayRetries and numMaxDelayRetries"
        )
    if sum(delays(policy)) > MAX_TOTAL_SECONDS:
        raise _refuse(
            f"total retry time of {where} must be less than or equal to {MAX_TOTAL_SECONDS} seconds"
        )
    return policy


def _parse(text: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise _refuse("failed to parse JSON")
    return parsed


def check_topic_policy(text: str) -> None:
    """Refuse a topic DeliveryPolicy as AWS does."""
    http = _parse(text).get("http")
    if http is None:
        return
    if not isinstance(http, dict):
        raise _refuse("http must be an object")
    if "defaultHealthyRetryPolicy" in http:
        _retry_policy(http["defaultHealthyRetryPolicy"], "defaultHealthyRetryPolicy")


def check_subscription_policy(text: str) -> None:
    """Refuse a subscription DeliveryPolicy as AWS does."""
    parsed = _parse(text)
    if "healthyRetryPolicy" in parsed:
        _retry_policy(parsed["healthyRetryPolicy"], "healthyRetryPolicy")


def effective(topic: dict[str, Any], sub: dict[str, Any]) -> dict[str, Any]:
    """The retry policy in effect for an HTTP/HTTPS subscription of `topic`, every member filled in."""
    topic_http = json.loads(topic["Attributes"].get("DeliveryPolicy") or "{}").get("http") or {}
    chosen = topic_http.get("defaultHealthyRetryPolicy") or {}
    if not topic_http.get("disableSubscriptionOverrides"):
        own = json.loads(sub["Attributes"].get("DeliveryPolicy") or "{}").get("healthyRetryPolicy")
        if own:
            chosen = own
    return {**DEFAULT_RETRY_POLICY, **chosen}


def delays(policy: dict[str, Any]) -> list[float]:
    """Seconds before each retry of `policy` (numRetries of them), phase by phase."""
    low, high = float(policy["minDelayTarget"]), float(policy["maxDelayTarget"])
    backoff = (
        policy["numRetries"]
        - policy["numNoDelayRetries"]
        - policy["numMinDelayRetries"]
        - policy["numMaxDelayRetries"]
    )
    rising = [_backoff(policy["backoffFunction"], low, high, i, backoff) for i in range(backoff)]
    return (
        [0.0] * policy["numNoDelayRetries"]
        + [low] * policy["numMinDelayRetries"]
        + rising
        + [high] * policy["numMaxDelayRetries"]
    )


def _backoff(function: str, low: float, high: float, index: int, count: int) -> float:
    """The delay of the `index`-th of `count` backoff retries: minDelayTarget first, maxDelayTarget last."""
    if count == 1 or low == high:
        return low
    t = index / (count - 1)
    if function == "linear":
        share = t
    elif function == "arithmetic":
        share = t * (t + 1) / 2
    elif function == "geometric":
        return round(low * (high / low) ** t, 3)
    else:  # exponential: slow at first, steep at the end
        share = (math.exp(4 * t) - 1) / (math.exp(4) - 1)
    return round(low + (high - low) * share, 3)
