"""S3 browser uploads (POST Object): an HTML form posted as multipart/form-data to a bucket.

botocore's model has no operation for it, so the server sends such a request (`routing.is_browser_post`)
to `post_object`, one stage that does what the pipeline does for modelled operations: it reads the form,
authenticates the signed POST policy, authorizes s3:PutObject through the authorize stage, then stores
the file with PutObject's own handler and answers as S3 does (204, 200, 201 with a PostResponse, or a 303
redirect).

The form streams: the fields before the file are read (at most 20 KiB, as S3 allows), then the file part
is handed to the blob store as a reader that stops at the closing boundary; fields after the file are
ignored, as S3 ignores them. The policy (base64 JSON) expires by fogbank's clock, and every condition
holds or the upload is refused: exact matches, `eq`, `starts-with`, `content-length-range` (checked while
the file streams, so nothing is stored when it fails), and every form field must be named by a condition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

from fogbank import specs
from fogbank.auth.credentials import Credential, anonymous, expired_token, invalid_security_token, resolve
from fogbank.auth.sigv4 import ALGORITHM, parse_credential, signing_key
from fogbank.authorization import authorize_request
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpResponse
from fogbank.routing import bucket_from_host
from fogbank.services.iam.keys import lookup_access_key
from fogbank.services.s3.objects import put_object

__all__ = ["post_object"]

MAX_FIELDS = 20 * 1024  # bytes of form fields before the file, as S3 allows
_PIECE = 1024 * 1024
# Fields a policy need not name.
_UNCHECKED = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})
_HEADER_FIELDS = {
    "content-type": "ContentType",
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    "x-amz-storage-class": "StorageClass",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}

# What PutObject reports of the new version's encryption, as the POST response's headers.
_SSE_HEADERS = (
    ("ServerSideEncryption", "x-amz-server-side-encryption"),
    ("SSEKMSKeyId", "x-amz-server-side-encryption-aws-kms-key-id"),
)


def _malformed(
    message: str = "The body of your POST request is not well-formed multipart/form-data.",
) -> ServiceError:
    return ServiceError("MalformedPOSTRequest", message, 400)


def _too_large() -> ServiceError:
    return ServiceError(
        "MaxPostPreDataLengthExceeded",
        "Your POST request fields preceeding the upload file was too large.",
        400,
    )


def _policy_denied(reason: str) -> ServiceError:
    return ServiceError("AccessDenied", f"Invalid according to Policy: {reason}", 403)


# -- the form ------------------------------------------------------------------------------------


class _Form:
    """A streaming multipart/form-data reader over the request body."""

    def __init__(self, body: BinaryIO, boundary: bytes) -> None:
        self._body = body
        # The first delimiter has no CRLF before it; giving it one makes every delimiter the same.
        self._buffer = b"\r\n"
        self._delimiter = b"\r\n--" + boundary
        self._eof = False
        self._in_file = False
        self._file_done = False

    def _more(self) -> None:
        piece = self._body.read(_PIECE)
        if piece:
            self._buffer += piece
        else:
            self._eof = True

    def _until(self, marker: bytes) -> bytes:
        """The bytes before `marker`, which must come within the fields' 20 KiB."""
        while (at := self._buffer.find(marker)) < 0:
            if len(self._buffer) > MAX_FIELDS:
                raise _too_large()
            if self._eof:
                raise _malformed()
            self._more()
        found, self._buffer = self._buffer[:at], self._buffer[at + len(marker) :]
        return found

    def fields(self) -> tuple[dict[str, str], str | None]:
        """Every field before the file: {name: value}, names lower-case; and the file's filename, or None
        when the form has no file (then the whole form has been read)."""
        fields: dict[str, str] = {}
        size = 0
        self._until(self._delimiter)
        while True:
            while len(self._buffer) < 2 and not self._eof:
                self._more()
            if self._buffer.startswith(b"--"):
                return fields, None
            headers = self._until(b"\r\n\r\n").decode("utf-8", "replace")
            name, filename = _disposition(headers)
            if name is None:
                raise _malformed()
            if name.lower() == "file":
                self._in_file = True
                return fields, filename or ""
            value = self._until(self._delimiter)
            size += len(value)
            if size > MAX_FIELDS:
                raise _too_large()
            fields[name.lower()] = value.decode("utf-8")

    def read(self, size: int = -1) -> bytes:
        """The file's bytes, up to the closing delimiter."""
        if not self._in_file or self._file_done:
            return b""
        size = _PIECE if size < 0 else size
        keep = len(self._delimiter) - 1
        while True:
            at = self._buffer.find(self._delimiter)
            if at == 0:
                self._file_done = True
                return b""
            ready = at if at > 0 else len(self._buffer) - keep
            if ready > 0:
                out, self._buffer = self._buffer[: min(ready, size)], self._buffer[min(ready, size) :]
                return out
            if self._eof:
                raise _malformed()
            self._more()


