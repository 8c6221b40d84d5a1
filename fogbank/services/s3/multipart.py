"""S3 multipart uploads: create, upload parts (or copy them from objects), complete, abort. The
listings of uploads and parts are multipart_listings.py's.

Rows: `s3_uploads` (one per upload in progress, its object metadata in `meta`) and `s3_parts` (one per
part number; a part's bytes are blob segments like an object's). A part streams into the blob store
before the transaction takes the write lock, so parts upload in parallel; its MD5 (the part ETag) and its
checksum are computed in that same pass. Completion writes one object version whose segments are the
parts' segments, in order: no byte is copied again. The object's ETag is the MD5 of the concatenated
binary part MD5s followed by "-N"; its checksum is combined from the part checksums (checksums.py).

An upload created without a checksum algorithm still gets S3's default: every part keeps a CRC64NVME,
and the object a full-object CRC64NVME combined from them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote

from fogbank.auth.checksums import Hasher, bad_checksum
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service, sse
from fogbank.services.s3.bucket_encryption import remember
from fogbank.services.s3.buckets import owner, require_bucket
from fogbank.services.s3.checksums import (
    CRCS,
    DEFAULT,
    FLEXIBLE,
    body_checksum,
    combine_composite,
    combine_full_object,
    compute,
    invalid_checksum_type,
    member,
    members,
)
from fogbank.services.s3.conditions import check_copy_source, etag_matches, precondition_failed
from fogbank.services.s3.copy import copy_source_version
from fogbank.services.s3.object_lock import lock_meta
from fogbank.services.s3.objects import no_such_key, object_meta, store_upload, tx_latest
from fogbank.services.s3.objects_store import ObjectVersion, Segment, put_version, read_segments
from fogbank.services.s3.versions import version_header
from fogbank.state import Transaction

__all__ = ["MAX_PART_NUMBER", "MIN_PART_SIZE"]

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10_000
MAX_PART_SIZE = 5 * 1024**3
# Upload meta that is the upload's own, not the completed object's.
_UPLOAD_ONLY = frozenset(
    {
        "UploadId",
        "Bucket",
        "Key",
        "Initiated",
        "ChecksumAlgorithm",
        "ChecksumType",
        "Initiator",
        "StorageClass",
    }
)
_UPLOAD = "SELECT upload_id, bucket, key, initiated, meta FROM s3_uploads WHERE upload_id = ?"
_INSERT_UPLOAD = "INSERT INTO s3_uploads (upload_id, bucket, key, initiated, meta) VALUES (?, ?, ?, ?, ?)"
_DELETE_UPLOAD = "DELETE FROM s3_uploads WHERE upload_id = ?"
_PART_COLUMNS = "part_number, body, size, etag, last_modified, meta"
_PARTS = f"SELECT {_PART_COLUMNS} FROM s3_parts WHERE upload_id = ? ORDER BY part_number"
_DELETE_PART = "DELETE FROM s3_parts WHERE upload_id = ? AND part_number = ?"
_INSERT_PART = f"INSERT INTO s3_parts (upload_id, {_PART_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
_DELETE_PARTS = "DELETE FROM s3_parts WHERE upload_id = ?"


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# -- rows ----------------------------------------------------------------------------------------


def _no_such_upload(upload_id: str) -> ServiceError:
    return ServiceError(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
        "aborted or completed.",
        404,
        fields={"UploadId": upload_id},
    )


def _upload(tx: Transaction, request: dict[str, Any]) -> dict[str, Any]:
    """The upload the request names, in its bucket and for its key, or NoSuchUpload."""
    upload_id = request["UploadId"]
    row = tx.fetchone(_UPLOAD, (upload_id,))
    if row is None or row[1] != request["Bucket"] or row[2] != request["Key"]:
        raise _no_such_upload(upload_id)
    return {"UploadId": row[0], "Bucket": row[1], "Key": row[2], "Initiated": row[3], **json.loads(row[4])}


def _part(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "PartNumber": int(row[0]),
        "Segments": [(digest, int(size)) for digest, size in json.loads(row[1])],
        "Size": int(row[2]),
        "ETag": row[3],
        "LastModified": float(row[4]),
        **json.loads(row[5]),
    }


def _algorithm(upload: dict[str, Any]) -> str | None:
    """The upload's checksum algorithm, lower-case, if it was created with one."""
    value = upload.get("ChecksumAlgorithm")
    return value.lower() if value else None


