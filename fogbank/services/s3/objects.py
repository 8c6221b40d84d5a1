"""PutObject, GetObject and HeadObject: object bytes streamed to and from the blob store.

PutObject stores the decoded request body in the blob store (`store_upload`) before it touches the
database, because the request's write transaction starts at its first statement and no other writer
should wait while the bytes go to disk. The decode stage already hashed the body (SHA-256 for its blob
address, MD5 for its ETag) in the pass that checked it, so the blob store adopts the spooled bytes
without reading them again. GetObject answers with an iterator over the blob
segments (at most 1 MiB at a time), so no object is ever held whole in memory.

`object_meta` (the metadata a request sets) and `object_output` (the headers GET and HEAD report) are
shared with CopyObject and multipart uploads.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime
from typing import Any, BinaryIO

from fogbank.auth.checksums import Hasher
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service, sse
from fogbank.services.s3.acl import acl_meta
from fogbank.services.s3.bucket_encryption import default_rule, remember
from fogbank.services.s3.buckets import require_bucket
from fogbank.services.s3.checksums import body_checksum, members, object_members
from fogbank.services.s3.conditions import check_read, etag_matches, precondition_failed
from fogbank.services.s3.lifecycle import expiration_header
from fogbank.services.s3.object_lock import lock_headers, lock_meta
from fogbank.services.s3.objects_store import ObjectVersion, get_latest, put_version, read_segments
from fogbank.services.s3.restore import readable, restore_header
from fogbank.services.s3.tagging import parse_tagging_header
from fogbank.services.s3.versions import resolve, version_header
from fogbank.state.blobs import CHUNK_SIZE, BlobRef

__all__ = [
    "MAX_USER_METADATA",
    "check_write",
    "no_such_key",
    "object_meta",
    "object_output",
    "store_upload",
    "tx_latest",
]

MAX_USER_METADATA = 2048  # bytes of user metadata keys and values, as AWS counts them
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_SYSTEM_METADATA = ("ContentType", "ContentEncoding", "ContentDisposition", "CacheControl", "ContentLanguage")
_OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
    "ResponseExpires": "Expires",
}


def no_such_key(key: str) -> ServiceError:
    return ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})


def object_meta(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    """The metadata a PutObject-like request sets: system headers, user metadata, owner, tags."""
    user = request.get("Metadata") or {}
    size = sum(len(k.encode()) + len(v.encode()) for k, v in user.items())
    if size > MAX_USER_METADATA:
        raise ServiceError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size",
            400,
            fields={"Size": size, "MaxSizeAllowed": MAX_USER_METADATA},
        )
    meta: dict[str, Any] = {"ContentType": request.get("ContentType") or "binary/octet-stream"}
    for name in _SYSTEM_METADATA[1:]:
        if request.get(name):
            meta[name] = request[name]
    if request.get("Expires") is not None:
        meta["Expires"] = request["Expires"].timestamp()
    if request.get("WebsiteRedirectLocation"):
        meta["WebsiteRedirectLocation"] = request["WebsiteRedirectLocation"]
    if user:
        meta["Metadata"] = dict(user)
    if request.get("Tagging"):
        meta["TagSet"] = parse_tagging_header(request["Tagging"])
    meta["Owner"] = ctx.account
    return meta


def object_output(
    bucket: dict[str, Any], version: ObjectVersion, now: float, request: dict[str, Any]
) -> dict[str, Any]:
    """The headers GetObject and HeadObject report for a version (not its length or range)."""
    meta = version.meta
    out: dict[str, Any] = {
        "ETag": version.etag,
        "LastModified": datetime.fromtimestamp(int(version.last_modified), UTC),
        "AcceptRanges": "bytes",
        "ContentType": meta.get("ContentType", "binary/octet-stream"),
    }
    for name in _SYSTEM_METADATA[1:]:
        if meta.get(name):
            out[name] = meta[name]
    if meta.get("Expires") is not None:
        out["Expires"] = datetime.fromtimestamp(meta["Expires"], UTC)
    if meta.get("WebsiteRedirectLocation"):
        out["WebsiteRedirectLocation"] = meta["WebsiteRedirectLocation"]
    if meta.get("Metadata"):
        out["Metadata"] = meta["Metadata"]
    if version.storage_class != "STANDARD":
        out["StorageClass"] = version.storage_class
    if meta.get("TagSet"):
        out["TagCount"] = len(meta["TagSet"])
    restore = restore_header(meta, now)
    if restore is not None:
        out["Restore"] = restore
    out.update(version_header(bucket, version))
    out.update(sse.output(meta.get("Encryption")))
    out.update(lock_headers(meta))
    out.update(expiration_header(bucket, version))
    ranged = bool(request.get("Range"))
    out.update(
        object_members(
            meta, request.get("ChecksumMode"), part_number=request.get("PartNumber"), ranged=ranged
        )
    )
    for parameter, member in _OVERRIDES.items():
        if request.get(parameter) is not None:
            out[member] = request[parameter]
    return out


@service.handler("PutObject")
def put_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    checksum = body_checksum(ctx)
    plan = sse.plan_for(ctx, request, default_rule(ctx, request["Bucket"]))
    if plan is None:
        blob, md5 = store_upload(ctx, request.get("Body"), checksum.hashers)
        size = blob.size
    else:
        blob, md5, size = sse.store_sealed(ctx, request.get("Body"), checksum.hashers, plan)
    tx = ctx.tx
    assert tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    rule = remember(bucket)
    if plan is not None and plan.default is not None and plan.default != rule:
        plan = sse.from_rule(plan, rule)  # the cached rule was stale (the bucket was made anew)
    key = request["Key"]
    meta = object_meta(ctx, request)
    meta.update(lock_meta(ctx, bucket, request))
    meta.update(acl_meta(ctx, bucket, request))
    if plan is not None:
        meta["Encryption"] = sse.record(ctx, plan, bucket["Name"], key, md5)
    if request.get("IfNoneMatch") is not None or request.get("IfMatch") is not None:
        check_write(tx_latest(ctx, bucket["Name"], key), request, key)
    version = put_version(
        tx,
        bucket["Name"],
        key,
        bucket.get("Versioning", ""),
        segments=[(blob.digest, blob.size)],
        size=size,
        etag=sse.version_etag(meta.get("Encryption"), md5),
        now=ctx.clock.time(),
        storage_class=request.get("StorageClass") or "STANDARD",
        meta=meta,
        checksums={**checksum.values(), "Type": "FULL_OBJECT"},
    )
    out: dict[str, Any] = {"ETag": version.etag, **members(version.meta.get("Checksum"))}
    out.update(version_header(bucket, version))
    out.update(sse.output(meta.get("Encryption"), context=True))
    out.update(expiration_header(bucket, version))
    return out


def store_upload(ctx: Context, body: BinaryIO | None, hashers: list[Hasher]) -> tuple[BlobRef, str]:
    """An upload's body into the blob store, with its hex MD5; `hashers` (checksums still to compute)
    are fed the same bytes."""
    blobs = ctx.db.blobs
    body = io.BytesIO() if body is None else body
    decoded = ctx.decoded
    if decoded is None or decoded.sha256 is None or decoded.md5 is None:
        md5 = hashlib.md5()
        return blobs.write(body, extra=[md5, *hashers]), md5.hexdigest()
    if hashers:
        # Rare (the SDKs send a checksum): a read-only pass, still cheaper than hashing in a copy.
        body.seek(0)
        while piece := body.read(CHUNK_SIZE):
            for hasher in hashers:
                hasher.update(piece)
    return blobs.adopt(body, decoded.sha256, decoded.length), decoded.md5


def tx_latest(ctx: Context, bucket: str, key: str) -> ObjectVersion | None:
    """The key's current object, or None when it has none (or its latest version is a delete marker)."""
    assert ctx.tx is not None
    latest = get_latest(ctx.tx, bucket, key)
    return None if latest is None or latest.is_delete_marker else latest


