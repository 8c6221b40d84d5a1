"""The authenticate stage: who signed a request, and whether the signature holds.

`authenticate` finds the scheme a request uses (SigV4 in the Authorization header, SigV4 presigned
query, S3's SigV2 header or presigned query, or none at all), resolves the access key to a principal
(`credentials.resolve`), and for keys that are verified checks the session token, the clock skew and the
signature. Default keys (non-strict mode) are not verified, but a presigned URL still expires.

The protocol decides how AWS spells a failure (S3's codes, query's InvalidClientTokenId, JSON's
UnrecognizedClientException...), so the caller passes the protocol it identified; without it the request's
headers are used to guess.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import parse_qsl

from fogbank.auth import presign, sigv2, sigv4
from fogbank.auth.credentials import (
    Credential,
    Flavour,
    Lookup,
    Principal,
    anonymous,
    expired_token,
    invalid_security_token,
    resolve,
)
from fogbank.auth.sigv4 import S3_SERVICES, SigV4
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest

__all__ = ["Authentication", "Credential", "Principal", "SigV4", "authenticate", "flavour_for"]

_JSON_PROTOCOLS = frozenset({"json", "rest-json", "smithy-rpc-v2-cbor"})


class Authentication(NamedTuple):
    principal: Principal
    sigv4: SigV4 | None  # None for anonymous and SigV2 requests
    secret: str | None  # the key's secret when its signatures are verified; decode checks chunks with it


def flavour_for(service: str | None, protocol: str | None, request: HttpRequest) -> Flavour:
    """Which family of error codes applies: from the signing name, then the protocol."""
    if service in S3_SERVICES:
        return "s3"
    if protocol is None:
        content_type = request.headers.get("content-type", "")
        if "x-amz-target" in request.headers or "json" in content_type or "cbor" in content_type:
            return "json"
        return "query"
    if protocol in _JSON_PROTOCOLS:
        return "json"
    if protocol == "ec2":
        return "ec2"
    # Query and rest-xml services (Route 53, CloudFront...) share the query spellings; S3 was told apart
    # above by its signing name.
    return "query"


def _scope_service(credential: str) -> str | None:
    parts = credential.rsplit("/", 4)
    return parts[3] if len(parts) == 5 else None


def _header_credential(header: str) -> str:
    start = header.find("Credential=")
    if start < 0:
        return ""
    return header[start + 11 :].split(",", 1)[0].strip()


def authenticate(
    request: HttpRequest,
    *,
    now: datetime,
    strict: bool,
    lookup: Lookup,
    protocol: str | None = None,
    skew_now: datetime | None = None,
) -> Authentication:
    """The principal behind `request`; raises the AWS error for a signature that does not hold.

    `now` is fogbank's clock (presigned URLs and session credentials expire by it). `skew_now` is the
    instant the client's clock is compared with for the 15-minute skew rule; it defaults to `now`, and a
    server whose clock has been moved away from real time passes real time here so that SDKs, which sign
    with real time, keep working. `protocol` is the botocore protocol name of the identified service.
    """
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    skew_now = skew_now or now
    header = request.headers.get("authorization")
    query = request.query
    params: dict[str, str] = {}
    if query and ("X-Amz-" in query or "AWSAccessKeyId" in query):
        params = dict(parse_qsl(query, keep_blank_values=True))
    query_v4 = presign.is_presigned(params)
    query_v2 = "AWSAccessKeyId" in params and "Signature" in params
    if header is not None and (query_v4 or query_v2):
        raise ServiceError(
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
            "string parameter or the Authorization header should be specified",
            400,
        )
    if header is not None:
        if header.startswith("AWS "):
            return _sigv2(request, sigv2.parse_header(request), now, skew_now, strict, lookup)
        flavour = flavour_for(_scope_service(_header_credential(header)), protocol, request)
        sig = sigv4.parse_header(request, flavour)
        return _sigv4(request, sig, flavour, now, skew_now, strict, lookup)
    if query_v4:
        flavour = flavour_for(_scope_service(params.get("X-Amz-Credential", "")), protocol, request)
        sig = presign.parse_query(request, flavour, params)
        presign.check_expiry(sig, now)
        return _sigv4(request, sig, flavour, now, skew_now, strict, lookup)
    if query_v2:
        sig2 = sigv2.parse_query(params)
        sigv2.check_expiry(sig2, now)
        return _sigv2(request, sig2, now, skew_now, strict, lookup)
    return Authentication(anonymous().principal, None, None)


def _check_session(credential: Credential, token: str | None, now: datetime, flavour: Flavour) -> None:
    if credential.session_token is not None and token != credential.session_token:
        raise invalid_security_token(flavour)
    expires = credential.principal.expires
    if expires is not None and now >= (expires if expires.tzinfo else expires.replace(tzinfo=UTC)):
        raise expired_token(flavour)


def _sigv4(
    request: HttpRequest,
    sig: SigV4,
    flavour: Flavour,
    now: datetime,
    skew_now: datetime,
    strict: bool,
    lookup: Lookup,
) -> Authentication:
    credential = resolve(sig.access_key, strict=strict, lookup=lookup, flavour=flavour)
    if credential.secret_key is not None:
        _check_session(credential, sig.security_token, now, flavour)
        if not sig.presigned:
            sigv4.check_skew(sig.amz_date, skew_now, flavour)
        sigv4.verify(request, sig, credential.secret_key, flavour)
    return Authentication(credential.principal, sig, credential.secret_key)


def _sigv2(
    request: HttpRequest,
    sig: sigv2.SigV2,
    now: datetime,
    skew_now: datetime,
    strict: bool,
    lookup: Lookup,
) -> Authentication:
    credential = resolve(sig.access_key, strict=strict, lookup=lookup, flavour="s3")
    if credential.secret_key is not None:
        _check_session(credential, sig.security_token, now, "s3")
        if not sig.presigned:
            sigv2.check_header_skew(request, skew_now)
        sigv2.verify(request, sig, credential.secret_key)
    return Authentication(credential.principal, None, credential.secret_key)
