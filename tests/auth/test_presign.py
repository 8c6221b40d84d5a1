"""Presigned URLs, SigV4 and S3's SigV2, as botocore and boto3 generate them."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1Auth, HmacV1QueryAuth, S3SigV4QueryAuth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import authenticate
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from tests.auth.auth_helpers import ACCESS_KEY, SECRET, USER, capture, client, lookup, now, to_http

CREDENTIALS = Credentials(ACCESS_KEY, SECRET)
KEY = "ünï cødé/ key+%.txt"


def from_url(url: str, method: str = "GET", body: bytes = b"", **headers: str) -> HttpRequest:
    parts = urlsplit(url)
    return HttpRequest(
        method=method,
        path=parts.path,
        query=parts.query,
        headers={"host": parts.netloc, **{k.lower(): v for k, v in headers.items()}},
        body=io.BytesIO(body),
    )


def check(request: HttpRequest, **kwargs: object) -> object:
    options = {"now": now(), "strict": True, "lookup": lookup, **kwargs}
    return authenticate(request, **options)  # type: ignore[arg-type]


def failure(request: HttpRequest, **kwargs: object) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        check(request, **kwargs)
    return error.value


@pytest.mark.parametrize("endpoint", ["http://localhost:4566", "https://s3.localhost.localstack.cloud:4566"])
def test_presigned_get(endpoint: str) -> None:
    # botocore presigns S3 with SigV2 in us-east-1 unless SigV4 is asked for.
    url = client("s3", endpoint, signature_version="s3v4").generate_presigned_url(
        "get_object",
        Params={"Bucket": "bucket", "Key": KEY, "ResponseContentDisposition": 'attachment; filename="a b"'},
    )
    principal, sig, _ = check(from_url(url))  # type: ignore[misc]
    assert principal == USER and sig.presigned and sig.payload_hash == "UNSIGNED-PAYLOAD"
    assert sig.expires == 3600


def test_presigned_put_with_content_type() -> None:
    url = client("s3", signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": "bucket", "Key": KEY, "ContentType": "text/plain"}
    )
    assert "content-type" in url  # signed as a header: the uploader must send it
    request = from_url(url, "PUT", b"data", **{"Content-Type": "text/plain"})
    assert check(request).principal == USER  # type: ignore[attr-defined]
    assert (
        failure(from_url(url, "PUT", b"data", **{"Content-Type": "text/html"})).code
        == "SignatureDoesNotMatch"
    )
    request.query = request.query.replace("X-Amz-Expires=3600", "X-Amz-Expires=3601")
    assert failure(request).code == "SignatureDoesNotMatch"


def test_presigned_virtual_host() -> None:
    url = client("s3", signature_version="s3v4", s3={"addressing_style": "virtual"}).generate_presigned_url(
        "get_object", Params={"Bucket": "bucket", "Key": "k"}
    )
    assert urlsplit(url).netloc == "bucket.localhost:4566"
    assert check(from_url(url)).principal == USER  # type: ignore[attr-defined]


def test_presigned_signed_header_must_be_sent() -> None:
    request = AWSRequest(
        method="GET", url="http://localhost:4566/b/k?versionId=1", headers={"x-amz-meta-a": "1"}
    )
    S3SigV4QueryAuth(CREDENTIALS, "s3", "us-east-1", expires=60).add_auth(request)
    http = from_url(request.url, **{"x-amz-meta-a": "1"})
    assert check(http).principal == USER  # type: ignore[attr-defined]
    http.headers["x-amz-meta-a"] = "2"
    assert failure(http).code == "SignatureDoesNotMatch"


def test_presigned_non_s3_signs_the_body_hash() -> None:
    request = AWSRequest(
        method="GET", url="https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
    )
    SigV4QueryAuth(CREDENTIALS, "sts", "us-east-1", expires=60).add_auth(request)
    assert check(from_url(request.url)).principal == USER  # type: ignore[attr-defined]


def test_presigned_expired() -> None:
    url = client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60
    )
    error = failure(from_url(url), now=now() + timedelta(minutes=2))
    assert (error.code, error.status, error.message) == ("AccessDenied", 403, "Request has expired")
    assert error.fields["X-Amz-Expires"] == "60"


def test_presigned_expiry_holds_for_default_keys_too() -> None:
    boto = client("s3", signature_version="s3v4")
    boto._request_signer._credentials = Credentials("test", "test")
    url = boto.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    request = from_url(url)
    assert check(request, strict=False).principal.account == "000000000000"  # type: ignore[attr-defined]
    assert failure(request, strict=False, now=now() + timedelta(hours=1)).message == "Request has expired"


def test_presigned_expires_over_a_week() -> None:
    url = client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=604801
    )
    error = failure(from_url(url))
    assert error.code == "AuthorizationQueryParametersError" and error.status == 400
    assert "604800" in error.message


def test_presigned_missing_parameter() -> None:
    url = client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}
    )
    request = from_url(url)
    request.query = "&".join(p for p in request.query.split("&") if not p.startswith("X-Amz-Signature="))
    assert failure(request).code == "AuthorizationQueryParametersError"


def test_header_and_query_auth_together() -> None:
    url = client("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}
    )
    request = from_url(url, authorization="AWS4-HMAC-SHA256 Credential=x")
    assert failure(request).code == "InvalidArgument"


# --- SigV2 ------------------------------------------------------------------------------------------------


def test_sigv2_presigned_via_boto3() -> None:
    boto = client("s3", signature_version="s3")
    url = boto.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": KEY})
    assert "AWSAccessKeyId=" in url and "Signature=" in url
    principal, sig, _ = check(from_url(url))  # type: ignore[misc]
    assert principal == USER and sig is None


def test_sigv2_presigned_put_with_content_type_and_subresource() -> None:
    boto = client("s3", signature_version="s3")
    url = boto.generate_presigned_url(
        "put_object",
        Params={"Bucket": "bucket", "Key": "k", "ContentType": "image/png", "ACL": "public-read"},
    )
    assert check(from_url(url, "PUT", b"x")).principal == USER  # type: ignore[attr-defined]
    url = boto.generate_presigned_url(
        "get_object_acl", Params={"Bucket": "bucket", "Key": "k", "VersionId": "v 1"}
    )
    assert check(from_url(url)).principal == USER  # type: ignore[attr-defined]


def test_sigv2_presigned_virtual_host() -> None:
    boto = client("s3", signature_version="s3", s3={"addressing_style": "virtual"})
    url = boto.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "k"})
    assert urlsplit(url).netloc.startswith("bucket.")
    assert check(from_url(url)).principal == USER  # type: ignore[attr-defined]


def test_sigv2_query_auth_signer_and_tampering() -> None:
    request = AWSRequest(
        method="GET", url="http://localhost:4566/b/k?acl&foo=bar", headers={"x-amz-meta-z": "1"}
    )
    HmacV1QueryAuth(CREDENTIALS, expires=60).add_auth(request)
    http = from_url(request.url)
    assert check(http).principal == USER  # type: ignore[attr-defined]
    assert failure(http, now=now() + timedelta(minutes=2)).message == "Request has expired"
    http.path = "/b/other"
    assert failure(http).code == "SignatureDoesNotMatch"


def test_sigv2_header_via_boto3() -> None:
    boto = client("s3", signature_version="s3")
    request = capture(boto, "put_object", Bucket="bucket", Key=KEY, Body=b"hi", Metadata={"a": "b"})
    assert request.headers["authorization"].startswith(f"AWS {ACCESS_KEY}:")
    principal, sig, secret = check(request)  # type: ignore[misc]
    assert principal == USER and sig is None and secret == SECRET
    request.headers["x-amz-meta-a"] = "c"
    assert failure(request).code == "SignatureDoesNotMatch"


def test_sigv2_header_signer_and_skew() -> None:
    request = AWSRequest(
        method="DELETE", url="http://localhost:4566/b/k?uploadId=1&x=2", headers={"Content-Type": "a/b"}
    )
    HmacV1Auth(CREDENTIALS).add_auth(request)
    http = to_http(request)
    assert check(http).principal == USER  # type: ignore[attr-defined]
    assert failure(http, now=now() + timedelta(minutes=30)).code == "RequestTimeTooSkewed"


def test_sigv2_wrong_secret_and_unknown_key() -> None:
    request = AWSRequest(method="GET", url="http://localhost:4566/b")
    HmacV1Auth(Credentials(ACCESS_KEY, "wrong")).add_auth(request)
    assert failure(to_http(request)).code == "SignatureDoesNotMatch"
    request = AWSRequest(method="GET", url="http://localhost:4566/b")
    HmacV1Auth(Credentials("test", "wrong")).add_auth(request)
    assert failure(to_http(request)).code == "InvalidAccessKeyId"
    assert check(to_http(request), strict=False).principal.account == "000000000000"  # type: ignore[attr-defined]
