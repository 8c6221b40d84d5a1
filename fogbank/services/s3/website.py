"""S3 static website hosting: the bucket's website configuration, and the website endpoint itself.

The configuration is the bucket document's `Website` (IndexDocument, ErrorDocument,
RedirectAllRequestsTo, RoutingRules as the model names them). Website requests
(`BUCKET.s3-website.localhost:PORT`, `BUCKET.s3-website-REGION.amazonaws.com`,
`BUCKET.s3-website.REGION.amazonaws.com`) are plain HTTP GET/HEAD, no AWS API call: the server sends
them to `serve`, one stage that answers as the website endpoint does — index documents for "folders",
routing rules before the lookup (KeyPrefixEquals) and after an error (HttpErrorCodeReturnedEquals),
objects' x-amz-website-redirect-location, the error document with the error's status, and HTML error
pages rather than XML.

Every request is anonymous: each object the endpoint would serve (the page, or the error document) is
first authorized as an unsigned GetObject of it, so the website is exactly as public as the bucket's
policy, ACLs and Block Public Access make its objects.
"""

from __future__ import annotations

from email.utils import formatdate
from html import escape
from typing import Any
from urllib.parse import quote, unquote

from fogbank import specs
from fogbank.auth.credentials import anonymous
from fogbank.authorization import authorize_request
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpResponse
from fogbank.routing import website_bucket
from fogbank.services.s3 import service, sse
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.objects_store import ObjectVersion, get_latest, read_segments
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.state import Transaction

__all__ = ["serve"]

MAX_ROUTING_RULES = 50
_CONTENT_HEADERS = (
    ("ContentType", "Content-Type"),
    ("ContentEncoding", "Content-Encoding"),
    ("ContentDisposition", "Content-Disposition"),
    ("CacheControl", "Cache-Control"),
    ("ContentLanguage", "Content-Language"),
)


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidArgument", message, 400)


