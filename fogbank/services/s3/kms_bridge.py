"""SSE-KMS's use of fogbank's KMS, as the caller: S3 asks KMS for data keys under the caller's identity.

AWS S3 calls kms:GenerateDataKey (PUT) and kms:Decrypt (GET) on the object's key on behalf of the caller,
so the key policy, its grants and the caller's identity policies decide, with kms:ViaService naming S3
(the AWS managed key alias/aws/s3 allows its account's principals only through S3). `authorize_kms`
evaluates such a requirement the way the authorize stage would for a KMS request, and answers S3's
AccessDenied in KMS's words when it is denied. The key policy is required for root too, as in KMS.

API:
    key_for(ctx, ref) -> key document       the key SSEKMSKeyId names (alias/aws/s3 made on first use)
    authorize_kms(ctx, action, key, context)
    seal_data_key(ctx, key, raw, context) -> bytes      the KMS ciphertext blob of a data key
    open_data_key(ctx, blob, context) -> bytes          kms:Decrypt, authorized as the caller
"""

from __future__ import annotations

from typing import Any

from fogbank.authorization import principal_context, principal_tags, request_context
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import AuthzRequest, PolicySet, evaluate
from fogbank.services.iam.identity_policies import identity_policy_set
from fogbank.services.kms import ciphertext
from fogbank.services.kms.authz import key_policies
from fogbank.services.kms.crypto import decrypt_blob, encrypt_with
from fogbank.services.kms.resolve import now as kms_now
from fogbank.services.kms.resolve import resolve_key

__all__ = ["authorize_kms", "key_for", "open_data_key", "seal_data_key"]


def _tx(ctx: Context) -> Any:
    assert ctx.tx is not None
    return ctx.tx


def key_for(ctx: Context, ref: str | None) -> dict[str, Any]:
    """The KMS key of an SSE-KMS request: the one named, or the account's AWS managed key for S3."""
    try:
        return resolve_key(_tx(ctx), ctx.account, ctx.region, ref or "alias/aws/s3", kms_now(ctx))
    except ServiceError as error:
        if error.code == "NotFoundException":
            raise ServiceError("KMS.NotFoundException", f"Invalid keyId {ref}", 400) from None
        raise


def authorize_kms(ctx: Context, action: str, key: dict[str, Any], context: dict[str, str]) -> None:
    principal = ctx.principal
    assert principal is not None
    if principal.kind == "anonymous":
        raise ServiceError("AccessDenied", "Access Denied", 403)
    tx = _tx(ctx)
    identity: list[Any] = []
    boundary = None
    tags: dict[str, str] = {}
    if principal.kind != "root":
        identity, boundary = identity_policy_set(tx, principal)
        tags = principal_tags(tx, principal)
    found = key_policies(ctx, tx, key["Arn"])
    resource = found.policies if found is not None else ()
    conditions: dict[str, object] = {
        **request_context(ctx, principal, tags, None),
        "kms:CallerAccount": principal.account,
        "kms:ViaService": f"s3.{ctx.region}.amazonaws.com",
        "kms:KeySpec": key["KeySpec"],
        "kms:KeyUsage": key["KeyUsage"],
        "kms:KeyOrigin": key["Origin"],
        "kms:KeyManager": key.get("KeyManager", "CUSTOMER"),
        "kms:EncryptionContextKeys": list(context),
        **{f"kms:EncryptionContext:{k}": v for k, v in context.items()},
    }
    request = AuthzRequest(
        principal_context(tx, principal), f"kms:{action}", key["Arn"], key["Arn"].split(":")[4], conditions
    )
    policies = PolicySet(
        identity=tuple(identity), resource=resource, boundary=boundary, session=None, resource_required=True
    )
    decision = evaluate(request, policies)
    if not decision.allowed:
        raise ServiceError(
            "AccessDenied",
            f"User: {principal.arn} is not authorized to perform: kms:{action} on resource: {key['Arn']} "
            f"{decision.because()}",
            403,
        )


def seal_data_key(ctx: Context, key: dict[str, Any], raw: bytes, context: dict[str, str]) -> bytes:
    """GenerateDataKey's ciphertext for `raw`, authorized for the caller."""
    authorize_kms(ctx, "GenerateDataKey", key, context)
    try:
        return encrypt_with(_tx(ctx), key, raw, context, operation="GenerateDataKey")
    except ServiceError as error:
        raise ServiceError(f"KMS.{error.code}", error.message, 400) from None


def open_data_key(ctx: Context, blob: bytes, context: dict[str, str]) -> bytes:
    """kms:Decrypt of an object's data key, authorized for the caller."""
    arn = ciphertext.key_arn(blob)
    key = key_for(ctx, arn)
    authorize_kms(ctx, "Decrypt", key, context)
    try:
        return decrypt_blob(ctx, blob, context, None)[1]
    except ServiceError as error:
        raise ServiceError(f"KMS.{error.code}", error.message, 400) from None
