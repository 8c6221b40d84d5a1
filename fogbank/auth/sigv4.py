"""AWS Signature Version 4: the parsed signature value, the canonical request, and verification.

Theory of operation: `parse_header` turns an `Authorization: AWS4-HMAC-SHA256 ...` header into a frozen
`SigV4`; `fogbank.auth.presign` does the same for `X-Amz-*` query parameters. `verify` rebuilds the canonical
request from what arrived on the wire, signs it with a derived key and compares in constant time.

The canonical request follows AWS: S3 keeps the path as encoded (after normalising the percent-encoding),
every other service removes dot segments and encodes the path a second time; query parameters are decoded,
re-encoded with only unreserved characters left bare, and sorted. Clients disagree on a few corners
(a literal "+" in a query, a path a proxy re-encoded), so when the first form does not match, the few other
forms a genuine client produces are tried before answering SignatureDoesNotMatch; a forged signature still
matches none of them.

Derived signing keys are cached per (secret, date, region, service): deriving one costs four HMACs and
every request of a day reuses it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

from fogbank.auth.checksums import sha256_hex
from fogbank.auth.credentials import Flavour
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest

__all__ = [
    "ALGORITHM",
    "EMPTY_SHA256",
    "MAX_SKEW",
    "S3_SERVICES",
    "STREAMING_PAYLOADS",
    "UNSIGNED_PAYLOAD",
    "SigV4",
    "canonical_requests",
    "check_skew",
    "format_amz_date",
    "incomplete_signature",
    "parse_amz_date",
    "parse_credential",
    "parse_header",
    "request_date",
    "signature_mismatch",
    "signing_key",
    "string_to_sign",
    "verify",
]

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_PAYLOADS = frozenset(
    {
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    }
)
# Signing names whose requests follow S3's rules (path not normalised, S3's error codes).
S3_SERVICES = frozenset({"s3", "s3-object-lambda", "s3express"})
MAX_SKEW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class SigV4:
    access_key: str
    date: str  # the credential scope's YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: datetime
    timestamp: str  # the signing time as the string to sign carries it, 20240101T000000Z
    # What the canonical request carries as the payload's hash; None: the body's SHA-256, computed only
    # when the signature is verified (default keys never pay for hashing a large body).
    payload_hash: str | None
    presigned: bool = False
    expires: int | None = None  # X-Amz-Expires, seconds; presigned only
    security_token: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


# --- errors -------------------------------------------------------------------------------------------


def incomplete_signature(flavour: Flavour, detail: str) -> ServiceError:
    if flavour == "s3":
        return ServiceError(
            "AuthorizationHeaderMalformed", f"The authorization header is malformed; {detail}", 400
        )
    return ServiceError("IncompleteSignature", detail, 400)


_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_S3_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)


def signature_mismatch(
    flavour: Flavour,
    *,
    access_key: str = "",
    provided: str = "",
    string_to_sign: str = "",
    canonical_request: str = "",
) -> ServiceError:
    if flavour == "s3":
        # S3 returns what it signed, which is what a user needs to find the difference.
        fields = {
            "AWSAccessKeyId": access_key,
            "StringToSign": string_to_sign,
            "SignatureProvided": provided,
            "StringToSignBytes": " ".join(f"{b:02x}" for b in string_to_sign.encode()),
        }
        if canonical_request:
            fields["CanonicalRequest"] = canonical_request
            fields["CanonicalRequestBytes"] = " ".join(f"{b:02x}" for b in canonical_request.encode())
        return ServiceError("SignatureDoesNotMatch", _S3_MISMATCH, 403, fields=fields)
    if flavour == "json":
        return ServiceError("InvalidSignatureException", _MISMATCH, 403)
    if flavour == "ec2":
        return ServiceError(
            "AuthFailure", "AWS was not able to validate the provided access credentials", 401
        )
    return ServiceError("SignatureDoesNotMatch", _MISMATCH, 403)


# --- dates --------------------------------------------------------------------------------------------


def format_amz_date(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def parse_amz_date(text: str) -> datetime | None:
    """ISO 8601 basic format, 20240101T000000Z; None when it is not one (strptime is too slow here)."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z" or not (text[:8] + text[9:15]).isdigit():
        return None
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def request_date(request: HttpRequest, flavour: Flavour) -> tuple[datetime, str]:
    """The signing time, and as the string to sign spells it: X-Amz-Date, else the Date header."""
    amz = request.headers.get("x-amz-date")
    if amz is not None:
        amz = amz.strip()
        parsed = parse_amz_date(amz)
        if parsed is None:
            raise _bad_date(flavour, amz)
        return parsed, amz
    date = request.headers.get("date")
    if date is not None:
        try:
            parsed = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            raise _bad_date(flavour, date) from None
        parsed = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return parsed, format_amz_date(parsed)
    if flavour == "s3":
        raise ServiceError(
            "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
        )
    raise ServiceError(
        "IncompleteSignature",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={request.headers.get('authorization', '')}",
        400,
    )