def _disposition(headers: str) -> tuple[str | None, str | None]:
    """(name, filename) of a part's Content-Disposition header."""
    for line in headers.split("\r\n"):
        label, _, value = line.partition(":")
        if label.strip().lower() != "content-disposition":
            continue
        params: dict[str, str] = {}
        for item in value.split(";")[1:]:
            key, _, raw = item.strip().partition("=")
            params[key.lower()] = raw.strip().strip('"')
        filename = params.get("filename")
        return params.get("name"), filename.replace("\\", "/").rsplit("/", 1)[
            -1
        ] if filename is not None else None
    return None, None


def _boundary(content_type: str) -> bytes:
    for item in content_type.split(";")[1:]:
        key, _, value = item.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    raise _malformed()


# -- the policy ----------------------------------------------------------------------------------


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name)
    if value is None:
        raise ServiceError(
            "InvalidArgument",
            f"Bucket POST must contain a field named '{name}'.  If it is specified, please check the "
            "order of the fields.",
            400,
            fields={"ArgumentName": name, "ArgumentValue": ""},
        )
    return value


def _authenticate(ctx: Context, fields: dict[str, str]) -> Credential:
    """The signer of the policy; the signature is checked for keys fogbank verifies."""
    now = ctx.clock.now()
    lookup = lambda key: lookup_access_key(ctx.db, key, now)  # noqa: E731
    policy = fields["policy"]
    if "x-amz-signature" in fields or "x-amz-credential" in fields:
        if _required(fields, "x-amz-algorithm") != ALGORITHM:
            raise ServiceError("InvalidArgument", 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', 400)
        access_key, date, region, scope_service = parse_credential(
            _required(fields, "x-amz-credential"), "s3"
        )
        _required(fields, "x-amz-date")
        signature = _required(fields, "x-amz-signature")
        credential = resolve(access_key, strict=ctx.settings.strict, lookup=lookup, flavour="s3")
        secret = credential.secret_key
        expected = (
            hmac.new(
                signing_key(secret, date, region, scope_service), policy.encode(), hashlib.sha256
            ).hexdigest()
            if secret is not None
            else None
        )
    else:
        access_key = _required(fields, "awsaccesskeyid")
        signature = _required(fields, "signature")
        credential = resolve(access_key, strict=ctx.settings.strict, lookup=lookup, flavour="s3")
        secret = credential.secret_key
        expected = (
            base64.b64encode(hmac.new(secret.encode(), policy.encode(), hashlib.sha1).digest()).decode()
            if secret is not None
            else None
        )
    if expected is not None:
        if (
            credential.session_token is not None
            and fields.get("x-amz-security-token") != credential.session_token
        ):
            raise invalid_security_token("s3")
        expires = credential.principal.expires
        if expires is not None and now >= (expires if expires.tzinfo else expires.replace(tzinfo=UTC)):
            raise expired_token("s3")
        if not hmac.compare_digest(expected, signature):
            raise ServiceError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your "
                "key and signing method.",
                403,
                fields={"AWSAccessKeyId": access_key, "StringToSign": policy, "SignatureProvided": signature},
            )
    return credential


