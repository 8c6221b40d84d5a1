"""ExportTableToPointInTime, DescribeExport and ListExports: a table as it was, written to fogbank's S3.

An export writes the table as it was at ExportTime (from point-in-time recovery's change log) into an
S3 bucket, laid out as AWS lays it out under <prefix>/AWSDynamoDB/<export id>/: `_started`, a gzipped
data file under data/ with one {"Item": ...} per line in DynamoDB JSON (binary values in base64),
manifest-files.json (one line per data file) and manifest-summary.json. The export is done within the
request; its answer says IN_PROGRESS, as AWS's does, and DescribeExport then says COMPLETED, or FAILED
with the S3 error when the bucket is missing or not the caller's.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.dynamodb import backups, service, tables
from fogbank.services.dynamodb.values import item_size

__all__ = ["encode_item"]

EXPORT = "export"
EXPORT_FORMAT = "DYNAMODB_JSON"


def _encode_value(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "L":
        return {"L": [_encode_value(v) for v in inner]}
    if kind == "M":
        return {"M": encode_item(inner)}
    return value


def encode_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item in DynamoDB JSON: its binary values as base64 text."""
    return {name: _encode_value(value) for name, value in item.items()}


def _export_not_found(arn: str) -> ServiceError:
    return ServiceError("ExportNotFoundException", f"Export not found: {arn}", 400)


def _put_object(ctx: Context, bucket: dict[str, Any], key: str, body: bytes, content_type: str) -> str:
    """Store one object in a fogbank S3 bucket; returns its ETag (hex MD5, unquoted)."""
    # S3 is imported when an export runs, not whenever DynamoDB is: it is a large package.
    from fogbank.services.s3.sse import put_delivered

    assert ctx.tx is not None
    version = put_delivered(
        ctx.tx, bucket, key, body, content_type=content_type, owner=ctx.account, now=ctx.clock.time()
    )
    return (version.etag or "").strip('"')


def _write_export(ctx: Context, doc: dict[str, Any], items: list[dict[str, Any]]) -> None:
    from fogbank.services.s3.buckets import require_bucket

    bucket = require_bucket(ctx, doc["S3Bucket"])
    base = doc["ExportManifest"].rsplit("/", 1)[0]
    _put_object(ctx, bucket, f"{base}/_started", b"", "application/octet-stream")
    lines = b"".join(json.dumps({"Item": encode_item(item)}).encode() + b"\n" for item in items)
    data = gzip.compress(lines, mtime=0)
    data_key = f"{base}/data/{uuid.uuid4().hex[:26]}.json.gz"
    etag = _put_object(ctx, bucket, data_key, data, "application/x-gzip")
    files = {
        "itemCount": len(items),
        "md5Checksum": base64.b64encode(bytes.fromhex(etag)).decode(),
        "etag": etag,
        "dataFileS3Key": data_key,
    }
    files_key = f"{base}/manifest-files.json"
    files_etag = _put_object(ctx, bucket, files_key, json.dumps(files).encode() + b"\n", "application/json")
    summary = {
        "version": "2020-06-30",
        "exportArn": doc["ExportArn"],
        "startTime": _iso(doc["StartTime"]),
        "endTime": _iso(doc["StartTime"]),
        "tableArn": doc["TableArn"],
        "tableId": doc["TableId"],
        "exportTime": _iso(doc["ExportTime"]),
        "s3Bucket": doc["S3Bucket"],
        "s3Prefix": doc.get("S3Prefix"),
        "s3SseAlgorithm": doc["S3SseAlgorithm"],
        "s3SseKmsKeyId": doc.get("S3SseKmsKeyId"),
        "manifestFilesS3Key": files_key,
        "manifestFilesMd5Checksum": base64.b64encode(bytes.fromhex(files_etag)).decode(),
        "billedSizeBytes": doc["BilledSizeBytes"],
        "itemCount": len(items),
        "outputFormat": EXPORT_FORMAT,
        "exportType": "FULL_EXPORT",
    }
    _put_object(ctx, bucket, doc["ExportManifest"], json.dumps(summary).encode(), "application/json")


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def _description(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k not in ("StartTime", "EndTime", "ExportTime", "Account")}
    for member in ("StartTime", "EndTime", "ExportTime"):
        if member in doc:
            out[member] = datetime.fromtimestamp(doc[member], UTC)
    out["ExportStatus"] = doc["ExportStatus"]
    return out


