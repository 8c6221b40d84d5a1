"""S3 listings of multipart uploads in progress: ListParts (one upload's parts) and ListMultipartUploads
(a bucket's uploads, grouped by delimiter like ListObjects).

Both read the rows multipart.py writes (`s3_uploads`, `s3_parts`), through its row readers, and never
change them. Pages hold at
most 1,000 entries whatever the caller asks for, as in S3.
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import owner, require_bucket
from fogbank.services.s3.checksums import DEFAULT, members
from fogbank.services.s3.listing_walk import encoder
from fogbank.services.s3.multipart import _PART_COLUMNS, _algorithm, _part, _time, _upload

__all__: list[str] = []

_PAGE = 1000
_LIST_UPLOADS = (
    "SELECT upload_id, bucket, key, initiated, meta FROM s3_uploads WHERE bucket = ? AND key >= ? "
    "ORDER BY key, initiated, upload_id"
)
_PARTS_PAGE = (
    f"SELECT {_PART_COLUMNS} FROM s3_parts WHERE upload_id = ? AND part_number > ? "
    "ORDER BY part_number LIMIT ?"
)


def _max(value: int | None, name: str) -> int:
    if value is None:
        return _PAGE
    if value < 0:
        raise ServiceError(
            "InvalidArgument",
            f"Argument {name} must be an integer between 0 and 2147483647",
            400,
            fields={"ArgumentName": name, "ArgumentValue": str(value)},
        )
    return min(value, _PAGE)


def _upload_checksum_members(upload: dict[str, Any]) -> dict[str, str]:
    if not upload.get("ChecksumAlgorithm"):
        return {}
    return {"ChecksumAlgorithm": upload["ChecksumAlgorithm"], "ChecksumType": upload["ChecksumType"]}


@service.handler("ListParts")
def list_parts(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    require_bucket(ctx, request["Bucket"])
    upload = _upload(tx, request)
    limit = _max(request.get("MaxParts"), "max-parts")
    marker = int(request.get("PartNumberMarker") or 0)
    rows = [_part(row) for row in tx.execute(_PARTS_PAGE, (upload["UploadId"], marker, limit + 1))]
    truncated = len(rows) > limit
    rows = rows[:limit]
    shown = (_algorithm(upload) or DEFAULT).upper()
    parts = [
        {
            "PartNumber": part["PartNumber"],
            "LastModified": _time(part["LastModified"]),
            "ETag": part["ETag"],
            "Size": part["Size"],
            **members({k: v for k, v in part["Checksum"].items() if k == shown}),
        }
        for part in rows
    ]
    out: dict[str, Any] = {
        "Bucket": request["Bucket"],
        "Key": request["Key"],
        "UploadId": upload["UploadId"],
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": truncated,
        "Parts": parts,
        "Initiator": upload.get("Initiator"),
        "Owner": owner(upload["Owner"]),
        "StorageClass": upload.get("StorageClass", "STANDARD"),
        **_upload_checksum_members(upload),
    }
    if parts:
        out["NextPartNumberMarker"] = parts[-1]["PartNumber"]
    return out


@service.handler("ListMultipartUploads")
def list_multipart_uploads(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    bucket = request["Bucket"]
    require_bucket(ctx, bucket)
    prefix = request.get("Prefix") or ""
    delimiter = request.get("Delimiter") or ""
    key_marker = request.get("KeyMarker") or ""
    id_marker = request.get("UploadIdMarker") or ""
    limit = _max(request.get("MaxUploads"), "max-uploads")
    encode = encoder(request.get("EncodingType"))
    rows = tx.execute(_LIST_UPLOADS, (bucket, max(prefix, key_marker)))
    uploads: list[dict[str, Any]] = []
    prefixes: list[str] = []
    truncated = False
    next_key = next_id = ""
    passed_marker = not id_marker
    for upload_id, _, key, initiated, meta_text in rows:
        if not key.startswith(prefix):
            if key > prefix:
                break
            continue
        if key_marker and key == key_marker:
            # Without an upload id marker the marker key is done; with one, resume after that upload.
            if not id_marker:
                continue
            if not passed_marker:
                passed_marker = upload_id == id_marker
                continue
        elif key_marker and key < key_marker:
            continue
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                common = key[: cut + len(delimiter)]
                if prefixes and prefixes[-1] == common:
                    continue
                if key_marker and common <= key_marker and key_marker.startswith(common):
                    continue
                if len(uploads) + len(prefixes) >= limit:
                    truncated = True
                    break
                prefixes.append(common)
                next_key, next_id = common, ""
                continue
        if len(uploads) + len(prefixes) >= limit:
            truncated = True
            break
        meta = json.loads(meta_text)
        uploads.append(
            {
                "UploadId": upload_id,
                "Key": encode(key),
                "Initiated": _time(initiated),
                "StorageClass": meta.get("StorageClass", "STANDARD"),
                "Owner": owner(meta["Owner"]),
                "Initiator": meta.get("Initiator"),
                **_upload_checksum_members(meta),
            }
        )
        next_key, next_id = key, upload_id
    out: dict[str, Any] = {
        "Bucket": bucket,
        "KeyMarker": encode(key_marker),
        "UploadIdMarker": id_marker,
        "Prefix": encode(prefix),
        "MaxUploads": limit,
        "IsTruncated": truncated,
        "Uploads": uploads,
        "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes],
    }
    if delimiter:
        out["Delimiter"] = encode(delimiter)
    if request.get("EncodingType") == "url":
        out["EncodingType"] = "url"
    if truncated:
        out["NextKeyMarker"] = encode(next_key)
        out["NextUploadIdMarker"] = next_id
    return out
