"""CopyObject: a new object version that shares the source's blob segments (no byte is copied).

The copy keeps the source's ETag, parts and checksums, since its bytes are the same. Metadata and tags
come from the source (directive COPY, the default) or from the request (REPLACE). Copying an object
onto itself must change something (metadata, storage class, website redirect), as S3 requires.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service, sse
from fogbank.services.s3.bucket_encryption import remember
from fogbank.services.s3.buckets import require_bucket
from fogbank.services.s3.conditions import check_copy_source
from fogbank.services.s3.object_lock import lock_meta
from fogbank.services.s3.objects import check_write, object_meta, tx_latest
from fogbank.services.s3.objects_store import ObjectVersion, get_version, put_version
from fogbank.services.s3.restore import readable
from fogbank.services.s3.tagging import parse_tagging_header
from fogbank.services.s3.versions import resolve, version_header

__all__ = ["parse_copy_source", "copy_source_version"]

MAX_COPY_SOURCE = 5 * 1024**3
# What a copy keeps of its source's meta whatever the directives say: facts about the bytes.
# The copy shares the source's (possibly encrypted) segments, so it keeps their data key too.
_CONTENT_FACTS = ("Parts", "Checksum", "Encryption")
_NOT_COPIED = ("TagSet", "Restore", "Retention", "LegalHold")


def parse_copy_source(text: str) -> tuple[str, str, str | None]:
    """(bucket, key, version id) of an x-amz-copy-source header: `bucket/key[?versionId=…]`, URL-encoded."""
    path, _, query = text.partition("?")
    version_id = None
    for pair in query.split("&") if query else ():
        name, _, value = pair.partition("=")
        if name == "versionId":
            version_id = unquote(value)
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not key:
        raise ServiceError("InvalidArgument", "Invalid copy source object key", 400)
    return bucket, key, version_id


def copy_source_version(ctx: Context, text: str) -> tuple[dict[str, Any], ObjectVersion, str | None]:
    """The source bucket, version and the version id the request named, with S3's refusals."""
    assert ctx.tx is not None
    bucket_name, key, version_id = parse_copy_source(text)
    bucket = require_bucket(ctx, bucket_name)
    if version_id is not None:
        named = get_version(ctx.tx, bucket_name, key, version_id)
        if named is not None and named.is_delete_marker:
            raise ServiceError(
                "InvalidRequest",
                "The source of a copy request may not specifically refer to a delete marker by version id.",
                400,
            )
    version = resolve(ctx, bucket, key, version_id, "GET")
    if not readable(version, ctx.clock.time()):
        raise ServiceError(
            "InvalidObjectState",
            "The source object of the COPY action is not in the active tier and is only stored in Amazon S3 "
            "Glacier.",
            403,
            fields={"StorageClass": version.storage_class},
        )
    return bucket, version, version_id


@service.handler("CopyObject", waits=True)
def copy_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    source_bucket, source, named_version = copy_source_version(ctx, request["CopySource"])
    bucket = require_bucket(ctx, request["Bucket"])
    key = request["Key"]
    now = ctx.clock.time()
    check_copy_source(source, request, now)
    if source.meta.get("Encryption", {}).get("SSE") == "SSE-C":
        sse.data_key(ctx, source.meta["Encryption"], request, "CopySourceSSECustomer")
    if source.size > MAX_COPY_SOURCE:
        raise ServiceError(
            "InvalidRequest",
            "The specified copy source is larger than the maximum allowable size for a copy source: "
            f"{MAX_COPY_SOURCE}",
            400,
        )
    replace_meta = request.get("MetadataDirective") == "REPLACE"
    same_object = (
        source.bucket == bucket["Name"] and source.key == key and (named_version is None or source.is_latest)
    )
    if (
        same_object
        and not replace_meta
        and not request.get("StorageClass")
        and not request.get("WebsiteRedirectLocation")
        and not request.get("ServerSideEncryption")
    ):
        raise ServiceError(
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself without changing "
            "the object's metadata, storage class, website redirect location or encryption attributes.",
            400,
        )
    if request.get("IfNoneMatch") is not None or request.get("IfMatch") is not None:
        check_write(tx_latest(ctx, bucket["Name"], key), request, key)
    if replace_meta:
        meta = object_meta(ctx, request)
        meta.pop("TagSet", None)
    else:
        # A copy's protection comes from its own request or the destination bucket, never the source.
        meta = {k: v for k, v in source.meta.items() if k not in _NOT_COPIED}
        meta["Owner"] = ctx.account
    meta.update({k: source.meta[k] for k in _CONTENT_FACTS if k in source.meta})
    segments, etag = source.segments, source.etag
    changed = sse.copy_encryption(ctx, request, source, bucket["Name"], key, remember(bucket))
    if changed is not None:
        segments, meta["Encryption"] = changed
        md5 = sse.plain_md5(source)
        if md5 is not None:
            etag = sse.version_etag(meta["Encryption"], md5)
    if request.get("TaggingDirective") == "REPLACE":
        if request.get("Tagging"):
            meta["TagSet"] = parse_tagging_header(request["Tagging"])
    elif source.meta.get("TagSet"):
        meta["TagSet"] = source.meta["TagSet"]
    meta.update(lock_meta(ctx, bucket, request, integrity=False))
    assert etag is not None
    version = put_version(
        ctx.tx,
        bucket["Name"],
        key,
        bucket.get("Versioning", ""),
        segments=segments,
        size=source.size,
        etag=etag,
        now=now,
        storage_class=request.get("StorageClass") or "STANDARD",
        meta=meta,
    )
    out: dict[str, Any] = {
        "CopyObjectResult": {
            "ETag": version.etag,
            "LastModified": datetime.fromtimestamp(version.last_modified, UTC),
        }
    }
    if source_bucket.get("Versioning"):
        out["CopySourceVersionId"] = source.version_id
    out.update(version_header(bucket, version))
    out.update(sse.output(meta.get("Encryption"), context=True))
    return out
