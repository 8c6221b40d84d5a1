"""What ImportTable reads: the S3 objects under a prefix, decompressed, and the items their lines hold.

`read_objects` yields (key, stored size, plain bytes) of every live object under the prefix, decrypting
the SSE-encrypted ones as GetObject would; a missing bucket, a bucket of another account or an
S3BucketOwner that does not own the bucket raises S3's error, which fails the whole import.

`parse` turns one object's bytes into items, one per line: DYNAMODB_JSON lines are {"Item": {...}} as
exports write them (binary values in base64); CSV rows take their column names from HeaderList or the
first row, and as AWS does, every value is a String except the attributes the table creation defines
(keys of the table and its indexes), which take their defined type. A line that cannot become an item
yields an error entry (None) instead: the import counts it and goes on.
"""

from __future__ import annotations

import base64
import binascii
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError

__all__ = ["read_objects", "decompress", "parse"]

_PAGE = 1000


def read_objects(ctx: Context, source: dict[str, Any]) -> Iterator[tuple[str, int, bytes]]:
    """(key, size, plain bytes) of each object under S3KeyPrefix, in key order."""
    # S3 is imported when an import runs, not whenever DynamoDB is: it is a large package.
    from fogbank.services.s3 import sse
    from fogbank.services.s3.buckets import require_bucket
    from fogbank.services.s3.objects_store import get_latest, read_segments, scan_latest

    assert ctx.tx is not None
    bucket = require_bucket(ctx, source["S3Bucket"])
    owner = source.get("S3BucketOwner")
    if owner is not None and owner != bucket["Account"]:
        raise ServiceError("AccessDenied", "Access Denied", 403)
    prefix = source.get("S3KeyPrefix", "")
    start = None
    while True:
        page = scan_latest(ctx.tx, bucket["Name"], prefix=prefix, start=start, limit=_PAGE)
        for listed in page:
            version = get_latest(ctx.tx, bucket["Name"], listed.key)
            assert version is not None
            encrypted = version.meta.get("Encryption")
            if encrypted is None:
                pieces = read_segments(ctx.db.blobs, version.segments)
            else:
                key = sse.data_key(ctx, encrypted, {})
                pieces = sse.read_plain(ctx, version, key, 0, version.size)
            yield version.key, version.size, b"".join(pieces)
        if len(page) < _PAGE:
            return
        start = page[-1].key


def decompress(data: bytes, compression: str) -> bytes | None:
    """The object's bytes uncompressed; None when they are not what InputCompressionType says."""
    if compression != "GZIP":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def _decode_value(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError("not an attribute value")
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner, validate=True)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b, validate=True) for b in inner]}
    if kind == "L":
        return {"L": [_decode_value(v) for v in inner]}
    if kind == "M":
        return {"M": _decode_item(inner)}
    return {kind: inner}


def _decode_item(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("not an item")
    return {name: _decode_value(value) for name, value in item.items()}


def _json_lines(text: str) -> Iterator[dict[str, Any] | None]:
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield _decode_item(record["Item"]) if isinstance(record, dict) and len(record) == 1 else None
        except (ValueError, KeyError, TypeError, binascii.Error):
            yield None


def _typed(text: str, kind: str) -> dict[str, Any]:
    if kind == "B":
        return {"B": base64.b64decode(text, validate=True)}
    return {kind: text}


def _csv_rows(text: str, options: dict[str, Any], types: dict[str, str]) -> Iterator[dict[str, Any] | None]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=options.get("Delimiter", ","))
    header = options.get("HeaderList")
    for row in rows:
        if not row:
            continue
        if header is None:
            header = row
            continue
        if len(row) != len(header):
            yield None
            continue
        try:
            yield {
                name: _typed(cell, types.get(name, "S"))
                for name, cell in zip(header, row, strict=True)
                if cell != ""
            }
        except binascii.Error:
            yield None


def parse(
    data: bytes, input_format: str, options: dict[str, Any], types: dict[str, str]
) -> Iterator[dict[str, Any] | None]:
    """The items of one object's (uncompressed) bytes, None for each line that is not one."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        yield None
        return
    if input_format == "CSV":
        yield from _csv_rows(text, options, types)
    else:
        yield from _json_lines(text)