def _policy_document(encoded: str) -> dict[str, Any]:
    try:
        # Forms may wrap the base64 text over several lines.
        document = json.loads(base64.b64decode("".join(encoded.split()), validate=True))
    except (binascii.Error, ValueError):
        raise ServiceError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400) from None
    if not isinstance(document, dict) or not isinstance(document.get("conditions", []), list):
        raise ServiceError("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400)
    if "expiration" not in document:
        raise ServiceError("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.", 400)
    return document


def _check_policy(
    document: dict[str, Any], fields: dict[str, str], bucket: str, now: datetime
) -> tuple[int, int | None]:
    """Expiration and conditions; returns the content-length-range (minimum, maximum or None)."""
    try:
        expiration = datetime.fromisoformat(str(document["expiration"]).replace("Z", "+00:00"))
    except ValueError:
        raise ServiceError(
            "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value.", 400
        ) from None
    if now > (expiration if expiration.tzinfo else expiration.replace(tzinfo=UTC)):
        raise _policy_denied("Policy expired.")
    values = {**fields, "bucket": bucket}
    named: set[str] = set()
    length: tuple[int, int | None] = (0, None)
    for condition in document.get("conditions", []):
        if isinstance(condition, dict):
            for name, expected in condition.items():
                named.add(name.lower())
                if values.get(name.lower()) != str(expected):
                    raise _policy_denied(f'Policy Condition failed: ["eq", "${name}", "{expected}"]')
            continue
        if not isinstance(condition, list) or len(condition) != 3:
            raise ServiceError("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition.", 400)
        operator, subject, expected = (str(condition[0]).lower(), condition[1], condition[2])
        if operator == "content-length-range":
            length = (int(subject), int(expected))
            continue
        name = str(subject).lstrip("$").lower()
        named.add(name)
        got = values.get(name)
        if operator == "eq":
            ok = got == str(expected)
        elif operator == "starts-with":
            # Content-Type may list several values; each must start with the prefix.
            items = got.split(",") if got is not None and name == "content-type" else [got]
            ok = all(item is not None and item.strip().startswith(str(expected)) for item in items)
        else:
            raise ServiceError(
                "InvalidPolicyDocument", f"Invalid Policy: Invalid condition '{operator}'.", 400
            )
        if not ok:
            raise _policy_denied(f'Policy Condition failed: ["{operator}", "{subject}", "{expected}"]')
    extra = [
        name
        for name in fields
        if name not in _UNCHECKED and name not in named and not name.startswith("x-ignore-")
    ]
    if extra:
        raise _policy_denied(f"Extra input fields: {', '.join(extra)}")
    return length


class _Limited:
    """The file as PutObject reads it, refused as soon as it breaks the policy's content-length-range."""

    def __init__(self, form: _Form, minimum: int, maximum: int | None) -> None:
        self._form = form
        self._minimum = minimum
        self._maximum = maximum
        self.size = 0

    def seekable(self) -> bool:
        # Encrypted uploads ask before rewinding; the form streams once.
        return False

    def read(self, size: int = -1) -> bytes:
        piece = self._form.read(size)
        self.size += len(piece)
        if self._maximum is not None and self.size > self._maximum:
            raise ServiceError(
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
                400,
                fields={"ProposedSize": str(self.size), "MaxSizeAllowed": str(self._maximum)},
            )
        if not piece and self.size < self._minimum:
            raise ServiceError(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                400,
                fields={"ProposedSize": str(self.size), "MinSizeAllowed": str(self._minimum)},
            )
        return piece


# -- the stage -----------------------------------------------------------------------------------


def _put_input(bucket: str, key: str, fields: dict[str, str]) -> dict[str, Any]:
    """The PutObject input the form's fields amount to."""
    request: dict[str, Any] = {"Bucket": bucket, "Key": key}
    for field, member in _HEADER_FIELDS.items():
        if field in fields:
            request[member] = fields[field]
    if "expires" in fields:
        request["Expires"] = parsedate_to_datetime(fields["expires"])
    metadata = {
        name[len("x-amz-meta-") :]: value for name, value in fields.items() if name.startswith("x-amz-meta-")
    }
    if metadata:
        request["Metadata"] = metadata
    if "tagging" in fields:
        root = ElementTree.fromstring(fields["tagging"])
        tags = [(tag.findtext("Key") or "", tag.findtext("Value") or "") for tag in root.iter("Tag")]
        request["Tagging"] = urlencode(tags)
    return request


def _answer(
    ctx: Context, fields: dict[str, str], bucket: str, key: str, output: dict[str, Any]
) -> HttpResponse:
    etag = output["ETag"]
    location = f"{ctx.request.scheme}://{ctx.request.host or 'localhost'}/{quote(bucket)}/{quote(key)}"
    headers = [("ETag", etag), ("Location", location), ("x-amz-request-id", ctx.request_id)]
    if output.get("VersionId"):
        headers.append(("x-amz-version-id", output["VersionId"]))
    headers += [(header, output[member]) for member, header in _SSE_HEADERS if output.get(member)]
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        query = urlencode({"bucket": bucket, "key": key, "etag": etag})
        target = f"{redirect}{'&' if '?' in redirect else '?'}{query}"
        return HttpResponse(303, [*headers[:1], ("Location", target), *headers[2:]], b"")
    status = fields.get("success_action_status")
    if status == "201":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{_xml(location)}</Location><Bucket>{_xml(bucket)}</Bucket>"
            f"<Key>{_xml(key)}</Key><ETag>{_xml(etag)}</ETag></PostResponse>"
        ).encode()
        return HttpResponse(201, [*headers, ("Content-Type", "application/xml")], body)
    return HttpResponse(200 if status == "200" else 204, headers, b"")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def post_object(ctx: Context) -> None:
    """The whole of a browser upload, from form to response; errors are S3's, in rest-xml."""
    request = ctx.request
    ctx.service_name = ctx.signing_name = "s3"
    ctx.service = specs.service_model("s3")
    ctx.operation = ctx.service.operation_model("PutObject")  # what IAM authorizes and errors are shaped by
    ctx.protocol = "rest-xml"
    ctx.region = ctx.settings.region
    bucket = bucket_from_host(request.host) or request.path.strip("/").split("/", 1)[0]
    form = _Form(request.body, _boundary(request.headers.get("content-type", "")))
    fields, filename = form.fields()
    if filename is None:
        raise ServiceError(
            "InvalidArgument",
            "POST requires exactly one file upload per request.",
            400,
            fields={"ArgumentName": "file", "ArgumentValue": "0"},
        )
    raw_key = _required(fields, "key")
    key = raw_key.replace("${filename}", filename)
    minimum, maximum = 0, None
    if "policy" in fields:
        credential = _authenticate(ctx, fields)
        ctx.principal = credential.principal
        minimum, maximum = _check_policy(_policy_document(fields["policy"]), fields, bucket, ctx.clock.now())
    else:
        ctx.principal = anonymous().principal
    ctx.input = _put_input(bucket, key, fields)
    authorize_request(ctx, ctx.decisions)
    ctx.input["Body"] = _Limited(form, minimum, maximum)
    with ctx.db.transaction() as tx:
        ctx.tx = tx
        output = put_object(ctx, ctx.input)
    ctx.response = _answer(ctx, fields, bucket, key, output)
