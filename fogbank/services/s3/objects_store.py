"""The rows of `s3_objects`: object versions, delete markers, and the bytes behind them.

This module is the one place that writes object versions, so the versioning invariants live here:

- at most one version of a key has `is_latest = 1`, the one with the largest `seq`;
- a bucket whose versioning is "" (never enabled) or "Suspended" writes version id "null", replacing
  any earlier "null" version of the key; "Enabled" writes a fresh version id and keeps the rest;
- removing a version (DeleteObject with a version id) promotes the next newest to latest.

API (all functions take the request's transaction):

    ObjectVersion                         one row, with `segments`, `meta` decoded; `.etag` quoted
    put_version(tx, bucket, key, versioning, *, segments, size, etag, now, storage_class, meta,
                checksums=None) -> ObjectVersion
        stores a new object version (PutObject, CopyObject, CompleteMultipartUpload); `checksums`
        ({"CRC32": "base64…", "Type": "FULL_OBJECT"}) is kept as meta["Checksum"]
    put_delete_marker(tx, bucket, key, versioning, *, now, meta=None) -> ObjectVersion
    get_latest(tx, bucket, key) -> ObjectVersion | None      may be a delete marker
    get_version(tx, bucket, key, version_id) -> ObjectVersion | None
    remove_version(tx, bucket, key, version_id) -> ObjectVersion | None   the removed row
    update_meta(tx, version, meta) -> ObjectVersion            tags, restore state: no new version
    set_storage_class(tx, version, storage_class) -> ObjectVersion     a lifecycle transition
    abort_uploads(tx, bucket, prefix, initiated_before) -> int        lifecycle's abort of stale uploads
    scan_latest(tx, bucket, *, prefix, start, inclusive, limit) -> list[ObjectVersion]
        live objects (latest, not delete markers) with key >= / > start, in UTF-8 byte order;
        without their segments (a listing reads no bytes); rows with equal metadata share one
        `meta` dict, so a listing treats them as read-only
    scan_versions(tx, bucket, *, prefix, start, inclusive, after_seq, limit) -> list[ObjectVersion]
        every version, by key then newest first; `after_seq` resumes inside the key `start`
    has_versions(tx, bucket) -> bool                           any row at all (BucketNotEmpty)
    forget_bucket(tx, bucket)                                  drops the bucket's uploads and parts
    read_segments(blobs, segments, start=0, end=None) -> Iterator[bytes]
        the bytes [start, end) of an object, in pieces of at most 1 MiB, opened lazily

    NULL_VERSION, new_version_id()                             "null", and a fresh 32-character id

Modification times are kept to the millisecond, as S3 reports them. Blob segments are shared by
content (CopyObject and completed uploads reference the same digests), so removing a row never deletes
a blob here.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fogbank.state import BlobStore, Transaction, new_id, prefix_end
from fogbank.state.blobs import CHUNK_SIZE

__all__ = [
    "NULL_VERSION",
    "ObjectVersion",
    "Segment",
    "abort_uploads",
    "forget_bucket",
    "get_latest",
    "get_version",
    "has_versions",
    "new_version_id",
    "put_delete_marker",
    "put_version",
    "read_segments",
    "remove_version",
    "set_storage_class",
    "scan_latest",
    "scan_versions",
    "update_meta",
]

NULL_VERSION = "null"

Segment = tuple[str, int]  # (blob digest, size)

_COLUMNS = (
    "bucket, key, version_id, seq, is_latest, is_delete_marker, body, size, etag, last_modified, "
    "storage_class, meta"
)
_SELECT = f"SELECT {_COLUMNS} FROM s3_objects"
# Listings never read bytes: their rows leave the segments out (decoding them is most of a row's cost).
_LISTED = (
    "SELECT bucket, key, version_id, seq, is_latest, is_delete_marker, '[]', size, etag, last_modified, "
    "storage_class, meta FROM s3_objects"
)
_INSERT = f"INSERT INTO s3_objects ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_UNMARK_LATEST = "UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1"
_DELETE_VERSION = "DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?"
_NEWEST = "SELECT version_id FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1"
_MARK_LATEST = "UPDATE s3_objects SET is_latest = 1 WHERE bucket = ? AND key = ? AND version_id = ?"
_UPDATE_META = "UPDATE s3_objects SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?"
_SET_CLASS = "UPDATE s3_objects SET storage_class = ? WHERE bucket = ? AND key = ? AND version_id = ?"
_STALE_UPLOADS = "SELECT upload_id, key FROM s3_uploads WHERE bucket = ? AND initiated <= ?"
_ABORT_PARTS = "DELETE FROM s3_parts WHERE upload_id = ?"
_ABORT_UPLOAD = "DELETE FROM s3_uploads WHERE upload_id = ?"
_ANY_ROW = "SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1"
_DELETE_PARTS = "DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)"
_DELETE_UPLOADS = "DELETE FROM s3_uploads WHERE bucket = ?"


# Treated as a value, yet not frozen: a listing page builds a thousand of these, and a frozen
# dataclass's __init__ costs several times more.
@dataclass(slots=True)
class ObjectVersion:
    bucket: str
    key: str
    version_id: str
    seq: int
    is_latest: bool
    is_delete_marker: bool
    segments: tuple[Segment, ...]
    size: int
    etag: str | None  # quoted, as S3 returns it
    last_modified: float  # epoch seconds on fogbank's clock
    storage_class: str
    meta: dict[str, Any]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _row(row: Sequence[Any]) -> ObjectVersion:
    return ObjectVersion(
        bucket=row[0],
        key=row[1],
        version_id=row[2],
        seq=int(row[3]),
        is_latest=bool(row[4]),
        is_delete_marker=bool(row[5]),
        segments=tuple((digest, int(size)) for digest, size in json.loads(row[6])) if row[6] != "[]" else (),
        size=int(row[7]),
        etag=row[8],
        last_modified=float(row[9]),
        storage_class=row[10],
        meta=json.loads(row[11]),
    )


def new_version_id() -> str:
    """32 URL-safe characters, the length and alphabet of S3's own version ids."""
    return secrets.token_urlsafe(24)