def check_write(current: ObjectVersion | None, request: dict[str, Any], key: str) -> None:
    """Conditional writes: If-None-Match: * refuses to overwrite, If-Match to write anything else."""
    if_none_match = request.get("IfNoneMatch")
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise ServiceError(
                "NotImplemented",
                "A header you provided implies functionality that is not implemented",
                501,
                fields={"Header": "If-None-Match"},
            )
        if current is not None:
            raise precondition_failed("If-None-Match")
    if_match = request.get("IfMatch")
    if if_match is not None:
        if current is None:
            raise no_such_key(key)
        if not etag_matches(if_match, current.etag):
            raise precondition_failed("If-Match")


def _part_range(version: ObjectVersion, part_number: int) -> tuple[int, int]:
    """Byte range [start, end) of one part of the object; a single-part object has only part 1."""
    parts = version.meta.get("Parts")
    if not parts:
        if part_number != 1:
            raise _invalid_part_number(version.size)
        return 0, version.size
    if part_number > len(parts):
        raise _invalid_part_number(version.size)
    start = sum(int(p["Size"]) for p in parts[: part_number - 1])
    return start, start + int(parts[part_number - 1]["Size"])


def _invalid_part_number(size: int) -> ServiceError:
    return ServiceError(
        "InvalidPartNumber",
        "The requested partnumber is not satisfiable",
        416,
        fields={"ActualObjectSize": size},
    )


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """[start, end) of a single Range header; None for one S3 ignores (malformed or several ranges)."""
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0 or size == 0:
            raise _invalid_range(header, size)
        return max(0, size - length), size
    start = int(first)
    end = size if last == "" else min(int(last) + 1, size)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise _invalid_range(header, size)
    return start, end


