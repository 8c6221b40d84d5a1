"""S3 server access logging: Put/GetBucketLogging, and the log objects written to the target bucket.

The configuration is the bucket document's `Logging` (the LoggingEnabled element). After an S3
request to a logged bucket has been answered, `record` keeps its line in AWS's server access log
format: the line's bytes go to the blob store at once, and a document (kind "access-log-line", keyed
by source bucket and sequence) names the blob; the request's transaction for this also schedules the
job "s3.access-log" for the bucket at the end of the current five-minute window. The job gathers the
bucket's pending lines into one object under TargetPrefix + YYYY-mm-DD-HH-MM-SS-UniqueString whose
body is the lines' blobs as segments (no bytes are copied), as a completed multipart upload's is.

Which buckets are logged is kept in memory (loaded from the bucket documents on first use and updated
when a configuration commits), so a request to an unlogged bucket costs no read.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpResponse
from fogbank.scheduler import schedule
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import owner, require_bucket, save_bucket
from fogbank.services.s3.sse import put_delivered
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.state import Database, Transaction, new_id

__all__ = ["is_logged", "record"]

JOB = "access-log"
LINE = "access-log-line"
WINDOW = 300.0  # seconds of requests gathered into one log object

_lock = threading.Lock()
# The logged buckets of the database they were read from (a process may open another, as tests do).
_logged: tuple[Database, set[str]] | None = None


def _invalid_target(message: str) -> ServiceError:
    return ServiceError("InvalidTargetBucketForLogging", message, 400)


@service.handler("PutBucketLogging")
def put_bucket_logging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    tx = ctx.tx
    assert tx is not None
    enabled = (request.get("BucketLoggingStatus") or {}).get("LoggingEnabled")
    if enabled:
        target = tx.get_doc(SERVICE, BUCKET, "", "", enabled.get("TargetBucket") or "")
        if target is None:
            raise _invalid_target("The target bucket for logging does not exist")
        if target["Account"] != doc["Account"]:
            raise _invalid_target(
                "The owner for the bucket to be logged and the target bucket must be the same."
            )
        if target["Region"] != doc["Region"]:
            raise ServiceError(
                "CrossLocationLoggingProhibitted",
                "Cross S3 location logging not allowed. ",
                403,
                fields={"SourceBucketLocation": doc["Region"], "TargetBucketLocation": target["Region"]},
            )
        doc["Logging"] = {**enabled, "TargetPrefix": enabled.get("TargetPrefix") or ""}
    else:
        doc.pop("Logging", None)
    save_bucket(tx, doc)
    name, on = doc["Name"], bool(enabled)
    tx.after_commit(lambda: _remember(ctx.db, name, on))
    return {}


@service.handler("GetBucketLogging")
def get_bucket_logging(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return {"LoggingEnabled": doc["Logging"]} if doc.get("Logging") else {}


def _load(db: Database) -> set[str]:
    global _logged
    with _lock:
        if _logged is None or _logged[0] is not db:
            with db.transaction(write=False) as tx:
                names = {name for name, doc in tx.list_docs(SERVICE, BUCKET, "", "") if doc.get("Logging")}
            _logged = (db, names)
        return _logged[1]


def _remember(db: Database, bucket: str, on: bool) -> None:
    logged = _load(db)
    with _lock:
        if on:
            logged.add(bucket)
        else:
            logged.discard(bucket)


def is_logged(db: Database, bucket: str) -> bool:
    cached = _logged
    return bucket in (cached[1] if cached is not None and cached[0] is db else _load(db))


# -- the log line --------------------------------------------------------------------------------


def _operation(ctx: Context, key: str | None) -> str:
    """REST.METHOD.RESOURCE: OBJECT for keys, else the sub-resource the query names, else BUCKET."""
    method = ctx.request.method.upper()
    subresource = next((k for k, v in ctx.request.query_params() if not v), None)
    if subresource:
        resource = subresource.upper().replace("-", "_")
        return f"REST.{method}.{'OBJECT_' if key else ''}{resource}"
    return f"REST.{method}.{'OBJECT' if key else 'BUCKET'}"


def _quoted(value: str | None) -> str:
    return f'"{value}"' if value else '"-"'


def _line(ctx: Context, owner_id: str, response: HttpResponse, error: str | None, millis: int) -> str:
    request = ctx.request
    bucket = ctx.uri_params["Bucket"]
    key = ctx.uri_params.get("Key")
    principal = ctx.principal
    requester = "-" if principal is None or principal.is_anonymous else principal.arn
    when = datetime.fromtimestamp(ctx.clock.time(), UTC).strftime("[%d/%b/%Y:%H:%M:%S +0000]")
    uri = request.path + (f"?{request.query}" if request.query else "")
    length = response.header("Content-Length")
    sent = str(len(response.body)) if isinstance(response.body, bytes | bytearray) else length
    sent = sent if sent and sent != "0" else "-"
    size = length if key and request.method.upper() in ("GET", "HEAD", "PUT") and length else "-"
    authorization = request.headers.get("authorization", "")
    signature = "SigV4" if "AWS4-" in authorization or "X-Amz-Signature" in request.query else "-"
    auth_type = "AuthHeader" if authorization else ("QueryString" if signature != "-" else "-")
    fields = [
        owner_id,
        bucket,
        when,
        request.client_ip,
        requester,
        ctx.request_id,
        _operation(ctx, key),
        key or "-",
        f'"{request.method.upper()} {uri} HTTP/1.1"',
        str(response.status),
        error or "-",
        sent,
        size,
        str(millis),
        "-",
        _quoted(request.headers.get("referer")),
        _quoted(request.headers.get("user-agent")),
        response.header("x-amz-version-id") or "-",
        "-",
        signature,
        "-" if request.scheme == "http" else "ECDHE-RSA-AES128-GCM-SHA256",
        auth_type,
        request.host or "-",
        "-" if request.scheme == "http" else "TLSv1.2",
        "-",
        "-",
    ]
    return " ".join(fields) + "\n"


def record(ctx: Context, response: HttpResponse, error: str | None, millis: int) -> None:
    """Keep the access log line of an answered request to a logged bucket."""
    bucket = ctx.uri_params["Bucket"]
    now = ctx.clock.time()
    with ctx.db.transaction() as tx:
        doc = tx.get_doc(SERVICE, BUCKET, "", "", bucket)
        if doc is None or not doc.get("Logging"):
            return
        line = _line(ctx, owner(doc["Account"])["ID"], response, error, millis)
        entry = {"Line": line}
        tx.put_doc(SERVICE, LINE, "", "", f"{bucket}/{new_id():020d}", entry)
        due = (now // WINDOW + 1) * WINDOW
        schedule(tx, f"s3.{JOB}", bucket, datetime.fromtimestamp(due, UTC), {"Bucket": bucket, "Due": due})


@service.job(JOB)
def write_log_object(tx: Transaction, payload: dict[str, Any]) -> None:
    """Gather a bucket's pending log lines into one object in its target bucket."""
    bucket = payload["Bucket"]
    lines = tx.list_docs(SERVICE, LINE, "", "", prefix=f"{bucket}/")
    for name, _ in lines:
        tx.delete_doc(SERVICE, LINE, "", "", name)
    source = tx.get_doc(SERVICE, BUCKET, "", "", bucket)
    config = (source or {}).get("Logging")
    target = tx.get_doc(SERVICE, BUCKET, "", "", config["TargetBucket"]) if config else None
    if not lines or target is None:
        return
    assert config is not None
    body = "".join(line["Line"] for _, line in lines).encode()
    # The job runs once fogbank's clock reaches the window's end: that is when the object is written.
    written = datetime.fromtimestamp(float(payload["Due"]), UTC)
    key = f"{config['TargetPrefix']}{written:%Y-%m-%d-%H-%M-%S}-{secrets.token_hex(8).upper()}"
    put_delivered(
        tx, target, key, body, content_type="text/plain", owner=target["Account"], now=written.timestamp()
    )
