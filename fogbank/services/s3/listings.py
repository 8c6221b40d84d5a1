"""ListObjects (v1) and ListObjectsV2: the live objects of a bucket, one page at a time.

Both read the s3_objects_listing index as range scans (bucket, latest, key) through `walk`, so a page
costs its own rows plus one seek per common prefix. V2's continuation token is opaque to callers: it
is the last key or common prefix of the page, base64-encoded; v1 resumes from a marker the caller
sees (NextMarker, which S3 only returns when a delimiter is given).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import owner, require_bucket
from fogbank.services.s3.listing_walk import encoder, walk
from fogbank.services.s3.objects_store import ObjectVersion, scan_latest

__all__: list[str] = []

DEFAULT_MAX_KEYS = 1000


def _max_keys(request: dict[str, Any]) -> int:
    value = request.get("MaxKeys")
    if value is None:
        return DEFAULT_MAX_KEYS
    if value < 0:
        raise ServiceError(
            "InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647", 400
        )
    return min(value, DEFAULT_MAX_KEYS)


def _page(
    ctx: Context, bucket: str, request: dict[str, Any], marker: str | None
) -> tuple[list[ObjectVersion | str], bool, int]:
    tx = ctx.tx
    assert tx is not None
    prefix = request.get("Prefix") or ""
    max_keys = _max_keys(request)

    def scan(start: str | None, inclusive: bool, _seq: int | None, limit: int) -> list[ObjectVersion]:
        return scan_latest(tx, bucket, prefix=prefix, start=start, inclusive=inclusive, limit=limit)

    if max_keys == 0:
        return [], False, 0
    entries = walk(scan, prefix, request.get("Delimiter") or "", marker, None, max_keys + 1)
    return entries[:max_keys], len(entries) > max_keys, max_keys


def _contents(
    page: list[ObjectVersion | str], encode: Callable[[str], str], owner_account: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    contents: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    for entry in page:
        if isinstance(entry, str):
            prefixes.append({"Prefix": encode(entry)})
            continue
        item: dict[str, Any] = {
            "Key": encode(entry.key),
            "LastModified": datetime.fromtimestamp(entry.last_modified, UTC),
            "ETag": entry.etag,
            "Size": entry.size,
            "StorageClass": entry.storage_class,
        }
        checksum = entry.meta.get("Checksum") or {}
        algorithms = [name for name in checksum if name != "Type"]
        if algorithms:
            item["ChecksumAlgorithm"] = algorithms
            if checksum.get("Type"):
                item["ChecksumType"] = checksum["Type"]
        if owner_account is not None:
            item["Owner"] = owner(entry.meta.get("Owner", owner_account))
        contents.append(item)
    return contents, prefixes


def _common(
    bucket: str, request: dict[str, Any], encode: Callable[[str], str], max_keys: int
) -> dict[str, Any]:
    output: dict[str, Any] = {
        "Name": bucket,
        "Prefix": encode(request.get("Prefix") or ""),
        "MaxKeys": max_keys,
    }
    if request.get("Delimiter"):
        output["Delimiter"] = encode(request["Delimiter"])
    if request.get("EncodingType"):
        output["EncodingType"] = request["EncodingType"]
    return output


@service.handler("ListObjects")
def list_objects(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    marker = request.get("Marker") or None
    page, more, max_keys = _page(ctx, bucket["Name"], request, marker)
    encode = encoder(request.get("EncodingType"))
    contents, prefixes = _contents(page, encode, bucket["Account"])
    output = _common(bucket["Name"], request, encode, max_keys)
    output.update({"Marker": encode(marker or ""), "IsTruncated": more})
    if contents:
        output["Contents"] = contents
    if prefixes:
        output["CommonPrefixes"] = prefixes
    if more and request.get("Delimiter"):
        last = page[-1]
        output["NextMarker"] = encode(last if isinstance(last, str) else last.key)
    return output


def _token(last: str) -> str:
    return base64.urlsafe_b64encode(b"1:" + last.encode()).decode("ascii")


def _untoken(token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        if not raw.startswith(b"1:"):
            raise ValueError(token)
        return raw[2:].decode("utf-8")
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise ServiceError("InvalidArgument", "The continuation token provided is incorrect", 400) from exc


@service.handler("ListObjectsV2")
def list_objects_v2(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, request["Bucket"])
    token = request.get("ContinuationToken")
    start_after = request.get("StartAfter") or None
    marker = _untoken(token) if token else start_after
    page, more, max_keys = _page(ctx, bucket["Name"], request, marker)
    encode = encoder(request.get("EncodingType"))
    contents, prefixes = _contents(page, encode, bucket["Account"] if request.get("FetchOwner") else None)
    output = _common(bucket["Name"], request, encode, max_keys)
    output.update({"IsTruncated": more, "KeyCount": len(page)})
    if token:
        output["ContinuationToken"] = token
    if start_after:
        output["StartAfter"] = encode(start_after)
    if contents:
        output["Contents"] = contents
    if prefixes:
        output["CommonPrefixes"] = prefixes
    if more:
        last = page[-1]
        output["NextContinuationToken"] = _token(last if isinstance(last, str) else last.key)
    return output
