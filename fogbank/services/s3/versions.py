"""Versioning as requests see it: which version a request names, DeleteObject(s), ListObjectVersions.

`resolve` turns (key, versionId) into the version a read or copy acts on, with S3's answers for what
is not there: NoSuchKey (with `x-amz-delete-marker` when the latest version is a delete marker),
NoSuchVersion, and 405 MethodNotAllowed for a request that names a delete marker itself.

DeleteObject without a version id removes the "null" version of an unversioned bucket and adds a
delete marker when versioning is Enabled or Suspended; with a version id it removes that version for
good (a delete marker included, which brings the previous version back).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import owner, require_bucket
from fogbank.services.s3.conditions import etag_matches, precondition_failed
from fogbank.services.s3.listing_walk import encoder, walk
from fogbank.services.s3.object_lock import check_delete
from fogbank.services.s3.objects_store import (
    NULL_VERSION,
    ObjectVersion,
    get_latest,
    get_version,
    put_delete_marker,
    remove_version,
    scan_versions,
)

__all__ = ["resolve", "version_header", "delete_one"]

MAX_DELETE_KEYS = 1000
_VERSION_ID = re.compile(r"[A-Za-z0-9._\-+/=]{1,1024}")


def version_header(bucket: dict[str, Any], version: ObjectVersion) -> dict[str, Any]:
    """x-amz-version-id: reported once the bucket has had versioning turned on ("null" included)."""
    return {"VersionId": version.version_id} if bucket.get("Versioning") else {}


def _invalid_version_id() -> ServiceError:
    return ServiceError("InvalidArgument", "Invalid version id specified", 400)


def _marker_headers(version: ObjectVersion, with_date: bool) -> dict[str, str]:
    headers = {"x-amz-delete-marker": "true", "x-amz-version-id": version.version_id}
    if with_date:
        headers["Last-Modified"] = datetime.fromtimestamp(int(version.last_modified), UTC).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
    return headers


def resolve(
    ctx: Context, bucket: dict[str, Any], key: str, version_id: str | None, method: str
) -> ObjectVersion:
    """The object version a GET, HEAD or copy names, or S3's error."""
    tx = ctx.tx
    assert tx is not None
    if version_id is None:
        latest = get_latest(tx, bucket["Name"], key)
        if latest is None:
            raise ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})
        if latest.is_delete_marker:
            headers = _marker_headers(latest, with_date=False) if bucket.get("Versioning") else {}
            raise ServiceError(
                "NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key}, headers=headers
            )
        return latest
    if version_id != NULL_VERSION and not _VERSION_ID.fullmatch(version_id):
        raise _invalid_version_id()
    version = get_version(tx, bucket["Name"], key, version_id)
    if version is None:
        raise ServiceError(
            "NoSuchVersion",
            "The specified version does not exist.",
            404,
            fields={"Key": key, "VersionId": version_id},
        )
    if version.is_delete_marker:
        headers = _marker_headers(version, with_date=True)
        headers["Allow"] = "DELETE"
        raise ServiceError(
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            405,
            fields={"Method": method, "ResourceType": "DeleteMarker"},
            headers=headers,
        )
    return version


def delete_one(
    ctx: Context, bucket: dict[str, Any], key: str, version_id: str | None, if_match: str | None = None
) -> dict[str, Any]:
    """Delete one key or version; returns DeleteObject's output members."""
    tx = ctx.tx
    assert tx is not None
    name = bucket["Name"]
    versioning = bucket.get("Versioning", "")
    if if_match is not None:
        current = get_latest(tx, name, key) if version_id is None else get_version(tx, name, key, version_id)
        if current is None or current.is_delete_marker:
            raise ServiceError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})
        if not etag_matches(if_match, current.etag):
            raise precondition_failed("If-Match")
    if version_id is not None:
        if version_id != NULL_VERSION and not _VERSION_ID.fullmatch(version_id):
            raise _invalid_version_id()
        check_delete(ctx, get_version(tx, name, key, version_id))
        removed = remove_version(tx, name, key, version_id)
        out: dict[str, Any] = {"VersionId": version_id}
        if removed is not None and removed.is_delete_marker:
            out["DeleteMarker"] = True
        return out
    if not versioning:
        remove_version(tx, name, key, NULL_VERSION)
        return {}
    marker = put_delete_marker(tx, name, key, versioning, now=ctx.clock.time(), meta={"Owner": ctx.account})
    return {"DeleteMarker": True, "VersionId": marker.version_id}


