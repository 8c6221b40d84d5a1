"""S3 CORS: the bucket's CORS configuration, preflight answers, and headers on actual requests.

The configuration is the bucket document's `Cors` (a list of CORSRules as the model names them).
A browser's preflight (OPTIONS with Origin and Access-Control-Request-Method) has no operation in
any model: the server sends it to `preflight`, one stage that answers from the rules. An actual
request with an Origin header gets the Access-Control-* headers of the first matching rule added to
its S3 response (`cors_headers`); a request no rule matches is answered without them, as S3 does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.routing import bucket_from_host
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.state import Database

__all__ = ["cors_headers", "preflight"]

MAX_RULES = 100
METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"})
_NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
    "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
    "whitelisted by the resource's CORS spec."
)


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidRequest", message, 400)


def _check_rules(rules: list[dict[str, Any]]) -> None:
    if not rules:
        raise ServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            400,
        )
    if len(rules) > MAX_RULES:
        raise _invalid("Bucket CORS rules exceed the limit of 100")
    for rule in rules:
        for method in rule.get("AllowedMethods") or []:
            if method not in METHODS:
                raise _invalid(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
                )
        for origin in rule.get("AllowedOrigins") or []:
            if origin.count("*") > 1:
                raise _invalid(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
        for header in rule.get("AllowedHeaders") or []:
            if header.count("*") > 1:
                raise _invalid(f'AllowedHeader "{header}" can not have more than one wildcard.')


@service.handler("PutBucketCors")
def put_bucket_cors(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    rules = (request.get("CORSConfiguration") or {}).get("CORSRules") or []
    _check_rules(rules)
    doc["Cors"] = rules
    assert ctx.tx is not None
    save_bucket(ctx.tx, doc)
    return {}


@service.handler("GetBucketCors")
def get_bucket_cors(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if not doc.get("Cors"):
        raise ServiceError(
            "NoSuchCORSConfiguration",
            "The CORS configuration does not exist",
            404,
            fields={"BucketName": doc["Name"]},
        )
    return {"CORSRules": doc["Cors"]}


@service.handler("DeleteBucketCors")
def delete_bucket_cors(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if doc.pop("Cors", None) is not None:
        assert ctx.tx is not None
        save_bucket(ctx.tx, doc)
    return {}


# -- matching ------------------------------------------------------------------------------------


def _wildcard(pattern: str, value: str) -> bool:
    """A CORS pattern with at most one "*", which matches any run of characters."""
    head, star, tail = pattern.partition("*")
    if not star:
        return pattern == value
    return len(value) >= len(head) + len(tail) and value.startswith(head) and value.endswith(tail)


def _match(
    rules: list[dict[str, Any]], origin: str, method: str, headers: list[str]
) -> dict[str, Any] | None:
    for rule in rules:
        if method not in (rule.get("AllowedMethods") or []):
            continue
        if not any(_wildcard(o, origin) for o in rule.get("AllowedOrigins") or []):
            continue
        allowed = [h.lower() for h in rule.get("AllowedHeaders") or []]
        if all(any(_wildcard(a, h) for a in allowed) for h in headers):
            return rule
    return None


def _allow(rule: dict[str, Any], origin: str) -> list[tuple[str, str]]:
    wildcard = "*" in (rule.get("AllowedOrigins") or [])
    out = [("Access-Control-Allow-Origin", "*" if wildcard else origin)]
    out.append(("Access-Control-Allow-Methods", ", ".join(rule["AllowedMethods"])))
    if not wildcard:
        out.append(("Access-Control-Allow-Credentials", "true"))
    if rule.get("ExposeHeaders"):
        out.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        out.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    out.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
    return out


def _bucket_of(request: HttpRequest) -> str | None:
    bucket = bucket_from_host(request.host)
    if bucket is not None:
        return bucket
    first = request.path.lstrip("/").split("/", 1)[0]
    return unquote(first) or None


def _rules(db: Database, bucket: str) -> list[dict[str, Any]] | None:
    with db.transaction(write=False) as tx:
        doc = tx.get_doc(SERVICE, BUCKET, "", "", bucket)
    return None if doc is None else doc.get("Cors") or []


def _forbidden(message: str, method: str) -> HttpResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessForbidden</Code>'
        f"<Message>{message}</Message><Method>{method}</Method><ResourceType>OBJECT</ResourceType></Error>"
    )
    return HttpResponse(403, [("Content-Type", "application/xml")], body.encode())


def preflight(ctx: Context) -> None:
    """Answer a CORS preflight request from the bucket's rules."""
    request = ctx.request
    origin = request.headers.get("origin", "")
    method = request.headers.get("access-control-request-method")
    if method is None:
        raise ServiceError("BadRequest", "Insufficient information. Origin request header needed.", 400)
    bucket = _bucket_of(request)
    rules = _rules(ctx.db, bucket) if bucket is not None else None
    if rules is None:
        raise ServiceError(
            "NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": bucket or ""}
        )
    if not rules:
        ctx.response = _forbidden("CORSResponse: CORS is not enabled for this bucket.", method)
        return
    asked = request.headers.get("access-control-request-headers", "")
    headers = [h.strip().lower() for h in asked.split(",") if h.strip()]
    rule = _match(rules, origin, method, headers)
    if rule is None:
        ctx.response = _forbidden(_NOT_ALLOWED, method)
        return
    out = _allow(rule, origin)
    if headers:
        out.append(("Access-Control-Allow-Headers", ", ".join(headers)))
    ctx.response = HttpResponse(200, out, b"")


def cors_headers(db: Database, request: HttpRequest, bucket: str | None) -> list[tuple[str, str]]:
    """The Access-Control-* headers an S3 answer to a request with an Origin header carries."""
    if bucket is None:
        return []
    rules = _rules(db, bucket)
    if not rules:
        return []
    rule = _match(rules, request.headers["origin"], request.method.upper(), [])
    return _allow(rule, request.headers["origin"]) if rule is not None else []