def _bad_date(flavour: Flavour, value: str) -> ServiceError:
    if flavour == "s3":
        return ServiceError(
            "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
        )
    return ServiceError(
        "IncompleteSignature",
        f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601",
        400,
    )


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def check_skew(amz_date: datetime, now: datetime, flavour: Flavour, sent: str | None = None) -> None:
    """RequestTimeTooSkewed when the signing time is more than 15 minutes from `now`."""
    now = _as_utc(now)
    if abs(now - amz_date) <= MAX_SKEW:
        return
    stamp = sent or format_amz_date(amz_date)
    if flavour == "s3":
        raise ServiceError(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
            fields={
                "RequestTime": stamp,
                "ServerTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "MaxAllowedSkewMilliseconds": "900000",
            },
        )
    if amz_date < now:
        message = (
            f"Signature expired: {stamp} is now earlier than {format_amz_date(now - MAX_SKEW)} "
            f"({format_amz_date(now)} - 15 min.)"
        )
    else:
        message = (
            f"Signature not yet current: {stamp} is still later than {format_amz_date(now + MAX_SKEW)} "
            f"({format_amz_date(now)} + 15 min.)"
        )
    raise ServiceError("RequestTimeTooSkewed", message, 403)


# --- the Authorization header ---------------------------------------------------------------------------


def parse_credential(value: str, flavour: Flavour) -> tuple[str, str, str, str]:
    """`AK/YYYYMMDD/region/service/aws4_request` -> (access key, date, region, service)."""
    parts = value.rsplit("/", 4)
    if len(parts) != 5 or not all(parts) or len(parts[1]) != 8 or not parts[1].isdigit():
        if flavour == "s3":
            raise incomplete_signature(
                flavour,
                'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
            )
        raise incomplete_signature(
            flavour,
            f"Credential should be scoped to a valid region, not '{parts[-3] if len(parts) > 2 else ''}'. ",
        )
    if parts[4] != "aws4_request":
        raise incomplete_signature(
            flavour,
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{parts[4]}'. ",
        )
    return parts[0], parts[1], parts[2], parts[3]


def parse_header(request: HttpRequest, flavour: Flavour) -> SigV4:
    """The SigV4 `Authorization` header; IncompleteSignature when a part is missing or malformed."""
    header = request.headers.get("authorization", "")
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise incomplete_signature(flavour, f"Unsupported AWS 'algorithm': '{algorithm}'")
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            params[name] = value.strip()
    missing = [p for p in ("Credential", "Signature", "SignedHeaders") if not params.get(p)]
    if missing:
        detail = " ".join(f"Authorization header requires '{p}' parameter." for p in missing)
        if flavour == "s3":
            raise incomplete_signature(flavour, detail)
        raise incomplete_signature(flavour, f"{detail} Authorization={header}")
    access_key, date, region, service = parse_credential(params["Credential"], flavour)
    amz_date, timestamp = request_date(request, flavour)
    _check_scope_date(date, timestamp, flavour)
    payload = request.headers.get("x-amz-content-sha256")
    return SigV4(
        access_key=access_key,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(params["SignedHeaders"].lower().split(";")),
        signature=params["Signature"],
        amz_date=amz_date,
        timestamp=timestamp,
        payload_hash=payload.strip() if payload is not None else None,
        security_token=request.headers.get("x-amz-security-token"),
    )


def _check_scope_date(date: str, timestamp: str, flavour: Flavour) -> None:
    expected = timestamp[:8]
    if date == expected:
        return
    if flavour == "s3":
        raise incomplete_signature(flavour, "Invalid credential date. Date is not the same as X-Amz-Date.")
    raise ServiceError(
        "SignatureDoesNotMatch",
        f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'{date}' != '{expected}', from '{timestamp}'.",
        403,
    )


