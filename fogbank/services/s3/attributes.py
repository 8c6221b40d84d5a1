"""GetObjectAttributes: an object's ETag, checksum, parts, storage class and size in one call.

Only the attributes the request names are answered. The ETag comes without quotes (unlike every other
operation's), and ObjectParts only for an object made by a multipart upload, paged by MaxParts and
PartNumberMarker like ListParts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket
from fogbank.services.s3.checksums import members
from fogbank.services.s3.objects_store import ObjectVersion
from fogbank.services.s3.versions import resolve, version_header

__all__ = ["get_object_attributes"]

ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")
_PAGE = 1000


def _requested(request: dict[str, Any]) -> set[str]:
    names = {name.strip() for item in request.get("ObjectAttributes") or [] for name in item.split(",")}
    names.discard("")
    unknown = names - set(ATTRIBUTES)
    if not names or unknown:
        raise ServiceError(
            "InvalidArgument",
            "Invalid attribute name specified.",
            400,
            fields={"ArgumentName": "x-amz-object-attributes", "ArgumentValue": ",".join(sorted(unknown))},
        )
    return names


def _object_parts(version: ObjectVersion, request: dict[str, Any]) -> dict[str, Any] | None:
    parts = version.meta.get("Parts")
    if not parts:
        return None
    limit = request.get("MaxParts")
    limit = _PAGE if limit is None else max(0, min(limit, _PAGE))
    marker = request.get("PartNumberMarker") or 0
    after = [part for part in parts if part["PartNumber"] > marker]
    page = after[:limit]
    out: dict[str, Any] = {
        "TotalPartsCount": len(parts),
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": len(after) > limit,
        "Parts": [
            {
                "PartNumber": part["PartNumber"],
                "Size": part["Size"],
                **members(part.get("Checksum"), with_type=False),
            }
            for part in page
        ],
    }
    if page:
        out["NextPartNumberMarker"] = page[-1]["PartNumber"]
    return out


@service.handler("GetObjectAttributes")
def get_object_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    wanted = _requested(request)
    bucket = require_bucket(ctx, request["Bucket"])
    version = resolve(ctx, bucket, request["Key"], request.get("VersionId"), "GET")
    out: dict[str, Any] = {"LastModified": datetime.fromtimestamp(int(version.last_modified), UTC)}
    out.update(version_header(bucket, version))
    if "ETag" in wanted and version.etag:
        out["ETag"] = version.etag.strip('"')
    if "Checksum" in wanted and version.meta.get("Checksum"):
        out["Checksum"] = members(version.meta["Checksum"])
    if "ObjectParts" in wanted:
        parts = _object_parts(version, request)
        if parts is not None:
            out["ObjectParts"] = parts
    if "StorageClass" in wanted:
        out["StorageClass"] = version.storage_class
    if "ObjectSize" in wanted:
        out["ObjectSize"] = version.size
    return out