def _check(config: dict[str, Any]) -> None:
    redirect_all = config.get("RedirectAllRequestsTo")
    if redirect_all is not None:
        if any(config.get(k) for k in ("IndexDocument", "ErrorDocument", "RoutingRules")):
            raise _invalid(
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."
            )
        if not redirect_all.get("HostName"):
            raise _invalid("A value for HostName must be provided for RedirectAllRequestsTo.")
        return
    suffix = (config.get("IndexDocument") or {}).get("Suffix")
    if not suffix:
        raise _invalid("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")
    if "/" in suffix:
        raise _invalid("The IndexDocument Suffix is not well formed")
    rules = config.get("RoutingRules") or []
    if len(rules) > MAX_ROUTING_RULES:
        raise _invalid("The number of routing rules must not exceed the allowed limit of 50.")
    for rule in rules:
        redirect = rule.get("Redirect") or {}
        if redirect.get("ReplaceKeyWith") is not None and redirect.get("ReplaceKeyPrefixWith") is not None:
            raise _invalid("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
        code = redirect.get("HttpRedirectCode")
        if code is not None and not (code.isdigit() and 300 <= int(code) < 400):
            raise _invalid(f"The provided HTTP redirect code ({code}) is not valid. Valid codes are 3XX.")
        if redirect.get("Protocol") not in (None, "http", "https"):
            raise _invalid("Invalid protocol, protocol can be http or https.")


@service.handler("PutBucketWebsite")
def put_bucket_website(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    config = request.get("WebsiteConfiguration") or {}
    _check(config)
    doc["Website"] = {k: v for k, v in config.items() if v}
    assert ctx.tx is not None
    save_bucket(ctx.tx, doc)
    return {}


@service.handler("GetBucketWebsite")
def get_bucket_website(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if not doc.get("Website"):
        raise ServiceError(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            404,
            fields={"BucketName": doc["Name"]},
        )
    return dict(doc["Website"])


@service.handler("DeleteBucketWebsite")
def delete_bucket_website(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if doc.pop("Website", None) is not None:
        assert ctx.tx is not None
        save_bucket(ctx.tx, doc)
    return {}


# -- the website endpoint ------------------------------------------------------------------------


class _Page(Exception):
    """An HTML error page, with what the routing rules need to know about it."""

    def __init__(self, status: int, code: str, message: str, extra: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra or {}


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}


def _html(error: _Page, request_id: str, head: bool) -> HttpResponse:
    items = [
        ("Code", error.code),
        ("Message", error.message),
        *error.extra.items(),
        ("RequestId", request_id),
    ]
    lines = "".join(f"<li>{k}: {escape(v)}</li>\n" for k, v in items)
    title = f"{error.status} {_REASONS.get(error.status, 'Error')}"
    body = (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{lines}</ul>\n<hr/>\n"
        "</body>\n</html>\n"
    ).encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("x-amz-request-id", request_id)]
    if head:
        return HttpResponse(error.status, [*headers, ("Content-Length", str(len(body)))], b"")
    return HttpResponse(error.status, headers, body)


def _redirect(location: str, code: int = 301) -> HttpResponse:
    return HttpResponse(code, [("Location", location), ("Content-Length", "0")], b"")


def _object_response(ctx: Context, version: ObjectVersion, status: int, head: bool) -> HttpResponse:
    meta = version.meta
    headers = [
        ("ETag", version.etag or '""'),
        ("Last-Modified", formatdate(version.last_modified, usegmt=True)),
        ("x-amz-request-id", ctx.request_id),
    ]
    if not meta.get("ContentType"):
        headers.append(("Content-Type", "binary/octet-stream"))
    headers += [(header, meta[member]) for member, header in _CONTENT_HEADERS if meta.get(member)]
    headers += [(f"x-amz-meta-{k}", v) for k, v in (meta.get("Metadata") or {}).items()]
    enc = meta.get("Encryption")
    # Website endpoints serve SSE-S3 objects only: SSE-KMS and SSE-C need a signed request.
    if enc and enc["SSE"] != "AES256":
        raise _Page(403, "AccessDenied", "Access Denied")
    if head:
        return HttpResponse(status, [*headers, ("Content-Length", str(version.size))], b"")
    if not enc:
        return HttpResponse(status, headers, read_segments(ctx.db.blobs, version.segments))
    with ctx.db.transaction(write=False) as tx:
        ctx.tx = tx
        try:
            key = sse.data_key(ctx, enc, {})
        finally:
            ctx.tx = None
    return HttpResponse(status, headers, sse.read_plain(ctx, version, key, 0, version.size))


def _rule_location(ctx: Context, redirect: dict[str, Any], key: str, prefix: str) -> HttpResponse:
    host = redirect.get("HostName") or ctx.request.host
    protocol = redirect.get("Protocol") or ctx.request.scheme
    if redirect.get("ReplaceKeyWith") is not None:
        key = redirect["ReplaceKeyWith"]
    elif redirect.get("ReplaceKeyPrefixWith") is not None:
        key = redirect["ReplaceKeyPrefixWith"] + key[len(prefix) :]
    return _redirect(f"{protocol}://{host}/{quote(key)}", int(redirect.get("HttpRedirectCode") or 301))


def _routing_rule(
    ctx: Context, rules: list[dict[str, Any]], key: str, status: int | None
) -> HttpResponse | None:
    """The redirect of the first rule whose condition holds (before the lookup when status is None)."""
    for rule in rules:
        condition = rule.get("Condition") or {}
        prefix = condition.get("KeyPrefixEquals")
        code = condition.get("HttpErrorCodeReturnedEquals")
        if (code is None) != (status is None) or (code is not None and code != str(status)):
            continue
        if prefix is not None and not key.startswith(prefix):
            continue
        return _rule_location(ctx, rule.get("Redirect") or {}, key, prefix or "")
    return None


def _latest(tx: Transaction, bucket: str, key: str) -> ObjectVersion | None:
    version = get_latest(tx, bucket, key) if key else None
    return None if version is None or version.is_delete_marker else version


def _readable(ctx: Context, bucket: str, key: str) -> bool:
    """Whether an anonymous GetObject of the key is allowed: the website is as public as the bucket."""
    ctx.input = {"Bucket": bucket, "Key": key}
    try:
        authorize_request(ctx, ctx.decisions)
    except ServiceError:
        return False
    return True


def _index_target(website: dict[str, Any], key: str) -> str:
    return key + website["IndexDocument"]["Suffix"] if key == "" or key.endswith("/") else key


def _lookup(ctx: Context, bucket: str, website: dict[str, Any], key: str) -> HttpResponse:
    head = ctx.request.method.upper() == "HEAD"
    target = _index_target(website, key)
    if not _readable(ctx, bucket, target):
        raise _Page(403, "AccessDenied", "Access Denied")
    with ctx.db.transaction(write=False) as tx:
        version = _latest(tx, bucket, target)
        folder = f"{key}/{website['IndexDocument']['Suffix']}"
        if version is None and target == key and _latest(tx, bucket, folder) is not None:
            # A "folder" asked for without its slash: the endpoint sends the browser to the slashed form.
            return _redirect(f"/{quote(key)}/", 302)
    if version is None:
        raise _Page(404, "NoSuchKey", "The specified key does not exist.", {"Key": target})
    location = version.meta.get("WebsiteRedirectLocation")
    if location:
        return _redirect(location)
    return _object_response(ctx, version, 200, head)


def _error_document(ctx: Context, bucket: str, website: dict[str, Any], error: _Page) -> HttpResponse | None:
    key = (website.get("ErrorDocument") or {}).get("Key")
    if not key or not _readable(ctx, bucket, key):
        return None
    with ctx.db.transaction(write=False) as tx:
        version = _latest(tx, bucket, key)
    if version is None:
        return None
    return _object_response(ctx, version, error.status, ctx.request.method.upper() == "HEAD")


def _answer(ctx: Context, bucket: str) -> HttpResponse:
    raw = ctx.request.path.lstrip("/")
    key = unquote(raw)
    with ctx.db.transaction(write=False) as tx:
        doc = tx.get_doc(SERVICE, BUCKET, "", "", bucket)
    if doc is None:
        raise _Page(404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": bucket})
    website = doc.get("Website")
    if not website:
        raise _Page(
            404,
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            {"BucketName": bucket},
        )
    redirect_all = website.get("RedirectAllRequestsTo")
    if redirect_all is not None:
        protocol = redirect_all.get("Protocol") or ctx.request.scheme
        return _redirect(f"{protocol}://{redirect_all['HostName']}/{raw}")
    rules = website.get("RoutingRules") or []
    before = _routing_rule(ctx, rules, key, None)
    if before is not None:
        return before
    try:
        return _lookup(ctx, bucket, website, key)
    except _Page as error:
        after = _routing_rule(ctx, rules, key, error.status)
        if after is not None:
            return after
        document = _error_document(ctx, bucket, website, error)
        if document is not None:
            return document
        raise


def serve(ctx: Context) -> None:
    """Answer a request to a bucket's website endpoint."""
    bucket = website_bucket(ctx.request.host)
    assert bucket is not None
    method = ctx.request.method.upper()
    # Website requests are anonymous reads: they are authorized as an unsigned GetObject would be.
    ctx.principal = anonymous().principal
    ctx.service_name = "s3"
    ctx.service = specs.service_model("s3")
    ctx.operation = ctx.service.operation_model("GetObject")
    try:
        if method not in ("GET", "HEAD"):
            raise _Page(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        ctx.response = _answer(ctx, bucket)
    except _Page as error:
        ctx.response = _html(error, ctx.request_id, method == "HEAD")
