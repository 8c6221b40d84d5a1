"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, and the checks a new key policy passes.

A key has exactly one key policy, named "default", kept as the text it was given (Policy in the key's
document). A new policy must be a valid resource-based policy (fogbank.policy's grammar, AWS's messages)
of at most 32 KB, and, unless the caller bypasses the policy lockout safety check, it must let the
caller put the key policy again: a key whose policy allows no one to change it can never be managed.
`check_key_policy` is what CreateKey and PutKeyPolicy both ask.
"""

from __future__ import annotations

from typing import Any

from fogbank.authorization import principal_context, request_context
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import AuthzRequest, LabelledPolicy, PolicyError, PolicySet, evaluate, parse_policy
from fogbank.services.kms import lifecycle, service
from fogbank.services.kms.resolve import check_customer_managed, key_of, tx_of

__all__ = ["POLICY_NAME", "MAX_POLICY_BYTES", "check_key_policy", "check_policy_lockout"]

POLICY_NAME = "default"
MAX_POLICY_BYTES = 32768
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."

# The lockout check asks what the key policy alone allows: the caller is taken to hold every permission
# IAM could give, so a key policy that delegates to the account passes and an explicit deny does not.
_ANY_IDENTITY = LabelledPolicy(
    "any identity-based policy",
    parse_policy(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', "identity"
    ),
)


def _malformed(message: str) -> ServiceError:
    return ServiceError("MalformedPolicyDocumentException", message, 400)


def check_key_policy(ctx: Context, text: str, key_arn: str | None, *, bypass: bool = False) -> None:
    """Refuse a key policy AWS would refuse: too large, not a valid policy, or locking the caller out."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise ServiceError(
            "LimitExceededException", f"Policy exceeds the maximum size of {MAX_POLICY_BYTES} bytes.", 400
        )
    try:
        parse_policy(text, "resource")
    except PolicyError as error:
        raise _malformed(error.message) from None
    if not bypass:
        check_policy_lockout(ctx, text, key_arn)


def check_policy_lockout(ctx: Context, policy_text: str, key_arn: str | None = None) -> None:
    """The policy lockout safety check: the new key policy must let the caller call PutKeyPolicy.

    `key_arn` is the key's; CreateKey, whose key has no ARN yet, may leave it out.
    """
    principal = ctx.principal
    assert principal is not None
    try:
        policy = parse_policy(policy_text, "resource")
    except PolicyError as error:
        raise _malformed(error.message) from None
    resource = key_arn or f"arn:aws:kms:{ctx.region}:{ctx.account}:key/*"
    context = {
        **request_context(ctx, principal, {}, None),
        "kms:CallerAccount": ctx.account,
        "kms:BypassPolicyLockoutSafetyCheck": False,
    }
    request = AuthzRequest(
        principal_context(tx_of(ctx), principal), "kms:PutKeyPolicy", resource, None, context
    )
    policies = PolicySet(
        identity=(_ANY_IDENTITY,),
        resource=(LabelledPolicy("the new key policy", policy),),
        resource_required=True,
    )
    if not evaluate(request, policies).allowed:
        raise _malformed(LOCKOUT)


def _no_such_policy(name: str) -> ServiceError:
    return ServiceError("NotFoundException", f"No such policy exists: {name}", 400)


@service.handler("GetKeyPolicy")
def get_key_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    name = request.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise _no_such_policy(name)
    return {"Policy": doc["Policy"], "PolicyName": POLICY_NAME}


@service.handler("PutKeyPolicy")
def put_key_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    check_customer_managed(ctx, doc, "PutKeyPolicy")
    name = request.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise _no_such_policy(name)
    text = request["Policy"]
    check_key_policy(ctx, text, doc["Arn"], bypass=bool(request.get("BypassPolicyLockoutSafetyCheck")))
    doc["Policy"] = text
    lifecycle.save(tx_of(ctx), doc)
    return {}


@service.handler("ListKeyPolicies")
def list_key_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    key_of(ctx, request["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