def _invalid_range(header: str, size: int) -> ServiceError:
    return ServiceError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        fields={"RangeRequested": header, "ActualObjectSize": size},
        headers={"Content-Range": f"bytes */{size}"},
    )


def _read(ctx: Context, request: dict[str, Any], head: bool) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "HEAD" if head else "GET")
    now = ctx.clock.time()
    if not head and not readable(version, now):
        raise ServiceError(
            "InvalidObjectState",
            "The operation is not valid for the object's storage class",
            403,
            fields={"StorageClass": version.storage_class},
        )
    check_read(version, request, now)
    encrypted = version.meta.get("Encryption")
    data_key = None
    if encrypted is not None and (not head or encrypted["SSE"] == "SSE-C"):
        data_key = sse.data_key(ctx, encrypted, request)
    out = object_output(bucket, version, now, request)
    span: tuple[int, int] | None = None
    part_number = request.get("PartNumber")
    if part_number is not None:
        if request.get("Range"):
            raise ServiceError(
                "InvalidRequest", "Cannot specify both Range header and partNumber query parameter", 400
            )
        span = _part_range(version, part_number)
        if version.meta.get("Parts"):
            out["PartsCount"] = len(version.meta["Parts"])
    elif request.get("Range"):
        span = _byte_range(request["Range"], version.size)
    start, end = span if span is not None else (0, version.size)
    out["ContentLength"] = end - start
    if span is not None:
        out["ContentRange"] = f"bytes {start}-{max(start, end - 1)}/{version.size}"
        out["StatusCode"] = 206
    if not head:
        if data_key is not None:
            pieces = sse.read_plain(ctx, version, data_key, start, end)
        else:
            pieces = read_segments(ctx.db.blobs, version.segments, start, end)
        # A body of one piece is read here: streaming it would cost the server two more thread hops.
        out["Body"] = b"".join(pieces) if end - start <= CHUNK_SIZE else pieces
    return out


@service.handler("GetObject")
def get_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _read(ctx, request, head=False)


@service.handler("HeadObject")
def head_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return _read(ctx, request, head=True)
