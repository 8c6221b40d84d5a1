"""Default bucket encryption: Put/Get/DeleteBucketEncryption, and the rule a write without SSE headers gets.

The configuration is kept on the bucket document as "Encryption" (S3's one rule:
ApplyServerSideEncryptionByDefault {SSEAlgorithm, KMSMasterKeyID} and BucketKeyEnabled). A bucket
without one has S3's base level of encryption, SSE-S3, as every bucket has had since January 2023:
GetBucketEncryption reports it, writes without SSE headers get it, and DeleteBucketEncryption returns
the bucket to it.
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
SSE_S3_DEFAULT: dict[str, Any] = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
}


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def _configuration(doc: dict[str, Any]) -> dict[str, Any]:
    """The bucket's configuration: its own, else S3's default (every new object SSE-S3, since 2023)."""
    return doc.get("Encryption") or SSE_S3_DEFAULT


def _rule_of(doc: dict[str, Any]) -> dict[str, Any]:
    rule = _configuration(doc)["Rules"][0]
    return {**rule["ApplyServerSideEncryptionByDefault"], "BucketKeyEnabled": rule.get("BucketKeyEnabled")}


def remember(doc: dict[str, Any]) -> dict[str, Any]:
    """The default rule of a bucket document just read, now also cached."""
    if len(_rules) >= _CACHE_SIZE:
        _rules.clear()
    rule = _rules[doc["Name"]] = _rule_of(doc)
    return rule


def default_rule(ctx: Context, bucket: str) -> dict[str, Any] | None:
    """{SSEAlgorithm, KMSMasterKeyID?, BucketKeyEnabled} of the bucket's encryption (None: no such bucket)."""
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
    return {"ServerSideEncryptionConfiguration": _configuration(doc)}


@service.handler("DeleteBucketEncryption")
def delete_bucket_encryption(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if doc.pop("Encryption", None) is not None:
        assert ctx.tx is not None
        save_bucket(ctx.tx, doc)
        ctx.tx.after_commit(lambda: remember(doc))
    return {}