@service.handler("ExportTableToPointInTime", waits=True)
def export_table_to_point_in_time(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    table = tables.load_or_none(ctx.tx, ctx.account, ctx.region, request["TableArn"])
    if table is None:
        raise ServiceError("TableNotFoundException", f"Table not found: {request['TableArn']}", 400)
    if not table.pitr:
        raise ServiceError(
            "PointInTimeRecoveryUnavailableException",
            f"Point in time recovery is not enabled for table '{table.name}'",
            400,
        )
    if request.get("ExportFormat", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise ServiceError("ValidationException", "fogbank exports in the DYNAMODB_JSON format only", 400)
    if request.get("ExportType", "FULL_EXPORT") != "FULL_EXPORT":
        raise ServiceError(
            "ValidationException", "fogbank makes full exports only (ExportType FULL_EXPORT)", 400
        )
    now = ctx.clock.now()
    earliest, latest = backups.window(table, now)
    when = request.get("ExportTime") or now
    if not earliest.replace(microsecond=0) <= when <= latest:
        raise ServiceError(
            "InvalidExportTimeException",
            "The specified ExportTime is outside of the point in time recovery window",
            400,
        )
    token = request.get("ClientToken")
    if token is not None:
        for _, existing in ctx.tx.list_docs("dynamodb", EXPORT, ctx.account, ctx.region):
            if existing.get("ClientToken") == token and existing["TableArn"] == table.arn:
                return {"ExportDescription": _description(existing)}
    export_id = f"{int(now.timestamp() * 1000):013d}-{uuid.uuid4().hex[:8]}"
    prefix = request.get("S3Prefix")
    base = f"{prefix.rstrip('/')}/AWSDynamoDB/{export_id}" if prefix else f"AWSDynamoDB/{export_id}"
    at = max(when.timestamp(), table.doc["PitrEnabledAt"])
    items = list(backups.items_at(ctx.tx, table, at))
    doc: dict[str, Any] = {
        "ExportArn": f"{table.arn}/export/{export_id}",
        "ExportStatus": "COMPLETED",
        "StartTime": now.timestamp(),
        "EndTime": now.timestamp(),
        "ExportManifest": f"{base}/manifest-summary.json",
        "TableArn": table.arn,
        "TableId": table.doc["TableId"],
        "ExportTime": when.timestamp(),
        "S3Bucket": request["S3Bucket"],
        "S3SseAlgorithm": request.get("S3SseAlgorithm", "AES256"),
        "ExportFormat": EXPORT_FORMAT,
        "ExportType": "FULL_EXPORT",
        "BilledSizeBytes": sum(item_size(i) for i in items),
        "ItemCount": len(items),
    }
    for member in ("ClientToken", "S3Prefix", "S3BucketOwner", "S3SseKmsKeyId"):
        if request.get(member) is not None:
            doc[member] = request[member]
    try:
        _write_export(ctx, doc, items)
    except ServiceError as error:
        doc.update(ExportStatus="FAILED", FailureCode=error.code, FailureMessage=error.message, ItemCount=0)
        doc.pop("ExportManifest")
    ctx.tx.put_doc("dynamodb", EXPORT, ctx.account, ctx.region, doc["ExportArn"], doc)
    return {"ExportDescription": {**_description(doc), "ExportStatus": "IN_PROGRESS"}}


@service.handler("DescribeExport")
def describe_export(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = ctx.tx.get_doc("dynamodb", EXPORT, ctx.account, ctx.region, request["ExportArn"])
    if doc is None:
        raise _export_not_found(request["ExportArn"])
    return {"ExportDescription": _description(doc)}


@service.handler("ListExports")
def list_exports(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    docs = [doc for _, doc in ctx.tx.list_docs("dynamodb", EXPORT, ctx.account, ctx.region)]
    if "TableArn" in request:
        docs = [d for d in docs if d["TableArn"] == request["TableArn"]]
    docs.sort(key=lambda d: (d["StartTime"], d["ExportArn"]))
    start = 0
    if "NextToken" in request:
        arns = [d["ExportArn"] for d in docs]
        start = arns.index(request["NextToken"]) + 1 if request["NextToken"] in arns else len(docs)
    limit = request.get("MaxResults", 25)
    page = docs[start : start + limit]
    out: dict[str, Any] = {
        "ExportSummaries": [
            {"ExportArn": d["ExportArn"], "ExportStatus": d["ExportStatus"], "ExportType": d["ExportType"]}
            for d in page
        ]
    }
    if start + limit < len(docs):
        out["NextToken"] = page[-1]["ExportArn"]
    return out
