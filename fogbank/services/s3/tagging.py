"""Tags on objects and buckets, with S3's limits.

An object version keeps its tags in meta["TagSet"] (changing them makes no new version); a bucket in
its document's Tags. At most 10 tags per object and 50 per bucket; keys 1–128 and values 0–256
characters of letters, digits, spaces and `+-=._:/@`; keys unique; the `aws:` prefix is AWS's own.
Every violation is InvalidTag, as S3 answers it.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import parse_qsl

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.objects_store import update_meta
from fogbank.services.s3.versions import resolve, version_header

__all__ = ["MAX_OBJECT_TAGS", "check_tags", "parse_tagging_header"]

MAX_OBJECT_TAGS = 10
MAX_BUCKET_TAGS = 50
_PUNCTUATION = set("+-=._:/@ ")


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidTag", message, 400)


def _allowed(text: str) -> bool:
    return all(c in _PUNCTUATION or unicodedata.category(c)[0] in ("L", "Z", "N") for c in text)


def check_tags(tags: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """The tags as stored ({Key, Value}), or InvalidTag."""
    if len(tags) > limit:
        what = "Object tags" if limit == MAX_OBJECT_TAGS else "Bucket tag count"
        raise _invalid(f"{what} cannot be greater than {limit}")
    seen: set[str] = set()
    clean: list[dict[str, str]] = []
    for tag in tags:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if not key or len(key) > 128:
            raise _invalid(
                "The TagKey you have provided is too long, max 128"
                if key
                else "The TagKey you have provided is invalid"
            )
        if len(value) > 256:
            raise _invalid("The TagValue you have provided is too long, max 256")
        if not _allowed(key):
            raise _invalid("The TagKey you have provided is invalid")
        if not _allowed(value):
            raise _invalid("The TagValue you have provided is invalid")
        if key.startswith("aws:"):
            raise _invalid("System tags cannot be added/updated by requester")
        if key in seen:
            raise _invalid("Cannot provide multiple Tags with the same key")
        seen.add(key)
        clean.append({"Key": key, "Value": value})
    return clean


def parse_tagging_header(text: str) -> list[dict[str, str]]:
    """x-amz-tagging: tags as a URL query string (`a=1&b=2`)."""
    pairs = parse_qsl(text, keep_blank_values=True)
    return check_tags([{"Key": k, "Value": v} for k, v in pairs], MAX_OBJECT_TAGS)


@service.handler("PutObjectTagging")
def put_object_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "PUT")
    tags = check_tags((request.get("Tagging") or {}).get("TagSet") or [], MAX_OBJECT_TAGS)
    update_meta(ctx.tx, version, {**version.meta, "TagSet": tags})
    return version_header(bucket, version)


@service.handler("GetObjectTagging")
def get_object_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "GET")
    out: dict[str, Any] = {"TagSet": version.meta.get("TagSet", [])}
    out.update(version_header(bucket, version))
    return out


@service.handler("DeleteObjectTagging")
def delete_object_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "DELETE")
    update_meta(ctx.tx, version, {k: v for k, v in version.meta.items() if k != "TagSet"})
    return version_header(bucket, version)


@service.handler("PutBucketTagging")
def put_bucket_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    tags = (request.get("Tagging") or {}).get("TagSet") or []
    bucket["Tags"] = check_tags(tags, MAX_BUCKET_TAGS)
    save_bucket(ctx.tx, bucket)
    return {}


@service.handler("GetBucketTagging")
def get_bucket_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    if not bucket.get("Tags"):
        raise ServiceError(
            "NoSuchTagSet", "The TagSet does not exist", 404, fields={"BucketName": bucket["Name"]}
        )
    return {"TagSet": bucket["Tags"]}


@service.handler("DeleteBucketTagging")
def delete_bucket_tagging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    bucket["Tags"] = []
    save_bucket(ctx.tx, bucket)
    return {}