def _insert(tx: Transaction, version: ObjectVersion) -> ObjectVersion:
    # S3 keeps modification times to the millisecond (listings show them so).
    version = replace(version, last_modified=math.floor(version.last_modified * 1000) / 1000)
    if version.version_id == NULL_VERSION:
        tx.execute(_DELETE_VERSION, (version.bucket, version.key, NULL_VERSION))
    tx.execute(_UNMARK_LATEST, (version.bucket, version.key))
    tx.execute(
        _INSERT,
        (
            version.bucket,
            version.key,
            version.version_id,
            version.seq,
            1,
            int(version.is_delete_marker),
            _dumps([list(s) for s in version.segments]),
            version.size,
            version.etag,
            version.last_modified,
            version.storage_class,
            _dumps(version.meta),
        ),
    )
    return version


def _version_id_for(versioning: str) -> str:
    return new_version_id() if versioning == "Enabled" else NULL_VERSION


def put_version(
    tx: Transaction,
    bucket: str,
    key: str,
    versioning: str,
    *,
    segments: Sequence[Segment],
    size: int,
    etag: str,
    now: float,
    storage_class: str,
    meta: dict[str, Any],
    checksums: dict[str, str] | None = None,
) -> ObjectVersion:
    """Store a new latest version of `key`; `versioning` is the bucket's Versioning field."""
    if checksums:
        meta = {**meta, "Checksum": dict(checksums)}
    version = ObjectVersion(
        bucket=bucket,
        key=key,
        version_id=_version_id_for(versioning),
        seq=new_id(),
        is_latest=True,
        is_delete_marker=False,
        segments=tuple((d, int(s)) for d, s in segments if s),
        size=size,
        etag=etag,
        last_modified=now,
        storage_class=storage_class,
        meta=meta,
    )
    return _insert(tx, version)


def put_delete_marker(
    tx: Transaction, bucket: str, key: str, versioning: str, *, now: float, meta: dict[str, Any] | None = None
) -> ObjectVersion:
    marker = ObjectVersion(
        bucket=bucket,
        key=key,
        version_id=_version_id_for(versioning),
        seq=new_id(),
        is_latest=True,
        is_delete_marker=True,
        segments=(),
        size=0,
        etag=None,
        last_modified=now,
        storage_class="STANDARD",
        meta=meta or {},
    )
    return _insert(tx, marker)


def get_latest(tx: Transaction, bucket: str, key: str) -> ObjectVersion | None:
    row = tx.fetchone(f"{_SELECT} WHERE bucket = ? AND key = ? AND is_latest = 1", (bucket, key))
    return _row(row) if row else None