def _part_number(request: dict[str, Any]) -> int:
    number = request["PartNumber"]
    if not 1 <= number <= MAX_PART_NUMBER:
        raise ServiceError(
            "InvalidArgument",
            "Part number must be an integer between 1 and 10000, inclusive",
            400,
            fields={"ArgumentName": "partNumber", "ArgumentValue": str(number)},
        )
    return number


# -- create --------------------------------------------------------------------------------------


def _checksum_settings(request: dict[str, Any]) -> dict[str, str]:
    algorithm = request.get("ChecksumAlgorithm")
    checksum_type = request.get("ChecksumType")
    if algorithm is None:
        if checksum_type is not None:
            raise ServiceError(
                "InvalidRequest",
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
                400,
            )
        return {}
    name = algorithm.lower()
    if name not in FLEXIBLE:
        raise ServiceError(
            "InvalidRequest",
            "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
            "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
            400,
        )
    if checksum_type is None:
        checksum_type = "FULL_OBJECT" if name == "crc64nvme" else "COMPOSITE"
    if (checksum_type == "FULL_OBJECT" and name not in CRCS) or (
        checksum_type == "COMPOSITE" and name == "crc64nvme"
    ):
        raise invalid_checksum_type(name, checksum_type)
    return {"ChecksumAlgorithm": name.upper(), "ChecksumType": checksum_type}


def _initiator(ctx: Context) -> dict[str, str]:
    principal = ctx.principal
    if principal is None or principal.kind == "root":
        return {**owner(ctx.account), "DisplayName": "webfile"}
    return {"ID": principal.arn, "DisplayName": principal.arn.rsplit("/", 1)[-1]}