# --- canonical request ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.digest(f"AWS4{secret}".encode(), date.encode(), "sha256")
    key = hmac.digest(key, region.encode(), "sha256")
    key = hmac.digest(key, service.encode(), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


def _remove_dot_segments(path: str) -> str:
    # As botocore does for non-S3 services: also collapses repeated slashes.
    if not path:
        return "/"
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if out:
                out.pop()
        elif segment and segment != ".":
            out.append(segment)
    last = "/" if path.endswith("/") and out else ""
    return "/" + "/".join(out) + last


# Text that AWS's URI encoding leaves as it is: checked first, because most paths and parameters are.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~/]*")
_PLAIN = re.compile(r"[A-Za-z0-9\-._~]*")
# A query already in canonical form: unreserved characters bare, every other byte as an upper-case %XX.
_CANONICAL_QUERY = re.compile(
    r"(?:[A-Za-z0-9\-._~=&]|%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]|[89A-F][0-9A-F]))*"
)


def _paths(raw: str, s3: bool) -> Iterator[str]:
    raw = raw or "/"
    if s3:
        reencoded = raw if _PLAIN_PATH.fullmatch(raw) else quote(unquote_to_bytes(raw), safe="/~")
        yield reencoded
        if raw != reencoded:
            yield raw
    else:
        first = quote(_remove_dot_segments(raw), safe="/~")
        yield first
        # A client that encodes once only (the docs' "encode each segment twice" read as once).
        once = quote(unquote_to_bytes(_remove_dot_segments(raw)), safe="/~")
        if once != first:
            yield once


def _encode(component: str, plus_is_space: bool) -> str:
    if _PLAIN.fullmatch(component):
        return component
    raw = unquote_to_bytes(component.replace("+", "%20") if plus_is_space else component)
    return quote(raw, safe="-_.~")


def _queries(raw: str, drop_signature: bool) -> Iterator[str]:
    pairs = []
    for piece in raw.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        if drop_signature and key == "X-Amz-Signature":
            continue
        pairs.append((key, value))
    if not pairs:
        yield ""
        return
    if _CANONICAL_QUERY.fullmatch(raw) and not any("=" in v for _, v in pairs):
        first = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    else:
        first = "&".join(
            f"{k}={v}" for k, v in sorted((_encode(k, False), _encode(v, False)) for k, v in pairs)
        )
    yield first
    if "+" in raw:
        yield "&".join(f"{k}={v}" for k, v in sorted((_encode(k, True), _encode(v, True)) for k, v in pairs))
    as_sent = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    if as_sent != first:
        yield as_sent


def _canonical_headers(request: HttpRequest, signed: tuple[str, ...]) -> str:
    headers = request.headers
    return "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in signed)


def canonical_requests(request: HttpRequest, sig: SigV4) -> Iterator[str]:
    """The canonical request, first in AWS's form, then in the forms real clients also produce."""
    head = f"{request.method.upper()}\n"
    signed = sig.signed_headers
    payload = sig.payload_hash if sig.payload_hash is not None else sha256_hex(request.body)
    tail = f"\n{_canonical_headers(request, signed)}\n{';'.join(signed)}\n{payload}"
    for path in _paths(request.path, sig.service in S3_SERVICES):
        for query in _queries(request.query, sig.presigned):
            yield f"{head}{path}\n{query}{tail}"


def string_to_sign(sig: SigV4, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sig.timestamp}\n{sig.scope}\n{digest}"


def verify(request: HttpRequest, sig: SigV4, secret: str, flavour: Flavour) -> None:
    """Raises the flavour's SignatureDoesNotMatch unless `sig` signs this request with `secret`."""
    key = signing_key(secret, sig.date, sig.region, sig.service)
    provided = sig.signature.encode()
    first: tuple[str, str] | None = None
    for canonical in canonical_requests(request, sig):
        to_sign = string_to_sign(sig, canonical)
        expected = hmac.digest(key, to_sign.encode("utf-8"), "sha256").hex().encode()
        if hmac.compare_digest(expected, provided):
            return
        first = first or (canonical, to_sign)
    canonical, to_sign = first or ("", "")
    raise signature_mismatch(
        flavour,
        access_key=sig.access_key,
        provided=sig.signature,
        string_to_sign=to_sign,
        canonical_request=canonical,
    )
