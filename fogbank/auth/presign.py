"""SigV4 presigned URLs: the `X-Amz-*` query parameters as a `SigV4` value, and their expiry.

A presigned URL signs the query (without `X-Amz-Signature`) and the headers named in
`X-Amz-SignedHeaders`. S3 signs the payload as UNSIGNED-PAYLOAD (the body is unknown when the URL is made);
other services (an STS GetCallerIdentity URL, an RDS auth token) sign the hash of the body as sent.
Expiry is judged by fogbank's clock, so `fogbank clock advance` expires URLs as time would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from fogbank.auth.credentials import Flavour
from fogbank.auth.sigv4 import (
    ALGORITHM,
    MAX_SKEW,
    S3_SERVICES,
    UNSIGNED_PAYLOAD,
    SigV4,
    parse_amz_date,
    parse_credential,
)
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest

__all__ = ["MAX_EXPIRES", "check_expiry", "is_presigned", "parse_query"]

MAX_EXPIRES = 604800  # seven days, the longest a SigV4 presigned URL may live
_REQUIRED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders")


def is_presigned(params: dict[str, str]) -> bool:
    return "X-Amz-Algorithm" in params or "X-Amz-Credential" in params or "X-Amz-Signature" in params


def _query_error(flavour: Flavour, message: str) -> ServiceError:
    if flavour == "s3":
        return ServiceError("AuthorizationQueryParametersError", message, 400)
    return ServiceError("IncompleteSignature", message, 400)


def parse_query(request: HttpRequest, flavour: Flavour, params: dict[str, str] | None = None) -> SigV4:
    """The presigned `X-Amz-*` query parameters; `params` may pass them already parsed."""
    if params is None:
        params = dict(parse_qsl(request.query, keep_blank_values=True))
    missing = [name for name in _REQUIRED if not params.get(name)]
    if flavour == "s3" and "X-Amz-Expires" not in params:
        missing.append("X-Amz-Expires")
    if missing:
        if flavour == "s3":
            raise _query_error(
                flavour,
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
            )
        raise _query_error(
            flavour,
            " ".join(f"AWS query-string parameters must include '{n}'." for n in missing)
            + " Re-examine the query-string parameters.",
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise _query_error(
            flavour,
            'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'
            if flavour == "s3"
            else f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'",
        )
    access_key, date, region, service = parse_credential(params["X-Amz-Credential"], flavour)
    amz_date = parse_amz_date(params["X-Amz-Date"])
    if amz_date is None:
        raise _query_error(flavour, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    expires = _expires(params.get("X-Amz-Expires"), flavour)
    payload: str | None
    if "x-amz-content-sha256" in request.headers:
        payload = request.headers["x-amz-content-sha256"]
    elif service in S3_SERVICES:
        payload = params.get("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD)
    else:
        payload = None  # the body's hash, computed if the signature is verified
    return SigV4(
        access_key=access_key,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(params["X-Amz-SignedHeaders"].lower().split(";")),
        signature=params["X-Amz-Signature"],
        amz_date=amz_date,
        timestamp=params["X-Amz-Date"],
        payload_hash=payload,
        presigned=True,
        expires=expires,
        security_token=params.get("X-Amz-Security-Token"),
    )


def _expires(value: str | None, flavour: Flavour) -> int | None:
    if value is None:
        return None
    try:
        seconds = int(value)
    except ValueError:
        raise _query_error(flavour, "X-Amz-Expires should be a number") from None
    if seconds < 0:
        raise _query_error(flavour, "X-Amz-Expires must be non-negative")
    if seconds > MAX_EXPIRES:
        raise _query_error(flavour, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
    return seconds


def check_expiry(sig: SigV4, now: datetime) -> None:
    """AccessDenied once X-Amz-Date + X-Amz-Expires has passed, or while the URL is dated in the future."""
    server_time = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    if sig.amz_date - now > MAX_SKEW:
        raise ServiceError(
            "AccessDenied",
            "Request is not valid yet",
            403,
            fields={"X-Amz-Date": sig.timestamp, "ServerTime": server_time},
        )
    if sig.expires is None:
        return
    expires_at = sig.amz_date + timedelta(seconds=sig.expires)
    if now > expires_at:
        raise ServiceError(
            "AccessDenied",
            "Request has expired",
            403,
            fields={
                "X-Amz-Expires": str(sig.expires),
                "Expires": expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ServerTime": server_time,
            },
        )