@service.handler("CreateMultipartUpload")
def create_multipart_upload(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    settings = _checksum_settings(request)
    meta = object_meta(ctx, request)
    meta.update(lock_meta(ctx, bucket, request, integrity=False))
    meta.update(settings)
    meta["StorageClass"] = request.get("StorageClass") or "STANDARD"
    meta["Initiator"] = _initiator(ctx)
    plan = sse.plan_for(ctx, request, remember(bucket))
    if plan is not None:
        meta["Encryption"] = sse.record(ctx, plan, request["Bucket"], request["Key"])
    upload_id = secrets.token_urlsafe(48)
    ctx.tx.execute(
        _INSERT_UPLOAD, (upload_id, request["Bucket"], request["Key"], ctx.clock.time(), _dumps(meta))
    )
    enc = meta.get("Encryption")
    ctx.tx.after_commit(lambda: sse.remember_upload(upload_id, enc, plan.key if plan else None))
    out = {"Bucket": request["Bucket"], "Key": request["Key"], "UploadId": upload_id, **settings}
    return {**out, **sse.output(enc, context=True)}


# -- parts ---------------------------------------------------------------------------------------


def _mismatch(expected: str, actual: str) -> ServiceError:
    return ServiceError(
        "InvalidRequest",
        f"Checksum Type mismatch occurred, expected checksum Type: {expected}, "
        f"actual checksum Type: {actual}",
        400,
    )


def _needed(upload: dict[str, Any]) -> str:
    """The checksum every part of the upload keeps: its algorithm, or the default CRC64NVME."""
    return _algorithm(upload) or DEFAULT


def _save_part(
    tx: Transaction,
    upload_id: str,
    number: int,
    segments: list[Segment],
    size: int,
    etag: str,
    now: float,
    checksum: dict[str, str],
) -> None:
    tx.execute(_DELETE_PART, (upload_id, number))
    body = _dumps([list(s) for s in segments])
    tx.execute(_INSERT_PART, (upload_id, number, body, size, etag, now, _dumps({"Checksum": checksum})))


def _part_members(upload: dict[str, Any], checksum: dict[str, str], sent: dict[str, str]) -> dict[str, str]:
    """A part's checksum as UploadPart answers it: the upload's algorithm, and what was sent."""
    shown = {name.upper() for name in sent}
    algorithm = _algorithm(upload)
    if algorithm is not None:
        shown.add(algorithm.upper())
    return members({name: value for name, value in checksum.items() if name in shown})


@service.handler("UploadPart")
def upload_part(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    number = _part_number(request)
    # The body streams to disk before the first statement takes this request's write lock, so parts
    # upload in parallel. The checksum the part needs is usually the one it was sent with; when it is
    # not, it is computed once the upload is known.
    checksum = body_checksum(ctx)
    plan = sse.part_plan(ctx, request, lambda: _upload(cast(Transaction, ctx.tx), request))
    if plan is None:
        ref, md5 = store_upload(ctx, request.get("Body"), checksum.hashers)
        size = ref.size
    else:
        ref, md5, size = sse.store_sealed(ctx, request.get("Body"), checksum.hashers, plan, number)
    if size > MAX_PART_SIZE:
        raise ServiceError(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            400,
            fields={"ProposedSize": str(size), "MaxSizeAllowed": str(MAX_PART_SIZE)},
        )
    tx = ctx.tx
    assert tx is not None
    upload = _upload(tx, request)
    algorithm = _algorithm(upload)
    if algorithm is not None and checksum.sent and algorithm not in checksum.sent:
        raise _mismatch(algorithm, next(iter(checksum.sent)))
    values = checksum.values()
    needed = _needed(upload)
    if needed.upper() not in values and plan is not None:
        values[needed.upper()] = sse.part_checksum(ctx, needed, ref, size, plan, number)
    elif needed.upper() not in values:
        values[needed.upper()] = compute(ctx.db.blobs, needed, [(ref.digest, ref.size)])
    etag = f'"{md5}"' if plan is None else sse.etag(plan.sse, plan.prefix, md5)
    segments = [(ref.digest, ref.size)]
    _save_part(tx, upload["UploadId"], number, segments, size, etag, ctx.clock.time(), values)
    return {
        "ETag": etag,
        **_part_members(upload, values, checksum.sent),
        **sse.output(upload.get("Encryption")),
    }


def _source_range(value: str | None, size: int) -> tuple[int, int]:
    """[start, end) of `x-amz-copy-source-range: bytes=first-last` within an object of `size` bytes."""
    if value is None:
        return 0, size
    spec = value.strip().removeprefix("bytes=")
    first, _, last = spec.partition("-")
    if not first.isdigit() or not last.isdigit() or int(first) > int(last):
        raise ServiceError(
            "InvalidArgument",
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last "
            "are the zero-based offsets of the first and last bytes to copy",
            400,
            fields={"ArgumentName": "x-amz-copy-source-range", "ArgumentValue": value},
        )
    if int(last) >= size:
        raise ServiceError(
            "InvalidArgument", f"Range specified is not valid for source object of size: {size}", 400
        )
    return int(first), int(last) + 1


def _slice(segments: tuple[Segment, ...], start: int, end: int) -> list[tuple[Segment, int, int]]:
    """The pieces of `segments` that cover [start, end): (segment, offset in it, end in it)."""
    out: list[tuple[Segment, int, int]] = []
    offset = 0
    for segment in segments:
        lo, hi = offset, offset + segment[1]
        offset = hi
        if hi <= start or lo >= end:
            continue
        out.append((segment, max(start, lo) - lo, min(end, hi) - lo))
    return out


def _copy_range(
    ctx: Context, source: tuple[Segment, ...], start: int, end: int, algorithm: str
) -> tuple[list[Segment], str, dict[str, str]]:
    """The part's segments, ETag and checksum for bytes [start, end) of a source object: whole segments
    are shared, the cut ones at either end copied."""
    segments: list[Segment] = []
    md5 = hashlib.md5()
    checksum = body_checksum(ctx, (algorithm,))
    hashers: list[Hasher] = [md5, *checksum.hashers]
    for (digest, size), lo, hi in _slice(source, start, end):
        if lo == 0 and hi == size:
            segments.append((digest, size))
            for piece in read_segments(ctx.db.blobs, [(digest, size)]):
                for hasher in hashers:
                    hasher.update(piece)
        else:
            reader = sse.PieceReader(read_segments(ctx.db.blobs, [(digest, size)], lo, hi))
            ref = ctx.db.blobs.write(reader, hashers)
            segments.append((ref.digest, ref.size))
    return segments, f'"{md5.hexdigest()}"', checksum.values()


def _copy_sealed(
    ctx: Context,
    request: dict[str, Any],
    source: ObjectVersion,
    upload: dict[str, Any],
    number: int,
    span: tuple[int, int],
    algorithm: str,
) -> tuple[list[Segment], str, dict[str, str]]:
    """A copied part when the source or the upload is encrypted: the range's plaintext, re-encrypted
    under the upload's data key (or stored plain when the upload is not encrypted)."""
    start, end = span
    encrypted = source.meta.get("Encryption")
    if encrypted is not None:
        key = sse.data_key(ctx, encrypted, request, "CopySourceSSECustomer")
        pieces = sse.read_plain(ctx, source, key, start, end)
    else:
        pieces = read_segments(ctx.db.blobs, source.segments, start, end)
    plan = sse.part_plan(ctx, request, lambda: upload)
    md5 = hashlib.md5()
    checksum = body_checksum(ctx, (algorithm,))
    ref = sse.store_plain_pieces(ctx, pieces, [md5, *checksum.hashers], plan, number)
    etag = f'"{md5.hexdigest()}"' if plan is None else sse.etag(plan.sse, plan.prefix, md5.hexdigest())
    return [(ref.digest, ref.size)], etag, checksum.values()


@service.handler("UploadPartCopy", waits=True)
def upload_part_copy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    number = _part_number(request)
    upload = _upload(tx, request)
    _, source, _ = copy_source_version(ctx, request["CopySource"])
    check_copy_source(source, request, ctx.clock.time())
    start, end = _source_range(request.get("CopySourceRange"), source.size)
    if end - start > MAX_PART_SIZE:
        raise ServiceError(
            "InvalidRequest",
            "The specified copy source is larger than the maximum allowable size for a copy source: "
            f"{MAX_PART_SIZE}",
            400,
        )
    needed = _needed(upload)
    known = (source.meta.get("Checksum") or {}).get(needed.upper())
    whole = start == 0 and end == source.size and "-" not in (source.etag or "-")
    if source.meta.get("Encryption") is not None or upload.get("Encryption") is not None:
        segments, etag, values = _copy_sealed(ctx, request, source, upload, number, (start, end), needed)
    elif whole and known is not None and "-" not in known:
        # A whole single-part object: its ETag is its MD5 and its checksum is stored; nothing to read.
        segments, etag, values = list(source.segments), source.etag or "", {needed.upper(): known}
    else:
        segments, etag, values = _copy_range(ctx, source.segments, start, end, needed)
    now = ctx.clock.time()
    _save_part(tx, upload["UploadId"], number, segments, end - start, etag, now, values)
    result = {"ETag": etag, "LastModified": _time(now), **_part_members(upload, values, {})}
    out: dict[str, Any] = {"CopyPartResult": result}
    if source.version_id != "null":
        out["CopySourceVersionId"] = source.version_id
    return out


# -- complete and abort --------------------------------------------------------------------------


def _invalid_part(upload_id: str, number: int, etag: str) -> ServiceError:
    return ServiceError(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or "
        "the specified entity tag may not have matched the part's entity tag.",
        400,
        fields={"UploadId": upload_id, "PartNumber": str(number), "ETag": etag},
    )


def _chosen_parts(
    upload: dict[str, Any], listed: list[dict[str, Any]], stored: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The stored parts the request lists, checked as S3 checks them."""
    if not listed:
        raise ServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            400,
        )
    algorithm = _algorithm(upload)
    composite = algorithm is not None and upload.get("ChecksumType") == "COMPOSITE"
    chosen: list[dict[str, Any]] = []
    previous = 0
    for item in listed:
        number = int(item.get("PartNumber") or 0)
        etag = str(item.get("ETag") or "")
        if number <= previous:
            raise ServiceError(
                "InvalidPartOrder",
                "The list of parts was not in ascending order. Parts must be ordered by part number.",
                400,
                fields={"UploadId": upload["UploadId"]},
            )
        previous = number
        part = stored.get(number)
        if part is None or part["ETag"].strip('"') != etag.strip().strip('"'):
            raise _invalid_part(upload["UploadId"], number, etag)
        for name in FLEXIBLE:
            given = item.get(member(name))
            if given is not None and part["Checksum"].get(name.upper()) != given:
                raise _invalid_part(upload["UploadId"], number, etag)
        if composite and item.get(member(algorithm or "")) is None:
            raise ServiceError(
                "InvalidRequest",
                f"The upload was created using a {algorithm} checksum. The complete request must include the "
                f"checksum for each part. It was missing for part {number} in the request.",
                400,
            )
        chosen.append(part)
    for part in chosen[:-1]:
        if part["Size"] < MIN_PART_SIZE:
            raise ServiceError(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                400,
                fields={
                    "ProposedSize": str(part["Size"]),
                    "MinSizeAllowed": str(MIN_PART_SIZE),
                    "PartNumber": str(part["PartNumber"]),
                    "ETag": part["ETag"],
                },
            )
    return chosen


def _object_checksum(upload: dict[str, Any], parts: list[dict[str, Any]]) -> dict[str, str]:
    """The completed object's checksum: COMPOSITE of the part checksums, or the FULL_OBJECT CRC."""
    algorithm = _algorithm(upload)
    if algorithm is None:
        algorithm, checksum_type = DEFAULT, "FULL_OBJECT"
    else:
        checksum_type = upload.get("ChecksumType") or "COMPOSITE"
    name = algorithm.upper()
    if checksum_type == "FULL_OBJECT":
        value = combine_full_object(algorithm, [(p["Checksum"][name], p["Size"]) for p in parts])
    else:
        value = combine_composite(algorithm, [p["Checksum"][name] for p in parts])
    return {name: value, "Type": checksum_type}


def _check_expected(
    request: dict[str, Any], upload: dict[str, Any], checksum: dict[str, str], size: int
) -> None:
    """The whole-object checksum, checksum type and size the request may assert."""
    requested_type = request.get("ChecksumType")
    if requested_type is not None and upload.get("ChecksumAlgorithm") and requested_type != checksum["Type"]:
        raise ServiceError(
            "InvalidRequest",
            f"The upload was created using the {checksum['Type']} checksum mode. "
            "The complete request must use the same checksum mode.",
            400,
        )
    for name in FLEXIBLE:
        given = request.get(member(name))
        if given is None:
            continue
        if name.upper() not in checksum:
            raise ServiceError(
                "InvalidRequest",
                f"The upload was created using a {(upload.get('ChecksumAlgorithm') or DEFAULT).lower()} "
                f"checksum. The complete request must use the same checksum algorithm.",
                400,
            )
        if given != checksum[name.upper()]:
            raise bad_checksum(name)
    expected_size = request.get("MpuObjectSize")
    if expected_size is not None and int(expected_size) != size:
        raise ServiceError(
            "InvalidRequest",
            f"The provided 'x-amz-mp-object-size' header value {expected_size} does not match what was "
            f"computed: {size}",
            400,
        )


def _check_write_conditions(ctx: Context, request: dict[str, Any]) -> None:
    """If-None-Match: * and If-Match on the key being completed (conditional writes)."""
    none_match = request.get("IfNoneMatch")
    match = request.get("IfMatch")
    if none_match is None and match is None:
        return
    current = tx_latest(ctx, request["Bucket"], request["Key"])
    if none_match is not None and current is not None:
        raise precondition_failed("If-None-Match")
    if match is not None:
        if current is None:
            raise no_such_key(request["Key"])
        if not etag_matches(match, current.etag):
            raise precondition_failed("If-Match")


@service.handler("CompleteMultipartUpload", waits=True)
def complete_multipart_upload(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    bucket = require_bucket(ctx, request["Bucket"])
    upload = _upload(tx, request)
    stored = {part["PartNumber"]: part for part in map(_part, tx.execute(_PARTS, (upload["UploadId"],)))}
    listed = (request.get("MultipartUpload") or {}).get("Parts") or []
    parts = _chosen_parts(upload, listed, stored)
    size = sum(part["Size"] for part in parts)
    checksum = _object_checksum(upload, parts)
    _check_expected(request, upload, checksum, size)
    _check_write_conditions(ctx, request)
    md5s = b"".join(bytes.fromhex(part["ETag"].strip('"')) for part in parts)
    etag = f'"{hashlib.md5(md5s).hexdigest()}-{len(parts)}"'
    shown = checksum_name(checksum)
    meta = {key: value for key, value in upload.items() if key not in _UPLOAD_ONLY}
    if "Encryption" in meta:
        # Each part of an encrypted upload is one blob sealed with its part number in the nonces.
        layout = [[part["PartNumber"], part["Size"]] for part in parts]
        meta["Encryption"] = {**meta["Encryption"], "Segments": layout}
    meta["Parts"] = [
        {
            "PartNumber": part["PartNumber"],
            "Size": part["Size"],
            "ETag": part["ETag"],
            "Checksum": {k: v for k, v in part["Checksum"].items() if k == shown},
        }
        for part in parts
    ]
    version = put_version(
        tx,
        request["Bucket"],
        request["Key"],
        bucket.get("Versioning", ""),
        segments=[segment for part in parts for segment in part["Segments"]],
        size=size,
        etag=etag,
        now=ctx.clock.time(),
        storage_class=upload.get("StorageClass") or "STANDARD",
        meta=meta,
        checksums=checksum,
    )
    tx.execute(_DELETE_PARTS, (upload["UploadId"],))
    tx.execute(_DELETE_UPLOAD, (upload["UploadId"],))
    tx.after_commit(lambda: sse.forget_upload(upload["UploadId"]))
    host = ctx.request.host or "localhost"
    out: dict[str, Any] = {
        "Location": f"{ctx.request.scheme}://{host}/{quote(request['Bucket'])}/{quote(request['Key'])}",
        "Bucket": request["Bucket"],
        "Key": request["Key"],
        "ETag": etag,
        **members(checksum),
    }
    out.update(version_header(bucket, version))
    out.update(sse.output(meta.get("Encryption")))
    return out


def checksum_name(checksum: dict[str, str]) -> str:
    return next(name for name in checksum if name != "Type")


@service.handler("AbortMultipartUpload")
def abort_multipart_upload(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    require_bucket(ctx, request["Bucket"])
    upload = _upload(tx, request)
    initiated = request.get("IfMatchInitiatedTime")
    if initiated is not None and int(initiated.timestamp()) != int(upload["Initiated"]):
        raise ServiceError(
            "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412
        )
    tx.execute(_DELETE_PARTS, (upload["UploadId"],))
    tx.execute(_DELETE_UPLOAD, (upload["UploadId"],))
    # The upload's remembered encryption is only dropped once the abort is durable.
    upload_id = upload["UploadId"]
    tx.after_commit(lambda: sse.forget_upload(upload_id))
    return {}
