"""Server-side encryption of a topic (KmsMasterKeyId): the KMS checks a publish makes.

AWS stores KmsMasterKeyId as given (a key id, key ARN, alias name or alias ARN) and does not look the key
up until a message is published: then the key must exist (KMSNotFound), be enabled (KMSDisabled) and be
usable (KMSInvalidState: pending deletion or import, or not a symmetric encryption key), and the
publisher must be allowed kms:GenerateDataKey and kms:Decrypt on it by the key policy and its own IAM
policies (KMSAccessDenied), with kms:ViaService naming SNS as the AWS managed key alias/aws/sns
requires. The KMS error is reported as SNS reports it: KMS's message with the KMS service, status and
code appended.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.state import Transaction

__all__ = ["check_key", "check_publisher"]

_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


def _kms_error(code: str, kms_code: str, message: str) -> ServiceError:
    return ServiceError(
        code,
        f"{message} (Service: AWSKMS; Status Code: 400; Error Code: {kms_code}; Request ID: {uuid.uuid4()}; "
        "Proxy: null)",
        400,
    )


def check_key(tx: Transaction, now: datetime, topic: dict[str, Any]) -> dict[str, Any] | None:
    """The key of an encrypted topic, checked as KMS would for GenerateDataKey; None when not encrypted."""
    ref = topic["Attributes"].get("KmsMasterKeyId")
    if not ref:
        return None
    from fogbank.services.kms.resolve import resolve_key

    region, account = topic["TopicArn"].split(":")[3:5]
    try:
        key = resolve_key(tx, account, region, ref, now)
    except ServiceError as error:
        raise _kms_error("KMSNotFound", error.code, error.message) from None
    state = key["KeyState"]
    if state == "Disabled":
        raise _kms_error("KMSDisabled", "DisabledException", f"{key['Arn']} is disabled.")
    if state != "Enabled":
        what = {"PendingDeletion": "pending deletion", "PendingImport": "pending import"}.get(state, state)
        raise _kms_error("KMSInvalidState", "KMSInvalidStateException", f"{key['Arn']} is {what}.")
    if key["KeyUsage"] != "ENCRYPT_DECRYPT" or key["KeySpec"] != "SYMMETRIC_DEFAULT":
        raise _kms_error(
            "KMSInvalidState",
            "InvalidKeyUsageException",
            f"{key['Arn']} key usage is {key['KeyUsage']} which is not valid for GenerateDataKey.",
        )
    return key


def check_publisher(ctx: Context, tx: Transaction, key: dict[str, Any]) -> None:
    """KMSAccessDenied unless the caller may have SNS use the key for it."""
    from fogbank.authorization import principal_context, principal_tags, request_context
    from fogbank.policy import AuthzRequest, PolicySet, evaluate
    from fogbank.services.iam.identity_policies import identity_policy_set
    from fogbank.services.kms.authz import key_policies

    principal = ctx.principal
    if principal is None:
        return
    found = key_policies(ctx, tx, key["Arn"])
    identity, boundary = identity_policy_set(tx, principal)
    policies = PolicySet(
        identity=tuple(identity),
        resource=found.policies if found is not None else (),
        boundary=boundary,
        resource_required=True,
    )
    region = key["Arn"].split(":")[3]
    context = {
        **request_context(ctx, principal, principal_tags(tx, principal), None),
        "aws:ViaAWSService": True,  # SNS calls KMS on the publisher's behalf
        "kms:ViaService": f"sns.{region}.amazonaws.com",
        "kms:CallerAccount": principal.account,
    }
    who = principal_context(tx, principal)
    for action in _ACTIONS:
        request = AuthzRequest(who, action, key["Arn"], key["AWSAccountId"], context)
        if not evaluate(request, policies).allowed:
            raise _kms_error(
                "KMSAccessDenied",
                "AccessDeniedException",
                f"User: {principal.arn} is not authorized to perform: {action} on resource: {key['Arn']} "
                f"because no resource-based policy allows the {action} action",
            )
