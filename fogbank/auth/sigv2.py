"""S3's Signature Version 2 (HMAC-SHA1): the `Authorization: AWS AK:sig` header and presigned
`?AWSAccessKeyId=&Expires=&Signature=` URLs.

The string to sign is METHOD, Content-MD5, Content-Type, Date (or Expires for a URL), the `x-amz-*`
headers canonicalised, then the resource: `/bucket/key` as encoded on the wire plus the sub-resources
(`?acl`, `?versionId=`...). A virtual-hosted request names its bucket in the Host header, which this stage
cannot tell from a domain name, so the resource is tried path-style, then with the first host label, then
with the whole host (a CNAME bucket).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, unquote

from fogbank.auth.sigv4 import check_skew
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest

__all__ = ["SigV2", "check_expiry", "parse_header", "parse_query", "string_to_sign", "verify"]

# The sub-resources that belong to the signed resource, as S3 (and botocore's HmacV1Auth) list them.
SUB_RESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "analytics",
        "cors",
        "defaultObjectAcl",
        "delete",
        "inventory",
        "lifecycle",
        "location",
        "logging",
        "metrics",
        "notification",
        "object-lock",
        "partNumber",
        "policy",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "select",
        "select-type",
        "storageClass",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    }
)


@dataclass(frozen=True, slots=True)
class SigV2:
    access_key: str
    signature: str
    presigned: bool = False
    expires: int | None = None  # epoch seconds; presigned only
    security_token: str | None = None


def _malformed(detail: str) -> ServiceError:
    return ServiceError("InvalidArgument", detail, 400)


def parse_header(request: HttpRequest) -> SigV2:
    value = request.headers.get("authorization", "")
    scheme, _, credential = value.strip().partition(" ")
    access_key, sep, signature = credential.strip().rpartition(":")
    if scheme != "AWS" or not sep or not access_key or not signature:
        raise _malformed("AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
    return SigV2(access_key, signature, security_token=request.headers.get("x-amz-security-token"))


def parse_query(params: dict[str, str]) -> SigV2:
    access_key, signature, expires = (
        params.get("AWSAccessKeyId"),
        params.get("Signature"),
        params.get("Expires"),
    )
    if not access_key or not signature or expires is None:
        raise ServiceError(
            "AccessDenied",
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
            403,
        )
    try:
        expires_at = int(expires)
    except ValueError:
        raise ServiceError(
            "AccessDenied", "Invalid date (should be seconds since epoch): " + expires, 403
        ) from None
    return SigV2(access_key, signature, True, expires_at, params.get("x-amz-security-token"))


def check_expiry(sig: SigV2, now: datetime) -> None:
    if sig.expires is not None and now.timestamp() > sig.expires:
        raise ServiceError(
            "AccessDenied",
            "Request has expired",
            403,
            fields={
                "Expires": datetime.fromtimestamp(sig.expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ServerTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )


def check_header_skew(request: HttpRequest, now: datetime) -> None:
    """The Date (or x-amz-date) of a header-signed request must be within 15 minutes of `now`."""
    sent = request.headers.get("x-amz-date") or request.headers.get("date")
    if not sent:
        raise ServiceError(
            "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
        )
    try:
        when = parsedate_to_datetime(sent)
    except (TypeError, ValueError):
        raise ServiceError(
            "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
        ) from None
    check_skew(when if when.tzinfo else when.replace(tzinfo=UTC), now, "s3", sent)


def _resources(request: HttpRequest) -> Iterator[str]:
    subresources: list[tuple[str, str | None]] = []
    for piece in request.query.split("&"):
        key, sep, value = piece.partition("=")
        if key in SUB_RESOURCES:
            subresources.append((key, unquote(value) if sep else None))
    subresources.sort(key=lambda kv: kv[0])
    suffix = ""
    if subresources:
        suffix = "?" + "&".join(k if v is None else f"{k}={v}" for k, v in subresources)
    path = request.path or "/"
    yield path + suffix
    host = request.host.split(":", 1)[0]
    label = host.split(".", 1)[0]
    if label and not label.startswith("s3") and label != "localhost" and not label.isdigit():
        yield f"/{label}{path}{suffix}"
        if host != label:
            yield f"/{host}{path}{suffix}"


def string_to_sign(request: HttpRequest, sig: SigV2, resource: str, params: dict[str, str]) -> str:
    headers = request.headers

    # A presigned URL carries the headers it signed in its query (botocore moves them there).
    def header(name: str) -> str:
        value = headers.get(name)
        if value is None and sig.presigned:
            value = params.get(name)
        return (value or "").strip()

    amz: dict[str, str] = {}
    if sig.presigned:
        amz.update((k.lower(), v.strip()) for k, v in params.items() if k.lower().startswith("x-amz-"))
    amz.update((k, v.strip()) for k, v in headers.items() if k.startswith("x-amz-"))
    if sig.presigned:
        date = str(sig.expires)
    elif "x-amz-date" in amz:
        # With x-amz-date present the Date line is empty: the date is signed among the amz headers.
        date = ""
    else:
        date = header("date")
    lines = [request.method.upper(), header("content-md5"), header("content-type"), date]
    lines.extend(f"{k}:{amz[k]}" for k in sorted(amz))
    lines.append(resource)
    return "\n".join(lines)


def verify(request: HttpRequest, sig: SigV2, secret: str) -> None:
    """SignatureDoesNotMatch unless `sig` is the HMAC-SHA1 of the request's string to sign."""
    params = dict(parse_qsl(request.query, keep_blank_values=True)) if sig.presigned else {}
    provided = sig.signature.encode()
    first = ""
    for resource in _resources(request):
        to_sign = string_to_sign(request, sig, resource, params)
        expected = base64.b64encode(hmac.digest(secret.encode(), to_sign.encode("utf-8"), "sha1"))
        if hmac.compare_digest(expected, provided):
            return
        first = first or to_sign
    raise ServiceError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
        fields={"AWSAccessKeyId": sig.access_key, "StringToSign": first, "SignatureProvided": sig.signature},
    )
