"""Server-side encryption of an S3 request: which encryption a write gets, the data key a read needs, and
the encryption headers S3 reports.

A write's encryption comes from its own headers (x-amz-server-side-encryption*, SSE-C's
x-amz-server-side-encryption-customer-*), else from the bucket's default encryption
(bucket_encryption.py). `Plan` carries the choice from before the body is stored (the data key the body
is encrypted under) to the row (`record`, which wraps the data key in the write transaction).

meta["Encryption"] of an encrypted version:
    {"SSE": "AES256" | "aws:kms" | "aws:kms:dsse" | "SSE-C", "Prefix": base64 nonce prefix,
     "Chunk": CHUNK, "WrappedKey": base64 (SSE-S3: under the S3 master key; SSE-KMS: the KMS ciphertext
     blob), "KeyArn", "Context" (SSE-KMS), "BucketKey" (bool), "CustomerKeyMD5" (SSE-C; never the key)}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from fogbank.auth.checksums import Hasher
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import encryption, kms_bridge
from fogbank.services.s3.checksums import body_checksum
from fogbank.services.s3.objects_store import ObjectVersion, put_version, read_segments
from fogbank.state import Transaction
from fogbank.state.blobs import BlobRef

__all__ = [
    "PieceReader",
    "Plan",
    "copy_encryption",
    "customer_key",
    "data_key",
    "forget_upload",
    "from_rule",
    "output",
    "part_checksum",
    "part_plan",
    "plan_for",
    "put_delivered",
    "read_plain",
    "record",
    "remember_upload",
    "store_plain_pieces",
    "store_sealed",
]

_KMS = ("aws:kms", "aws:kms:dsse")


@dataclass(slots=True)
class Plan:
    sse: str  # AES256, aws:kms, aws:kms:dsse or SSE-C
    key: bytes  # the data key (SSE-C: the customer's key)
    prefix: bytes
    kms_key_id: str | None = None
    context: dict[str, str] | None = None
    bucket_key: bool = False
    customer_md5: str | None = None
    default: dict[str, Any] | None = None  # the bucket rule the plan came from, when it did


_OPAQUE_ETAG = ("aws:kms", "aws:kms:dsse", "SSE-C")


def _invalid(message: str, name: str | None = None, value: str | None = None) -> ServiceError:
    fields = {"ArgumentName": name, "ArgumentValue": value} if name else None
    return ServiceError("InvalidArgument", message, 400, fields=fields)


def customer_key(
    ctx: Context, request: dict[str, Any], member: str = "SSECustomer"
) -> tuple[bytes, str] | None:
    """(key, its base64 MD5) of SSE-C headers (`member` "CopySourceSSECustomer" for a copy's source)."""
    algorithm = request.get(f"{member}Algorithm")
    encoded = request.get(f"{member}Key")
    md5 = request.get(f"{member}KeyMD5")
    if algorithm is None and encoded is None and md5 is None:
        return None
    if ctx.request.scheme != "https":
        raise ServiceError(
            "InvalidRequest",
            "Requests specifying Server Side Encryption with Customer provided keys must be made over a "
            "secure connection.",
            400,
        )
    if algorithm != "AES256":
        raise _invalid(
            "The encryption request that you specified is not valid. Supported value: AES256.",
            "x-amz-server-side-encryption-customer-algorithm",
            algorithm,
        )
    try:
        key = base64.b64decode(encoded or "", validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 32:
        raise _invalid(
            "The secret key was invalid for the specified algorithm.",
            "x-amz-server-side-encryption-customer-key",
        )
    actual = base64.b64encode(hashlib.md5(key).digest()).decode()
    if md5 is not None and md5 != actual:
        raise _invalid(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            "x-amz-server-side-encryption-customer-key-MD5",
        )
    return key, actual


def _context(request: dict[str, Any]) -> dict[str, str] | None:
    text = request.get("SSEKMSEncryptionContext")
    if not text:
        return None
    try:
        value = json.loads(base64.b64decode(text))
    except (binascii.Error, ValueError):
        raise _invalid(
            "The encryption context is not valid JSON.", "x-amz-server-side-encryption-context"
        ) from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _invalid("The encryption context is not valid JSON.", "x-amz-server-side-encryption-context")
    return value


def plan_for(ctx: Context, request: dict[str, Any], default: dict[str, Any] | None) -> Plan | None:
    """The encryption of a write: its headers, else `default` (the bucket's rule), else none."""
    customer = customer_key(ctx, request)
    sse = request.get("ServerSideEncryption")
    if customer is not None:
        if sse is not None:
            raise _invalid(
                "Server Side Encryption with Customer provided key is incompatible with the encryption "
                "method specified",
                "x-amz-server-side-encryption",
                sse,
            )
        return Plan("SSE-C", customer[0], encryption.new_prefix(), customer_md5=customer[1])
    if sse is None and (request.get("SSEKMSKeyId") or request.get("SSEKMSEncryptionContext")):
        raise _invalid(
            "Server Side Encryption with AWS KMS managed key requires HTTP header "
            "x-amz-server-side-encryption : aws:kms",
            "x-amz-server-side-encryption",
        )
    bucket_key = request.get("BucketKeyEnabled")
    from_default = sse is None and default is not None
    if sse is None and default is not None:
        sse = default.get("SSEAlgorithm")
        kms_key = default.get("KMSMasterKeyID")
        bucket_key = default.get("BucketKeyEnabled") if bucket_key is None else bucket_key
    else:
        kms_key = request.get("SSEKMSKeyId")
    if sse is None:
        return None
    if sse != "AES256" and sse not in _KMS:
        raise _invalid(
            "The encryption method specified is not supported", "x-amz-server-side-encryption", sse
        )
    if sse == "AES256":
        if request.get("SSEKMSKeyId"):
            raise _invalid(
                "Server Side Encryption with AWS KMS managed key requires HTTP header "
                "x-amz-server-side-encryption : aws:kms",
                "x-amz-server-side-encryption",
                sse,
            )
        plan = Plan("AES256", encryption.new_data_key(), encryption.new_prefix())
        plan.default = default if from_default else None
        return plan
    plan = Plan(
        sse,
        encryption.new_data_key(),
        encryption.new_prefix(),
        kms_key_id=kms_key,
        context=_context(request),
        bucket_key=bool(bucket_key),
    )
    if from_default:
        plan.default = default
    return plan


def from_rule(plan: Plan, rule: dict[str, Any] | None) -> Plan:
    """`plan`'s data key under the bucket's current rule (SSE-S3 when it has none: the body is sealed)."""
    if rule is None or rule.get("SSEAlgorithm") not in _KMS:
        return Plan("AES256", plan.key, plan.prefix)
    return Plan(
        rule["SSEAlgorithm"],
        plan.key,
        plan.prefix,
        kms_key_id=rule.get("KMSMasterKeyID"),
        bucket_key=bool(rule.get("BucketKeyEnabled")),
        default=rule,
    )


def etag(sse: str, prefix: bytes, md5: str) -> str:
    """The ETag of bytes with hex MD5 `md5` stored under `sse`: that MD5 — except under SSE-KMS and
    SSE-C, whose ETags AWS documents as not an MD5 of the object data; there, an MD5 of that MD5 and
    the version's nonce prefix, which still changes whenever the data does."""
    if sse not in _OPAQUE_ETAG:
        return f'"{md5}"'
    return f'"{hashlib.md5(bytes.fromhex(md5) + prefix).hexdigest()}"'


def version_etag(enc: dict[str, Any] | None, md5: str) -> str:
    """`etag` for a version whose meta["Encryption"] is `enc`."""
    if enc is None:
        return f'"{md5}"'
    return etag(enc["SSE"], base64.b64decode(enc["Prefix"]), md5)


def plain_md5(version: ObjectVersion) -> str | None:
    """The hex MD5 of a single-part version's plaintext, when its ETag hides it or is it."""
    enc = version.meta.get("Encryption") or {}
    if "MD5" in enc:
        return str(enc["MD5"])
    tag = (version.etag or "-").strip('"')
    return None if "-" in tag or enc.get("SSE") in _OPAQUE_ETAG else tag


def record(ctx: Context, plan: Plan, bucket: str, key: str, md5: str | None = None) -> dict[str, Any]:
    """meta["Encryption"] for a version written under `plan`: the data key wrapped, in the transaction,
    and the plaintext's MD5 (`md5`) where the ETag does not show it."""
    assert ctx.tx is not None
    enc: dict[str, Any] = {
        "SSE": plan.sse,
        "Prefix": base64.b64encode(plan.prefix).decode(),
        "Chunk": encryption.CHUNK,
    }
    if md5 is not None and plan.sse in _OPAQUE_ETAG:
        enc["MD5"] = md5
    if plan.sse == "SSE-C":
        enc["CustomerKeyMD5"] = plan.customer_md5
    elif plan.sse == "AES256":
        enc["WrappedKey"] = encryption.wrap_s3(ctx.tx, plan.key, _s3_aad(enc))
    else:
        kms_key = kms_bridge.key_for(ctx, plan.kms_key_id)
        arn = f"arn:aws:s3:::{bucket}" if plan.bucket_key else f"arn:aws:s3:::{bucket}/{key}"
        context = {**(plan.context or {}), "aws:s3:arn": arn}
        enc["WrappedKey"] = base64.b64encode(
            kms_bridge.seal_data_key(ctx, kms_key, plan.key, context)
        ).decode()
        enc.update(KeyArn=kms_key["Arn"], Context=context, BucketKey=plan.bucket_key)
    return enc


def put_delivered(
    tx: Transaction,
    bucket: dict[str, Any],
    key: str,
    body: bytes,
    *,
    content_type: str,
    owner: str,
    now: float,
) -> ObjectVersion:
    """An object a service delivers into a bucket (server access logs, DynamoDB exports, SES receipts),
    written in `tx` and sealed under SSE-S3 like every object S3 stores: no delivery leaves plaintext on
    disk. (AWS delivers these with SSE-S3 too; a bucket's SSE-KMS default would need the delivering
    service's own KMS permissions, which fogbank's services do not hold.)"""
    prefix = encryption.new_prefix()
    data_key = encryption.new_data_key()
    sealed = encryption.EncryptingReader(io.BytesIO(body), data_key, prefix)
    blob = tx.blobs.write_unique(cast(BinaryIO, sealed))
    enc: dict[str, Any] = {
        "SSE": "AES256",
        "Prefix": base64.b64encode(prefix).decode(),
        "Chunk": encryption.CHUNK,
    }
    enc["WrappedKey"] = encryption.wrap_s3(tx, data_key, _s3_aad(enc))
    return put_version(
        tx,
        bucket["Name"],
        key,
        bucket.get("Versioning") or "",
        segments=[(blob.digest, blob.size)],
        size=len(body),
        etag=f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
        now=now,
        storage_class="STANDARD",
        meta={"ContentType": content_type, "Owner": owner, "Encryption": enc},
    )


def _s3_aad(enc: dict[str, Any]) -> bytes:
    return f"fogbank-s3-sse:{enc['Prefix']}".encode()


def data_key(
    ctx: Context, enc: dict[str, Any], request: dict[str, Any], member: str = "SSECustomer"
) -> bytes:
    """The data key of an encrypted version, as the reader may have it (SSE-C: the request's key)."""
    assert ctx.tx is not None
    if enc["SSE"] == "SSE-C":
        customer = customer_key(ctx, request, member)
        if customer is None:
            raise ServiceError(
                "InvalidRequest",
                "The object was stored using a form of Server Side Encryption. The correct parameters must "
                "be provided to retrieve the object.",
                400,
            )
        if customer[1] != enc["CustomerKeyMD5"]:
            raise ServiceError(
                "AccessDenied",
                "Requests specifying Server Side Encryption with Customer provided keys must provide the "
                "correct secret key.",
                403,
            )
        return customer[0]
    if enc["SSE"] == "AES256":
        return encryption.unwrap_s3(ctx.tx, enc["WrappedKey"], _s3_aad(enc))
    return kms_bridge.open_data_key(ctx, base64.b64decode(enc["WrappedKey"]), enc["Context"])


def output(enc: dict[str, Any] | None, *, context: bool = False) -> dict[str, Any]:
    """The encryption members S3 reports for a version (`context`: PUT and copy echo the context)."""
    if enc is None:
        return {}
    if enc["SSE"] == "SSE-C":
        return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": enc["CustomerKeyMD5"]}
    out: dict[str, Any] = {"ServerSideEncryption": enc["SSE"]}
    if enc["SSE"] in _KMS:
        out["SSEKMSKeyId"] = enc["KeyArn"]
        if enc.get("BucketKey"):
            out["BucketKeyEnabled"] = True
        if context:
            out["SSEKMSEncryptionContext"] = base64.b64encode(json.dumps(enc["Context"]).encode()).decode()
    return out


def store_sealed(
    ctx: Context, body: BinaryIO | None, hashers: list[Hasher], plan: Plan, part: int = 0
) -> tuple[BlobRef, str, int]:
    """(ciphertext blob, hex MD5 of the plaintext, plaintext size) of an upload encrypted under `plan`.

    The body is encrypted as the blob store reads it: only ciphertext is written there (no hard link of
    the plaintext spool file, which the request removes when it ends)."""
    decoded = ctx.decoded
    md5 = None if decoded is None or decoded.md5 is None else decoded.md5
    extra: list[Hasher] = list(hashers)
    hasher = None
    if md5 is None:
        hasher = hashlib.md5()
        extra.append(hasher)
    if body is None:
        body = io.BytesIO()
    elif body.seekable():
        body.seek(0)
    reader = encryption.EncryptingReader(body, plan.key, plan.prefix, part, hashers=extra)
    blob = ctx.db.blobs.write_unique(cast(BinaryIO, reader))
    return blob, md5 if hasher is None else hasher.hexdigest(), reader.plain_size


def read_plain(ctx: Context, version: ObjectVersion, key: bytes, start: int, end: int) -> Iterator[bytes]:
    """The plaintext bytes [start, end) of an encrypted version: one blob per PUT, one per part of a
    multipart upload (meta["Encryption"]["Segments"]: [part number, plaintext size] of each)."""
    enc = version.meta["Encryption"]
    prefix = base64.b64decode(enc["Prefix"])
    layout = enc.get("Segments") or [[0, version.size]]
    offset = 0
    for (digest, _), (part, size) in zip(version.segments, layout, strict=True):
        lo, hi = max(start, offset), min(end, offset + size)
        if lo < hi:
            yield from encryption.decrypt_range(
                ctx.db.blobs, digest, size, key, prefix, lo - offset, hi - offset, part
            )
        offset += size


# Upload id -> (its encryption, its data key): parts stream to disk before their request reads the
# upload, so the key a part is encrypted under is known from the upload's creation (or read once).
_uploads: dict[str, tuple[dict[str, Any], bytes | None]] = {}
_UPLOADS_CACHED = 10_000


def remember_upload(upload_id: str, enc: dict[str, Any] | None, key: bytes | None) -> None:
    if len(_uploads) >= _UPLOADS_CACHED:
        _uploads.clear()
    _uploads[upload_id] = ({} if enc is None else enc, None if enc is None or enc["SSE"] == "SSE-C" else key)


def forget_upload(upload_id: str) -> None:
    _uploads.pop(upload_id, None)


def part_plan(ctx: Context, request: dict[str, Any], upload_of: Callable[[], dict[str, Any]]) -> Plan | None:
    """The encryption of an upload's part (None when the upload is not encrypted); SSE-C parts must
    carry the upload's key."""
    cached = _uploads.get(request["UploadId"])
    if cached is None:
        enc = upload_of().get("Encryption")
        key = None if enc is None or enc["SSE"] == "SSE-C" else data_key(ctx, enc, request)
        remember_upload(request["UploadId"], enc, key)
        cached = _uploads[request["UploadId"]]
    enc, key = cached
    if not enc:
        return None
    if key is None:
        key = data_key(ctx, enc, request)
    return Plan(enc["SSE"], key, base64.b64decode(enc["Prefix"]))


def part_checksum(ctx: Context, algorithm: str, blob: BlobRef, size: int, plan: Plan, part: int) -> str:
    """The base64 `algorithm` checksum of an encrypted part's plaintext, read back from its blob."""
    checksum = body_checksum(ctx, (algorithm,))
    pieces = encryption.decrypt_range(ctx.db.blobs, blob.digest, size, plan.key, plan.prefix, 0, size, part)
    for piece in pieces:
        for hasher in checksum.hashers:
            hasher.update(piece)
    return checksum.values()[algorithm.upper()]


def store_plain_pieces(
    ctx: Context, pieces: Iterator[bytes], hashers: list[Hasher], plan: Plan | None, part: int
) -> BlobRef:
    """Plaintext pieces (a copied range of an encrypted source) into the blob store, encrypted under
    `plan` when the destination is encrypted; `hashers` see the plaintext."""
    reader = PieceReader(pieces)
    if plan is None:
        return ctx.db.blobs.write(cast(BinaryIO, reader), hashers)
    sealed = encryption.EncryptingReader(cast(BinaryIO, reader), plan.key, plan.prefix, part, hashers=hashers)
    return ctx.db.blobs.write_unique(cast(BinaryIO, sealed))


class PieceReader:
    """A file-like view of an iterator of byte pieces, for `BlobStore.write`."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def copy_encryption(
    ctx: Context,
    request: dict[str, Any],
    source: ObjectVersion,
    bucket: str,
    key: str,
    default: dict[str, Any] | None,
) -> tuple[list[tuple[str, int]], dict[str, Any]] | None:
    """The segments and meta["Encryption"] of a copy that changes encryption (re-encrypted as it streams),
    or None when the copy keeps the source's data key and so may share its segments. A copy of an SSE-C
    object without SSE-C for the copy is stored under SSE-S3, never in plaintext."""
    plan = plan_for(ctx, request, default)
    enc = source.meta.get("Encryption")
    if plan is None and enc is not None and enc["SSE"] == "SSE-C":
        plan = Plan("AES256", encryption.new_data_key(), encryption.new_prefix())
    if plan is None:
        return None
    if enc is None:
        pieces = read_segments(ctx.db.blobs, source.segments)
    else:
        pieces = read_plain(ctx, source, data_key(ctx, enc, request, "CopySourceSSECustomer"), 0, source.size)
    blob = store_plain_pieces(ctx, pieces, [], plan, 0)
    return [(blob.digest, blob.size)], record(ctx, plan, bucket, key, plain_md5(source))