@service.handler("DeleteObject")
def delete_object(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    return delete_one(ctx, bucket, request["Key"], request.get("VersionId"), request.get("IfMatch"))


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


@service.handler("DeleteObjects")
def delete_objects(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    headers = ctx.request.headers
    if "content-md5" not in headers and not any(
        name.startswith("x-amz-checksum-") or name == "x-amz-trailer" for name in headers
    ):
        raise ServiceError(
            "InvalidRequest", "Missing required header for this request: Content-MD5 OR x-amz-checksum-*", 400
        )
    bucket = require_bucket(ctx, request["Bucket"])
    spec = request.get("Delete") or {}
    objects = spec.get("Objects") or []
    if not objects or len(objects) > MAX_DELETE_KEYS:
        raise _malformed()
    quiet = bool(spec.get("Quiet"))
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for item in objects:
        key = item["Key"]
        version_id = item.get("VersionId")
        try:
            out = delete_one(ctx, bucket, key, version_id, item.get("ETag"))
        except ServiceError as error:
            failure = {"Key": key, "Code": error.code, "Message": error.message}
            if version_id is not None:
                failure["VersionId"] = version_id
            errors.append(failure)
            continue
        if quiet:
            continue
        entry: dict[str, Any] = {"Key": key}
        if version_id is not None:
            entry["VersionId"] = version_id
            if out.get("DeleteMarker"):
                entry["DeleteMarker"] = True
                entry["DeleteMarkerVersionId"] = version_id
        elif out.get("DeleteMarker"):
            entry["DeleteMarker"] = True
            entry["DeleteMarkerVersionId"] = out["VersionId"]
        deleted.append(entry)
    output: dict[str, Any] = {}
    if deleted:
        output["Deleted"] = deleted
    if errors:
        output["Errors"] = errors
    return output


def _max_keys(request: dict[str, Any]) -> int:
    value = request.get("MaxKeys")
    if value is None:
        return 1000
    if value < 0:
        raise ServiceError(
            "InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647", 400
        )
    return min(value, 1000)


@service.handler("ListObjectVersions")
def list_object_versions(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    name = bucket["Name"]
    prefix = request.get("Prefix") or ""
    delimiter = request.get("Delimiter") or ""
    max_keys = _max_keys(request)
    key_marker = request.get("KeyMarker") or None
    version_marker = request.get("VersionIdMarker") or None
    after_seq: int | None = None
    if version_marker is not None:
        if key_marker is None:
            raise ServiceError(
                "InvalidArgument", "A version-id marker cannot be specified without a key marker.", 400
            )
        marked = get_version(tx, name, key_marker, version_marker)
        if marked is None:
            raise _invalid_version_id()
        after_seq = marked.seq

    def scan(start: str | None, inclusive: bool, seq: int | None, limit: int) -> list[ObjectVersion]:
        return scan_versions(
            tx, name, prefix=prefix, start=start, inclusive=inclusive, after_seq=seq, limit=limit
        )

    entries = walk(scan, prefix, delimiter, key_marker, after_seq, max_keys + 1)
    page, more = entries[:max_keys], len(entries) > max_keys
    encode = encoder(request.get("EncodingType"))
    versions: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    for entry in page:
        if isinstance(entry, str):
            prefixes.append({"Prefix": encode(entry)})
            continue
        item: dict[str, Any] = {
            "Key": encode(entry.key),
            "VersionId": entry.version_id,
            "IsLatest": entry.is_latest,
            "LastModified": datetime.fromtimestamp(entry.last_modified, UTC),
            "Owner": owner(entry.meta.get("Owner", bucket["Account"])),
        }
        if entry.is_delete_marker:
            markers.append(item)
            continue
        item.update({"ETag": entry.etag, "Size": entry.size, "StorageClass": entry.storage_class})
        versions.append(item)
    output: dict[str, Any] = {
        "Name": name,
        "Prefix": encode(prefix),
        "KeyMarker": encode(key_marker or ""),
        "VersionIdMarker": version_marker or "",
        "MaxKeys": max_keys,
        "IsTruncated": more,
    }
    if delimiter:
        output["Delimiter"] = encode(delimiter)
    if request.get("EncodingType"):
        output["EncodingType"] = request["EncodingType"]
    if versions:
        output["Versions"] = versions
    if markers:
        output["DeleteMarkers"] = markers
    if prefixes:
        output["CommonPrefixes"] = prefixes
    if more and page:
        last = page[-1]
        if isinstance(last, str):
            output["NextKeyMarker"] = encode(last)
        else:
            output["NextKeyMarker"] = encode(last.key)
            output["NextVersionIdMarker"] = last.version_id
    return output