def get_version(tx: Transaction, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
    row = tx.fetchone(f"{_SELECT} WHERE bucket = ? AND key = ? AND version_id = ?", (bucket, key, version_id))
    return _row(row) if row else None


def remove_version(tx: Transaction, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
    """Delete one version for good; if it was the latest, the next newest becomes latest."""
    removed = get_version(tx, bucket, key, version_id)
    if removed is None:
        return None
    tx.execute(_DELETE_VERSION, (bucket, key, version_id))
    if removed.is_latest:
        newest = tx.fetchone(_NEWEST, (bucket, key))
        if newest is not None:
            tx.execute(_MARK_LATEST, (bucket, key, newest[0]))
    return removed


def update_meta(tx: Transaction, version: ObjectVersion, meta: dict[str, Any]) -> ObjectVersion:
    tx.execute(_UPDATE_META, (_dumps(meta), version.bucket, version.key, version.version_id))
    return replace(version, meta=meta)


def set_storage_class(tx: Transaction, version: ObjectVersion, storage_class: str) -> ObjectVersion:
    tx.execute(_SET_CLASS, (storage_class, version.bucket, version.key, version.version_id))
    return replace(version, storage_class=storage_class)


def abort_uploads(tx: Transaction, bucket: str, prefix: str, initiated_before: float) -> int:
    """Drop the bucket's uploads under `prefix` initiated at or before a time, with their parts."""
    stale = [
        row[0] for row in tx.execute(_STALE_UPLOADS, (bucket, initiated_before)) if row[1].startswith(prefix)
    ]
    for upload_id in stale:
        tx.execute(_ABORT_PARTS, (upload_id,))
        tx.execute(_ABORT_UPLOAD, (upload_id,))
    return len(stale)


def _range(prefix: str, start: str | None, inclusive: bool) -> tuple[str, list[Any]]:
    """The key conditions of a range scan: keys under `prefix`, from `start` on."""
    sql = ""
    params: list[Any] = []
    if start is not None and start >= prefix:
        sql += " AND key >= ?" if inclusive else " AND key > ?"
        params.append(start)
    elif prefix:
        sql += " AND key >= ?"
        params.append(prefix)
    end = prefix_end(prefix) if prefix else None
    if end is not None:
        sql += " AND key < ?"
        params.append(end)
    return sql, params


def scan_latest(
    tx: Transaction,
    bucket: str,
    *,
    prefix: str = "",
    start: str | None = None,
    inclusive: bool = False,
    limit: int,
) -> list[ObjectVersion]:
    """Up to `limit` live objects under `prefix` from `start` on, in key order (a range scan of the
    s3_objects_listing index). The rows carry no segments: read a version itself to get its bytes."""
    where, params = _range(prefix, start, inclusive)
    sql = f"{_LISTED} WHERE bucket = ? AND is_latest = 1{where} AND is_delete_marker = 0 ORDER BY key LIMIT ?"
    # Objects written alike carry the same metadata text: each distinct text is decoded once per page.
    metas: dict[str, dict[str, Any]] = {}
    out = []
    for r in tx.execute(sql, (bucket, *params, limit)):
        meta = metas.get(r[11])
        if meta is None:
            meta = metas[r[11]] = json.loads(r[11])
        out.append(
            ObjectVersion(r[0], r[1], r[2], r[3], bool(r[4]), False, (), r[7], r[8], float(r[9]), r[10], meta)
        )
    return out


def scan_versions(
    tx: Transaction,
    bucket: str,
    *,
    prefix: str = "",
    start: str | None = None,
    inclusive: bool = False,
    after_seq: int | None = None,
    limit: int,
) -> list[ObjectVersion]:
    """Up to `limit` versions and delete markers under `prefix`, by key and then newest first.

    With `after_seq`, the scan resumes inside key `start` with the versions older than that seq."""
    if after_seq is not None and start is not None:
        end = prefix_end(prefix) if prefix else None
        sql = f"{_SELECT} WHERE bucket = ? AND ((key = ? AND seq < ?) OR key > ?)"
        params: list[Any] = [bucket, start, after_seq, start]
        if end is not None:
            sql += " AND key < ?"
            params.append(end)
        if prefix:
            sql += " AND key >= ?"
            params.append(prefix)
    else:
        where, extra = _range(prefix, start, inclusive)
        sql = f"{_SELECT} WHERE bucket = ?{where}"
        params = [bucket, *extra]
    sql += " ORDER BY key, seq DESC LIMIT ?"
    return [_row(r) for r in tx.execute(sql, (*params, limit))]


def has_versions(tx: Transaction, bucket: str) -> bool:
    return tx.fetchone(_ANY_ROW, (bucket,)) is not None


def forget_bucket(tx: Transaction, bucket: str) -> None:
    """Drop what a deleted bucket leaves in S3's tables: its multipart uploads and their parts."""
    tx.execute(_DELETE_PARTS, (bucket,))
    tx.execute(_DELETE_UPLOADS, (bucket,))


def read_segments(
    blobs: BlobStore, segments: Sequence[Segment], start: int = 0, end: int | None = None
) -> Iterator[bytes]:
    """The bytes [start, end) of the concatenated segments, at most 1 MiB per piece.

    A generator: each blob opens when the reader reaches it and closes before the next, so a
    response that is never read holds no file open.
    """
    offset = 0
    for digest, size in segments:
        seg_start, seg_end = offset, offset + size
        offset = seg_end
        if end is not None and seg_start >= end:
            return
        if seg_end <= start:
            continue
        lo = max(start, seg_start) - seg_start
        hi = size if end is None else min(end, seg_end) - seg_start
        with blobs.open(digest) as stream:
            stream.seek(lo)
            remaining = hi - lo
            while remaining > 0:
                piece = stream.read(min(CHUNK_SIZE, remaining))
                if not piece:
                    raise OSError(f"blob {digest} is shorter than its recorded size")
                remaining -= len(piece)
                yield piece
