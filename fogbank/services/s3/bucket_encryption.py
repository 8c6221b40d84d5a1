"""Default bucket encryption: Put/Get/DeleteBucketEncryption, and the rule a write without SSE headers gets.

The configuration is kept on the bucket document as "Encryption" (S3's one rule:
ApplyServerSideEncryptionByDefault {SSEAlgorithm, KMSMasterKeyID} and BucketKeyEnabled).
PutObject chooses its encryption before it stores the body, and its write transaction takes the write
lock at its first statement, so `default_rule` answers from a per-process cache of each bucket's rule
(read through the request's transaction only on a bucket's first write since start); every change of the
configuration goes through this module, and `remember` refreshes an entry from a bucket document the
request read anyway.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.store import BUCKET, SERVICE

__all__ = ["default_rule", "remember"]

_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
_CACHE_SIZE = 10_000
_rules: dict[str, dict[str, Any] | None] = {}


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def _rule_of(doc: dict[str, Any]) -> dict[str, Any] | None:
    if not doc.get("Encryption"):
        return None
    rule = doc["Encryption"]["Rules"][0]
    return {**rule["ApplyServerSideEncryptionByDefault"], "BucketKeyEnabled": rule.get("BucketKeyEnabled")}


def remember(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The default rule of a bucket document just read, now also cached."""
    if len(_rules) >= _CACHE_SIZE:
        _rules.clear()
    rule = _rules[doc["Name"]] = _rule_of(doc)
    return rule


def default_rule(ctx: Context, bucket: str) -> dict[str, Any] | None:
    """{SSEAlgorithm, KMSMasterKeyID?, BucketKeyEnabled} of the bucket's default encryption, or None."""
    if bucket in _rules:
        return _rules[bucket]
    assert ctx.tx is not None
    doc = ctx.tx.get_doc(SERVICE, BUCKET, "", "", bucket)
    return None if doc is None else remember(doc)


@service.handler("PutBucketEncryption")
def put_bucket_encryption(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    rules = (request.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if len(rules) != 1:
        raise _malformed()
    default = rules[0].get("ApplyServerSideEncryptionByDefault")
    if not default or default.get("SSEAlgorithm") not in _ALGORITHMS:
        raise _malformed()
    if default.get("KMSMasterKeyID") and default["SSEAlgorithm"] == "AES256":
        raise ServiceError(
            "InvalidArgument",
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            400,
            fields={"ArgumentName": "ApplyServerSideEncryptionByDefault"},
        )
    rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": dict(default)}
    rule["BucketKeyEnabled"] = bool(rules[0].get("BucketKeyEnabled"))
    doc["Encryption"] = {"Rules": [rule]}
    assert ctx.tx is not None
    save_bucket(ctx.tx, doc)
    ctx.tx.after_commit(lambda: remember(doc))
    return {}


@service.handler("GetBucketEncryption")
def get_bucket_encryption(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if not doc.get("Encryption"):
        raise ServiceError(
            "ServerSideEncryptionConfigurationNotFoundError",
            "The server side encryption configuration was not found",
            404,
            fields={"BucketName": doc["Name"]},
        )
    return {"ServerSideEncryptionConfiguration": doc["Encryption"]}


@service.handler("DeleteBucketEncryption")
def delete_bucket_encryption(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if doc.pop("Encryption", None) is not None:
        assert ctx.tx is not None
        save_bucket(ctx.tx, doc)
        ctx.tx.after_commit(lambda: remember(doc))
    return {}
