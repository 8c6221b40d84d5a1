"""Which IAM action(s) an operation asks for, where the Service Authorization Reference alone does not say.

- the IAM service prefix is the model's signing name, except for the few services in `_PREFIXES`;
- the action is the operation's name, except where `_RENAMES` says otherwise (S3 most of all);
- `_COMPOUND` lists the operations that need several actions, or one action on a resource other than
  the request's own, with the rewrite that turns the request into each action's input;
- S3 asks for the *Version* action when the request names a version (`_S3_VERSIONED`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from fogbank.policy.request_keys import Params

if TYPE_CHECKING:
    from botocore.model import OperationModel

__all__ = ["Rewrite", "Step", "iam_prefix", "steps", "versioned_action"]

# Rewrites the input into the input of one action: a list (one requirement set each; [] = the action
# does not apply to this request), or None when the request does not say (the action is asked on "*").
Rewrite = Callable[[Params], "list[Params] | None"]
Step = tuple[str, Rewrite | None]  # an action ("Name", or "prefix:Name" across prefixes), its rewrite


def iam_prefix(service_name: str, operation: OperationModel) -> str:
    metadata = operation.service_model.metadata
    return _PREFIXES.get(service_name) or metadata.get("signingName") or metadata["endpointPrefix"]


def steps(service_name: str, operation_name: str) -> tuple[Step, ...]:
    """The actions the operation asks for, in order, each with the rewrite of its input (None: as sent)."""
    found = _COMPOUND.get((service_name, operation_name))
    if found is None:
        return ((_RENAMES.get(service_name, {}).get(operation_name, operation_name), None),)
    return found


def versioned_action(name: str) -> str | None:
    """The S3 action asked instead of `name` when the request names a version."""
    return _S3_VERSIONED.get(name)


# botocore service name -> IAM prefix, where the model's signing name is not the prefix.
_PREFIXES = {
    "cloudwatch": "cloudwatch",  # signs as "monitoring"
    "cloudcontrol": "cloudformation",
    "iot-data": "iot",
    "iotsecuretunneling": "iot",
    "iot-jobs-data": "iotjobsdata",
    "mturk": "mechanicalturk",
    "resourcegroupstaggingapi": "tag",
    "sso": "sso",
}


def _bucket_configs() -> dict[str, str]:
    """S3 names the actions of its per-id bucket configurations without "Bucket"; list/delete use get/put."""
    out = {}
    for kind in ("Analytics", "IntelligentTiering", "Inventory", "Metrics"):
        out[f"GetBucket{kind}Configuration"] = f"Get{kind}Configuration"
        out[f"ListBucket{kind}Configurations"] = f"Get{kind}Configuration"
        out[f"PutBucket{kind}Configuration"] = f"Put{kind}Configuration"
        out[f"DeleteBucket{kind}Configuration"] = f"Put{kind}Configuration"
    return out


# Operation -> action where they differ, per botocore service ("prefix:Action" crosses to another prefix).
_RENAMES: dict[str, dict[str, str]] = {
    "s3": {
        **_bucket_configs(),
        "ListObjects": "ListBucket",
        "ListObjectsV2": "ListBucket",
        "HeadBucket": "ListBucket",
        "HeadObject": "GetObject",
        "SelectObjectContent": "GetObject",
        "CreateMultipartUpload": "PutObject",
        "UploadPart": "PutObject",
        "CompleteMultipartUpload": "PutObject",
        "ListParts": "ListMultipartUploadParts",
        "ListMultipartUploads": "ListBucketMultipartUploads",
        "ListObjectVersions": "ListBucketVersions",
        "ListBuckets": "ListAllMyBuckets",
        "ListDirectoryBuckets": "s3express:ListAllMyDirectoryBuckets",
        "CreateSession": "s3express:CreateSession",
        "WriteGetObjectResponse": "s3-object-lambda:WriteGetObjectResponse",
        "DeleteBucketCors": "PutBucketCORS",
        "GetBucketEncryption": "GetEncryptionConfiguration",
        "PutBucketEncryption": "PutEncryptionConfiguration",
        "DeleteBucketEncryption": "PutEncryptionConfiguration",
        "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
        "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
        "GetBucketLifecycle": "GetLifecycleConfiguration",
        "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
        "PutBucketLifecycle": "PutLifecycleConfiguration",
        "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
        "DeleteBucketLifecycle": "PutLifecycleConfiguration",
        "GetBucketReplication": "GetReplicationConfiguration",
        "PutBucketReplication": "PutReplicationConfiguration",
        "DeleteBucketReplication": "PutReplicationConfiguration",
        "GetBucketNotificationConfiguration": "GetBucketNotification",
        "PutBucketNotificationConfiguration": "PutBucketNotification",
        "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
        "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
        "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
        "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
        "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
        "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
        "DeleteBucketTagging": "PutBucketTagging",
        "CreateBucketMetadataConfiguration": "CreateBucketMetadataTableConfiguration",
        "GetBucketMetadataConfiguration": "GetBucketMetadataTableConfiguration",
        "DeleteBucketMetadataConfiguration": "DeleteBucketMetadataTableConfiguration",
    },
    "s3control": {
        "GetPublicAccessBlock": "GetAccountPublicAccessBlock",
        "PutPublicAccessBlock": "PutAccountPublicAccessBlock",
        "DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
        "GetAccessPointScope": "s3express:GetAccessPointScope",
        "PutAccessPointScope": "s3express:PutAccessPointScope",
        "DeleteAccessPointScope": "s3express:DeleteAccessPointScope",
        "ListAccessPointsForDirectoryBuckets": "s3express:ListAccessPointsForDirectoryBuckets",
        # These operations exist for S3 on Outposts buckets only.
        "GetBucket": "s3-outposts:GetBucket",
        "ListRegionalBuckets": "s3-outposts:ListRegionalBuckets",
        "GetBucketLifecycleConfiguration": "s3-outposts:GetLifecycleConfiguration",
        "PutBucketLifecycleConfiguration": "s3-outposts:PutLifecycleConfiguration",
        "DeleteBucketLifecycleConfiguration": "s3-outposts:PutLifecycleConfiguration",
        "GetBucketReplication": "s3-outposts:GetReplicationConfiguration",
        "PutBucketReplication": "s3-outposts:PutReplicationConfiguration",
        "DeleteBucketReplication": "s3-outposts:PutReplicationConfiguration",
        "DeleteBucketTagging": "s3-outposts:PutBucketTagging",
    },
    "sqs": {
        "SendMessageBatch": "SendMessage",
        "DeleteMessageBatch": "DeleteMessage",
        "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
    },
    "sns": {"PublishBatch": "Publish"},
    "lambda": {
        "Invoke": "InvokeFunction",
        "InvokeWithResponseStream": "InvokeFunction",
        "GetLayerVersionByArn": "GetLayerVersion",
    },
}

# S3 asks for the *Version* action when the request names a version.
_S3_VERSIONED = {
    name: name.replace("Object", "ObjectVersion", 1)
    for name in (
        "GetObject",
        "DeleteObject",
        "GetObjectAcl",
        "PutObjectAcl",
        "GetObjectTagging",
        "PutObjectTagging",
        "DeleteObjectTagging",
        "GetObjectAttributes",
        "GetObjectTorrent",
    )
}


def _copy_source(params: Params) -> list[Params] | None:
    """The object a copy reads: `bucket/key[?versionId=v]`, URL-encoded, optionally with a leading slash."""
    source = params.get("CopySource")
    if not isinstance(source, str) or source.startswith("arn:"):
        return None
    path, _, query = source.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not key:
        return None
    version = dict(parse_qsl(query)).get("versionId")
    return [{"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}]


def _deleted_keys(params: Params) -> list[Params] | None:
    objects = (params.get("Delete") or {}).get("Objects") or []
    bucket = params.get("Bucket")
    return [{"Bucket": bucket, "Key": o.get("Key"), "VersionId": o.get("VersionId")} for o in objects] or None


def _reencrypt(side: str) -> Rewrite:
    def rewrite(params: Params) -> list[Params] | None:
        key = params.get(f"{side}KeyId")
        if not key:  # the source key is then named inside the ciphertext, which only KMS can read
            return None
        return [{"KeyId": key, "EncryptionContext": params.get(f"{side}EncryptionContext")}]

    return rewrite


def _each_table(params: Params) -> list[Params] | None:
    return [{"TableName": table} for table in params.get("RequestItems") or {}] or None


def _transact(kind: str) -> Rewrite:
    def rewrite(params: Params) -> list[Params] | None:
        return [item[kind] for item in params.get("TransactItems") or [] if kind in item]

    return rewrite


_PARTIQL_VERB = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|EXISTS)\b", re.IGNORECASE)
_PARTIQL_TABLE = re.compile(
    r'\b(?:FROM|INTO|UPDATE)\s+(?:"([^"]+)"|([\w.-]+))(?:\.(?:"([^"]+)"|([\w-]+)))?', re.IGNORECASE
)


def _partiql(verb: str) -> Rewrite:
    """One PartiQL action per statement verb, on the table (or index) the statement names."""

    def rewrite(params: Params) -> list[Params] | None:
        statements = [params.get("Statement")] + [
            s.get("Statement") for s in (params.get("Statements") or params.get("TransactStatements") or [])
        ]
        out: list[Params] = []
        for statement in filter(None, statements):
            head, table = _PARTIQL_VERB.match(statement), _PARTIQL_TABLE.search(statement)
            if head is None or table is None:
                return None
            if head.group(1).upper() in (verb, "EXISTS" if verb == "SELECT" else ""):
                name, index = table.group(1) or table.group(2), table.group(3) or table.group(4)
                out.append({"TableName": name, **({"IndexName": index} if index else {})})
        return out

    return rewrite


_PARTIQL_ACTIONS = tuple(
    (f"PartiQL{v.title()}", _partiql(v)) for v in ("SELECT", "INSERT", "UPDATE", "DELETE")
)

# Operations that need several actions, or one action on a resource other than the request's own.
_COMPOUND: dict[tuple[str, str], tuple[Step, ...]] = {
    ("s3", "CopyObject"): (("GetObject", _copy_source), ("PutObject", None)),
    ("s3", "UploadPartCopy"): (("GetObject", _copy_source), ("PutObject", None)),
    ("s3", "DeleteObjects"): (("DeleteObject", _deleted_keys),),
    ("s3", "GetObjectAttributes"): (("GetObject", None), ("GetObjectAttributes", None)),
    ("kms", "ReEncrypt"): (
        ("ReEncryptFrom", _reencrypt("Source")),
        ("ReEncryptTo", _reencrypt("Destination")),
    ),
    ("dynamodb", "BatchGetItem"): (("BatchGetItem", _each_table),),
    ("dynamodb", "BatchWriteItem"): (("BatchWriteItem", _each_table),),
    ("dynamodb", "TransactGetItems"): (("GetItem", _transact("Get")),),
    ("dynamodb", "TransactWriteItems"): tuple(
        (f"{kind}Item", _transact(kind)) for kind in ("Put", "Update", "Delete", "ConditionCheck")
    ),
    ("dynamodb", "ExecuteStatement"): _PARTIQL_ACTIONS,
    ("dynamodb", "BatchExecuteStatement"): _PARTIQL_ACTIONS,
    ("dynamodb", "ExecuteTransaction"): _PARTIQL_ACTIONS,
}
