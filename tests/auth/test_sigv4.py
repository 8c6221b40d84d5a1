"""SigV4 header signatures: botocore signs, fogbank verifies; tampering and malformed headers fail."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import authenticate, sigv4
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from tests.auth.auth_helpers import ACCESS_KEY, SECRET, USER, capture, client, lookup, now, to_http

CREDENTIALS = Credentials(ACCESS_KEY, SECRET)


def strict(request: HttpRequest, **kwargs: object) -> object:
    return authenticate(request, now=now(), strict=True, lookup=lookup, **kwargs)  # type: ignore[arg-type]


def signed(signer_cls: type, service: str, method: str, url: str, body: bytes = b"") -> HttpRequest:
    request = AWSRequest(method=method, url=url, data=body)
    signer_cls(CREDENTIALS, service, "eu-west-1").add_auth(request)
    return to_http(request)


BOTO_CALLS = [
    ("sts", "get_caller_identity", {}),
    ("sts", "assume_role", {"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s é"}),
    ("dynamodb", "put_item", {"TableName": "t", "Item": {"k": {"S": "ünï"}}}),
    ("dynamodb", "list_tables", {}),
    ("sqs", "send_message", {"QueueUrl": "http://localhost:4566/000000000000/q", "MessageBody": "a+b ~"}),
    ("lambda", "invoke", {"FunctionName": "my-fn", "Payload": b"{}", "Qualifier": "$LATEST"}),
    ("lambda", "list_functions", {"MaxItems": 5, "Marker": "a b+c~d/e"}),
    ("lambda", "get_function", {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"}),
    ("s3", "put_object", {"Bucket": "b", "Key": "ünï cødé/ key+%.txt", "Body": b"hello"}),
    ("s3", "get_object", {"Bucket": "b", "Key": "a/../b/./c//d~e!*'()"}),
    ("s3", "list_objects_v2", {"Bucket": "b", "Prefix": "a+b c~d=e&f", "Delimiter": "/", "StartAfter": ""}),
    ("s3", "list_object_versions", {"Bucket": "b", "KeyMarker": "k", "VersionIdMarker": "v"}),
    ("s3", "get_object_acl", {"Bucket": "b", "Key": "k", "VersionId": "v+1"}),
    ("s3", "delete_objects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}]}}),
    ("cloudwatch", "put_metric_data", {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": 1.0}]}),
    ("route53", "list_hosted_zones", {}),
]


@pytest.mark.parametrize(
    ("service", "operation", "params"), BOTO_CALLS, ids=[f"{c[0]}.{c[1]}" for c in BOTO_CALLS]
)
def test_boto3_requests_verify(service: str, operation: str, params: dict) -> None:
    boto = client(service)
    request = capture(boto, operation, **params)
    principal, sig, secret = strict(request)
    assert principal == USER
    assert sig is not None and sig.access_key == ACCESS_KEY
    assert sig.service == boto.meta.service_model.signing_name
    assert secret == SECRET


def test_s3_virtual_host_unicode_key() -> None:
    boto = client("s3", s3={"addressing_style": "virtual"})
    request = capture(boto, "put_object", Bucket="bucket", Key="ünï cødé/ key+%.txt", Body=b"x")
    assert request.host == "bucket.localhost:4566"
    assert strict(request).principal == USER


def test_cbor_protocol_request_verifies() -> None:
    request = capture(client("cloudwatch"), "list_dashboards")
    assert strict(request).principal == USER


@pytest.mark.parametrize(
    "query",
    ["a=&b=1&b=0&c", "x=a+b&y=%7E~&z=%2B", "list-type=2&prefix=%C3%BC%20+&encoding-type=url", "acl", "a=b=c"],
)
@pytest.mark.parametrize("signer", [SigV4Auth, S3SigV4Auth])
def test_odd_query_strings(query: str, signer: type) -> None:
    service = "s3" if signer is S3SigV4Auth else "execute-api"
    request = signed(signer, service, "GET", f"http://localhost:4566/b/k%20x?{query}")
    assert strict(request).principal == USER


def test_non_s3_path_is_normalised_and_double_encoded() -> None:
    request = signed(SigV4Auth, "execute-api", "GET", "http://localhost:4566/a/./b/../c%20d//e/")
    canonical = next(sigv4.canonical_requests(request, strict(request).sigv4))
    assert canonical.split("\n")[1] == "/a/c%2520d/e/"
    assert strict(request).principal == USER


def test_body_hashed_when_no_content_sha256_header() -> None:
    request = signed(SigV4Auth, "dynamodb", "POST", "http://localhost:4566/", b'{"a": 1}')
    assert "x-amz-content-sha256" not in request.headers
    assert strict(request).principal == USER
    request.body = io.BytesIO(b'{"a": 2}')
    with pytest.raises(ServiceError) as error:
        strict(request)
    assert error.value.code == "SignatureDoesNotMatch"


def test_date_header_instead_of_x_amz_date() -> None:
    request = AWSRequest(method="GET", url="http://localhost:4566/", headers={"Date": "x"})
    SigV4Auth(CREDENTIALS, "sts", "us-east-1").add_auth(request)
    http = to_http(request)
    assert "x-amz-date" not in http.headers
    assert strict(http).principal == USER


def test_session_credentials_need_their_token() -> None:
    from fogbank.auth.credentials import Credential

    keys = {"ASIASESSION": Credential(USER, SECRET, "token-1")}
    request = AWSRequest(method="GET", url="http://localhost:4566/")
    SigV4Auth(Credentials("ASIASESSION", SECRET, "token-1"), "sts", "us-east-1").add_auth(request)
    http = to_http(request)
    assert authenticate(http, now=now(), strict=True, lookup=keys.get).principal == USER
    http.headers["x-amz-security-token"] = "token-2"
    with pytest.raises(ServiceError) as error:
        authenticate(http, now=now(), strict=True, lookup=keys.get)
    assert error.value.code == "InvalidClientTokenId"


# --- failures ------------------------------------------------------------------------------------------


def _mismatch(request: HttpRequest, code: str = "SignatureDoesNotMatch", **kwargs: object) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        strict(request, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def test_tampered_header_fails() -> None:
    request = capture(client("sts"), "get_caller_identity")
    request.headers["host"] = "localhost:4567"
    error = _mismatch(request, protocol="query")
    assert error.status == 403
    assert error.message.startswith("The request signature we calculated does not match")


def test_tampered_body_fails() -> None:
    request = capture(client("sts"), "get_caller_identity")
    request.body = io.BytesIO(request.content().replace(b"GetCallerIdentity", b"GetSessionToken"))
    _mismatch(request)


def test_tampered_query_fails() -> None:
    request = capture(client("s3"), "list_objects_v2", Bucket="b", Prefix="a")
    request.query = request.query.replace("prefix=a", "prefix=b")
    error = _mismatch(request)
    assert "CanonicalRequest" in error.fields and "StringToSign" in error.fields


def test_tampered_path_fails() -> None:
    request = capture(client("s3"), "get_object", Bucket="b", Key="k")
    request.path = "/b/other"
    _mismatch(request)


def test_wrong_secret_under_strict_fails() -> None:
    boto = client("dynamodb")
    boto._request_signer._credentials = Credentials(ACCESS_KEY, "not-the-secret")
    error = _mismatch(capture(boto, "list_tables"), code="InvalidSignatureException", protocol="json")
    assert error.status == 403


def test_json_protocol_spelling_is_guessed_from_headers() -> None:
    boto = client("dynamodb")
    boto._request_signer._credentials = Credentials(ACCESS_KEY, "not-the-secret")
    _mismatch(capture(boto, "list_tables"), code="InvalidSignatureException")


def test_unknown_key_strict_and_default() -> None:
    boto = client("sts")
    boto._request_signer._credentials = Credentials("test", "anything")
    request = capture(boto, "get_caller_identity")
    _mismatch(request, code="InvalidClientTokenId")
    principal, _, secret = authenticate(request, now=now(), strict=False, lookup=lookup)
    assert principal.arn == "arn:aws:iam::000000000000:root" and secret is None


def test_s3_unknown_key_strict() -> None:
    boto = client("s3")
    boto._request_signer._credentials = Credentials("test", "anything")
    error = _mismatch(capture(boto, "list_buckets"), code="InvalidAccessKeyId")
    assert error.message == "The AWS Access Key Id you provided does not exist in our records."


@pytest.mark.parametrize(
    ("cut", "missing"),
    [
        (lambda h: h.split(", Signature=")[0], "'Signature'"),
        (lambda h: h.replace(", SignedHeaders=", ", Other="), "'SignedHeaders'"),
        (lambda h: "AWS4-HMAC-SHA256 ", "'Credential'"),
    ],
)
def test_truncated_authorization_is_incomplete(cut: object, missing: str) -> None:
    request = capture(client("sts"), "get_caller_identity")
    request.headers["authorization"] = cut(request.headers["authorization"])  # type: ignore[operator]
    error = _mismatch(request, code="IncompleteSignature")
    assert error.status == 400
    assert f"Authorization header requires {missing} parameter." in error.message


def test_bad_credential_scope_is_incomplete() -> None:
    request = capture(client("sts"), "get_caller_identity")
    header = request.headers["authorization"]
    request.headers["authorization"] = header.replace("aws4_request", "aws5_request")
    error = _mismatch(request, code="IncompleteSignature")
    assert "valid terminator: 'aws4_request', not 'aws5_request'" in error.message


def test_s3_truncated_authorization_is_malformed() -> None:
    request = capture(client("s3"), "list_buckets")
    request.headers["authorization"] = request.headers["authorization"].split(", Signature=")[0]
    _mismatch(request, code="AuthorizationHeaderMalformed")


@pytest.mark.parametrize("minutes", [-20, 20])
def test_clock_skew(minutes: int) -> None:
    request = capture(client("sts"), "get_caller_identity")
    with pytest.raises(ServiceError) as error:
        authenticate(request, now=now() + timedelta(minutes=minutes), strict=True, lookup=lookup)
    assert error.value.code == "RequestTimeTooSkewed" and error.value.status == 403
    sent = request.headers["x-amz-date"]
    prefix = f"Signature expired: {sent} is now earlier than" if minutes > 0 else "Signature not yet current"
    assert error.value.message.startswith(prefix)


def test_clock_skew_s3_and_skew_now() -> None:
    request = capture(client("s3"), "list_buckets")
    later = now() + timedelta(days=400)
    with pytest.raises(ServiceError) as error:
        authenticate(request, now=later, strict=True, lookup=lookup)
    assert error.value.message == "The difference between the request time and the current time is too large."
    # A server whose clock was moved forward compares the client's clock with real time instead.
    assert authenticate(request, now=later, skew_now=now(), strict=True, lookup=lookup).principal == USER


def test_skew_not_checked_for_default_keys() -> None:
    boto = client("sts")
    boto._request_signer._credentials = Credentials("test", "test")
    request = capture(boto, "get_caller_identity")
    later = now() + timedelta(days=2)
    assert authenticate(request, now=later, strict=False, lookup=lookup).principal.account == "000000000000"


def test_anonymous() -> None:
    request = HttpRequest("GET", "/bucket/key", headers={"host": "localhost"})
    principal, sig, secret = authenticate(request, now=now(), strict=True, lookup=lookup)
    assert principal.kind == "anonymous" and principal.account == "" and sig is None and secret is None
