"""AWS managed keys: `alias/aws/<service>`, made on a service's first use and managed by AWS alone.

`managed_key(tx, account, region, service, now)` is what a service calls when it encrypts with its
default key (S3's SSE-KMS without a key id, EBS, SQS...); naming the alias in a KMS request makes the key
as well, as AWS does. The key's policy is AWS's: use through the service by the account's principals,
metadata to the account; its KeyManager is AWS, it rotates every year and the customer cannot disable,
delete, retag or re-policy it (`resolve.check_customer_managed`). Its id is derived from the account,
region and service, so a read-only transaction can judge a first use by the key it will make
(`unmade_managed_key`) before the handler's transaction makes it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fogbank.services.kms import lifecycle, store
from fogbank.state import Transaction

__all__ = [
    "MANAGED_SERVICES",
    "managed_key",
    "managed_key_id",
    "managed_policy",
    "unmade_key",
    "unmade_managed_key",
]

# The AWS managed aliases that every account lists, used or not.
MANAGED_SERVICES = (
    "acm",
    "dynamodb",
    "ebs",
    "elasticfilesystem",
    "es",
    "glue",
    "kinesis",
    "kinesisvideo",
    "lambda",
    "logs",
    "rds",
    "redshift",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "xray",
)

_DESCRIPTIONS = {
    "s3": "Default key that protects my S3 objects when no other key is defined",
    "ebs": "Default key that protects my EBS volumes when no other key is defined",
    "sqs": "Default key that protects my SQS messages when no other key is defined",
    "sns": "Default key that protects my SNS data when no other key is defined",
    "lambda": "Default key that protects my Lambda functions when no other key is defined",
    "secretsmanager": "Default key that protects my Secrets Manager data when no other key is defined",
}
ROTATION_DAYS = 365
_ID_NAMESPACE = uuid.UUID("5b0f7a3e-8c1d-4f6a-9e2b-0d4c6a8e1f37")
_UNMADE_SIZE = 1024
# Key ARN -> the managed key a first use will make. An ARN names the same key forever (its id is derived
# from the account, region and service), so an entry never goes stale.
_unmade: dict[str, dict[str, Any]] = {}


def managed_policy(account: str, region: str, service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-1",
            "Statement": [
                {
                    "Sid": f"Allow access through {service} for all principals in the account that are "
                    f"authorized to use {service}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account,
                            "kms:ViaService": f"{service}.{region}.amazonaws.com",
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
                    "Resource": "*",
                },
            ],
        },
        indent=2,
    )


def managed_key_id(account: str, region: str, service: str) -> str:
    """The id of `service`'s AWS managed key, known before the key is made, so that the authorization of
    a first use judges the very key the handler then makes."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{account}:{region}:{service}"))


def _description(service: str) -> str:
    return _DESCRIPTIONS.get(
        service, f"Default key that protects my {service} data when no other key is defined"
    )


def managed_key(
    tx: Transaction, account: str, region: str, service: str, now: datetime | None = None
) -> dict[str, Any]:
    """The AWS managed key of `service` (made now if this is its first use)."""
    from fogbank.services.kms.keys import new_key
    from fogbank.services.kms.resolve import resolve_key

    name = f"alias/aws/{service}"
    alias = tx.get_doc(store.SERVICE, store.ALIAS, account, region, name)
    if alias is not None:
        return resolve_key(tx, account, region, alias["TargetKeyId"], now)
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    doc = new_key(
        tx,
        account,
        region,
        created,
        description=_description(service),
        policy=managed_policy(account, region, service),
        manager="AWS",
        key_id=managed_key_id(account, region, service),
    )
    next_rotation = lifecycle.stamp(created + timedelta(days=ROTATION_DAYS))
    doc["Rotation"] = {
        "Enabled": True,
        "RotationPeriodInDays": ROTATION_DAYS,
        "NextRotationDate": next_rotation,
        "Rotations": [],
    }
    lifecycle.save(tx, doc)
    lifecycle.schedule(tx, lifecycle.ROTATE, doc, next_rotation)
    stamp = lifecycle.stamp(created)
    alias = {
        "AliasName": name,
        "AliasArn": f"arn:aws:kms:{region}:{account}:{name}",
        "TargetKeyId": doc["KeyId"],
        "CreationDate": stamp,
        "LastUpdatedDate": stamp,
    }
    tx.put_doc(store.SERVICE, store.ALIAS, account, region, name, alias)
    return doc


def unmade_managed_key(account: str, region: str, service: str, now: datetime) -> dict[str, Any]:
    """The key `managed_key` will make on the service's first use, unsaved: a read-only transaction (the
    authorize stage's) judges a first use by it, and finds its key policy by `unmade_key(arn)`."""
    from fogbank.services.kms.keys import key_document

    doc = key_document(
        account,
        region,
        now.replace(microsecond=0),
        managed_key_id(account, region, service),
        description=_description(service),
        policy=managed_policy(account, region, service),
        manager="AWS",
    )
    if len(_unmade) >= _UNMADE_SIZE:
        _unmade.clear()
    _unmade[doc["Arn"]] = doc
    return doc


def unmade_key(arn: str) -> dict[str, Any] | None:
    """The managed key `unmade_managed_key` answered for `arn`, if it did."""
    return _unmade.get(arn)
