"""KMS keys' lifecycle: CreateKey, DescribeKey, ListKeys, enable and disable, the deletion window, and
the description.

A key is made Enabled with material of its spec (Origin AWS_KMS) or PendingImport without material
(Origin EXTERNAL). ScheduleKeyDeletion makes it PendingDeletion until DeletionDate, when it is gone
(lifecycle.py); CancelKeyDeletion before then leaves it Disabled, as AWS does.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from fogbank import scheduler
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import keyspecs, lifecycle, material, service, store
from fogbank.services.kms.paging import page
from fogbank.services.kms.policies import check_key_policy
from fogbank.services.kms.resolve import (
    check_customer_managed,
    check_not_pending_deletion,
    key_arn,
    key_of,
    metadata,
    now,
    tx_of,
)
from fogbank.services.kms.tags import check_tags
from fogbank.state import Transaction

__all__ = ["default_policy", "key_document", "new_key"]


def default_policy(account: str) -> str:
    """The key policy AWS gives a key created without one: the account root may do everything."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        indent=2,
    )


def _invalid(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _unsupported(message: str) -> ServiceError:
    return ServiceError("UnsupportedOperationException", message, 400)


def new_key(
    tx: Transaction,
    account: str,
    region: str,
    created: datetime,
    *,
    policy: str,
    key_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A new key's document (`fields` as `key_document` takes them), with its material unless imported;
    saved. Its id is random unless given."""
    doc = key_document(account, region, created, key_id or str(uuid.uuid4()), policy=policy, **fields)
    if doc["Origin"] != "EXTERNAL":
        secret, public = keyspecs.generate(doc["KeySpec"])
        material.add_version(tx, doc, secret, doc["CreationDate"], "AWS_KMS", public)
    lifecycle.save(tx, doc)
    return doc


def key_document(
    account: str,
    region: str,
    created: datetime,
    key_id: str,
    *,
    spec: str = "SYMMETRIC_DEFAULT",
    usage: str = "ENCRYPT_DECRYPT",
    origin: str = "AWS_KMS",
    description: str = "",
    policy: str,
    manager: str = "CUSTOMER",
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A key's document as made, without material: what `new_key` saves."""
    pending = origin == "EXTERNAL"
    return {
        "AWSAccountId": account,
        "KeyId": key_id,
        "Arn": key_arn(account, region, key_id),
        "CreationDate": lifecycle.stamp(created),
        "Enabled": not pending,
        "Description": description,
        "KeyUsage": usage,
        "KeyState": "PendingImport" if pending else "Enabled",
        "Origin": origin,
        "KeyManager": manager,
        "CustomerMasterKeySpec": spec,
        "KeySpec": spec,
        **keyspecs.ALGORITHMS[spec][usage],
        "MultiRegion": False,
        "Policy": policy,
        "Tags": tags or [],
        "Material": [],
        "Rotation": {"Enabled": False, "Rotations": []},
    }


@service.handler("CreateKey", waits=True)
def create_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if "KeySpec" in request and "CustomerMasterKeySpec" in request:
        raise _invalid(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec is deprecated."
        )
    spec = request.get("KeySpec") or request.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    usage = request.get("KeyUsage", "ENCRYPT_DECRYPT")
    origin = request.get("Origin", "AWS_KMS")
    if spec not in keyspecs.ALGORITHMS:
        raise _unsupported(f"KeySpec {spec} is not supported by fogbank.")
    if usage not in keyspecs.ALGORITHMS[spec]:
        raise _invalid(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    if origin not in ("AWS_KMS", "EXTERNAL") or request.get("CustomKeyStoreId"):
        raise _unsupported(f"Origin {origin} and custom key stores are not supported by fogbank.")
    if origin == "EXTERNAL" and spec != "SYMMETRIC_DEFAULT":
        raise _unsupported("fogbank imports key material into SYMMETRIC_DEFAULT keys only.")
    if request.get("MultiRegion"):
        raise _unsupported("Multi-Region keys are not supported by fogbank.")
    tags = request.get("Tags", [])
    check_tags(tags)
    policy = request.get("Policy")
    if policy is None:
        policy = default_policy(ctx.account)
    else:
        # Bypassing the lockout check skips only that check: the grammar and the size still apply.
        check_key_policy(ctx, policy, None, bypass=bool(request.get("BypassPolicyLockoutSafetyCheck")))
    doc = new_key(
        tx_of(ctx),
        ctx.account,
        ctx.region,
        now(ctx),
        spec=spec,
        usage=usage,
        origin=origin,
        description=request.get("Description", ""),
        policy=policy,
        tags=tags,
    )
    return {"KeyMetadata": metadata(doc)}


@service.handler("DescribeKey")
def describe_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return {"KeyMetadata": metadata(key_of(ctx, request["KeyId"]))}


@service.handler("ListKeys")
def list_keys(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    moment = now(ctx)
    entries = [
        {"KeyId": doc["KeyId"], "KeyArn": doc["Arn"]}
        for _, doc in tx_of(ctx).list_docs(store.SERVICE, store.KEY, ctx.account, ctx.region)
        if not (doc.get("DeletionDate") and datetime.fromisoformat(doc["DeletionDate"]) <= moment)
    ]
    return page(entries, request, "Keys")


def _manageable(ctx: Context, request: dict[str, Any], action: str) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    check_customer_managed(ctx, doc, action)
    check_not_pending_deletion(doc)
    return doc


def _set_enabled(ctx: Context, request: dict[str, Any], action: str, enabled: bool) -> dict[str, Any]:
    doc = _manageable(ctx, request, action)
    if doc["KeyState"] == "PendingImport":
        raise ServiceError("KMSInvalidStateException", f"{doc['Arn']} is pending import.", 400)
    doc.update(Enabled=enabled, KeyState="Enabled" if enabled else "Disabled")
    lifecycle.save(tx_of(ctx), doc)
    return {}


@service.handler("EnableKey")
def enable_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _set_enabled(ctx, request, "EnableKey", enabled=True)


@service.handler("DisableKey")
def disable_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _set_enabled(ctx, request, "DisableKey", enabled=False)


@service.handler("ScheduleKeyDeletion")
def schedule_key_deletion(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _manageable(ctx, request, "ScheduleKeyDeletion")
    days = request.get("PendingWindowInDays", 30)
    if not 7 <= days <= 30:
        raise _invalid(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy "
            "constraint: Member must have value between 7 and 30"
        )
    deletion = now(ctx) + timedelta(days=days)
    doc.update(
        Enabled=False,
        KeyState="PendingDeletion",
        DeletionDate=lifecycle.stamp(deletion),
        PendingDeletionWindowInDays=days,
    )
    tx = tx_of(ctx)
    lifecycle.save(tx, doc)
    lifecycle.schedule(tx, lifecycle.DELETE, doc, doc["DeletionDate"])
    return {
        "KeyId": doc["Arn"],
        "DeletionDate": deletion,
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    }


@service.handler("CancelKeyDeletion")
def cancel_key_deletion(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = key_of(ctx, request["KeyId"])
    check_customer_managed(ctx, doc, "CancelKeyDeletion")
    if doc["KeyState"] != "PendingDeletion":
        raise ServiceError("KMSInvalidStateException", f"{doc['Arn']} is not pending deletion.", 400)
    for field in ("DeletionDate", "PendingDeletionWindowInDays"):
        doc.pop(field)
    # Imported material that was deleted or expired meanwhile leaves the key waiting for an import.
    doc.update(Enabled=False, KeyState="Disabled" if doc["Material"] else "PendingImport")
    tx = tx_of(ctx)
    lifecycle.save(tx, doc)
    scheduler.cancel(tx, lifecycle.DELETE, doc["Arn"])
    return {"KeyId": doc["Arn"]}


@service.handler("UpdateKeyDescription")
def update_key_description(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _manageable(ctx, request, "UpdateKeyDescription")
    doc["Description"] = request["Description"]
    lifecycle.save(tx_of(ctx), doc)
    return {}
