"""Browser uploads (POST Object with a signed POST policy) and clients that wait for `100 Continue`."""

from __future__ import annotations

import http.client
import socket
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer


@pytest.fixture(scope="module")
def account(server: FogbankServer) -> tuple[str, dict[str, str]]:
    """A fresh account and an IAM user's key (its signatures are verified) allowed s3:PutObject."""
    name = new_account()
    _, key = user_with_policies(
        server,
        name,
        "poster",
        inline={"put": policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})},
    )
    return name, key


@pytest.fixture
def bucket(server: FogbankServer, account: tuple[str, dict[str, str]]) -> str:
    name = "post-" + uuid.uuid4().hex[:12]
    client_for(server, "s3", account[0], "x").create_bucket(Bucket=name)
    return name


@pytest.fixture
def root(server: FogbankServer, account: tuple[str, dict[str, str]]) -> Any:
    return client_for(server, "s3", account[0], "x")


def _signer(server: FogbankServer, key: dict[str, str], signature_version: str = "s3v4") -> Any:
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        region_name="us-east-1",
        config=Config(signature_version=signature_version),
    )


def _post(
    url: str, fields: dict[str, str], filename: str, content: bytes, after: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Post an HTML form as a browser does: fields, then the file, then any fields after it."""
    boundary = "----fogbank" + uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    for name, value in (after or {}).items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += f"--{boundary}--\r\n".encode()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(
            "POST",
            parts.path or "/",
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_signed_upload_with_filename_and_201(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    post = _signer(server, account[1]).generate_presigned_post(
        bucket,
        "uploads/${filename}",
        Fields={"success_action_status": "201", "Content-Type": "text/plain", "x-amz-meta-origin": "form"},
        Conditions=[
            {"success_action_status": "201"},
            ["starts-with", "$Content-Type", "text/"],
            ["eq", "$x-amz-meta-origin", "form"],
            ["content-length-range", 1, 1000],
        ],
        ExpiresIn=600,
    )
    status, headers, body = _post(post["url"], post["fields"], "hello.txt", b"hello from a browser")
    assert status == 201, body
    assert b"<Key>uploads/hello.txt</Key>" in body and f"<Bucket>{bucket}</Bucket>".encode() in body
    got = root.get_object(Bucket=bucket, Key="uploads/hello.txt")
    assert got["Body"].read() == b"hello from a browser"
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"origin": "form"}
    assert headers["etag"] == got["ETag"]


def test_default_status_redirect_and_sigv2(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    post = _signer(server, account[1], "s3").generate_presigned_post(bucket, "v2.txt", ExpiresIn=600)
    assert "AWSAccessKeyId" in post["fields"]
    status, headers, _ = _post(post["url"], post["fields"], "a.txt", b"signed with v2")
    assert status == 204 and headers["etag"]
    assert root.get_object(Bucket=bucket, Key="v2.txt")["Body"].read() == b"signed with v2"
    redirect = "https://example.com/done?from=form"
    post = _signer(server, account[1]).generate_presigned_post(
        bucket,
        "r.txt",
        Fields={"success_action_redirect": redirect},
        Conditions=[{"success_action_redirect": redirect}],
        ExpiresIn=600,
    )
    status, headers, _ = _post(post["url"], post["fields"], "r.txt", b"then go back")
    assert status == 303
    location = urlsplit(headers["location"])
    assert location.netloc == "example.com"
    assert parse_qs(location.query) == {
        "from": ["form"],
        "bucket": [bucket],
        "key": ["r.txt"],
        "etag": [headers["etag"]],
    }


def _assert_absent(root: Any, bucket: str, key: str) -> None:
    with pytest.raises(ClientError) as error:
        root.head_object(Bucket=bucket, Key=key)
    assert error.value.response["Error"]["Code"] == "404"


def test_policy_conditions_are_enforced(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    signer = _signer(server, account[1])
    post = signer.generate_presigned_post(
        bucket, "user/${filename}", Conditions=[["content-length-range", 0, 10]], ExpiresIn=600
    )
    status, _, body = _post(post["url"], post["fields"], "big.bin", b"x" * 11)
    assert status == 400 and b"EntityTooLarge" in body
    _assert_absent(root, bucket, "user/big.bin")
    status, _, body = _post(post["url"], {**post["fields"], "key": "elsewhere/f"}, "f", b"x")
    assert status == 403 and b"Policy Condition failed" in body
    status, _, body = _post(post["url"], {**post["fields"], "x-amz-meta-extra": "1"}, "f", b"x")
    assert status == 403 and b"Extra input fields: x-amz-meta-extra" in body
    status, _, body = _post(post["url"], {**post["fields"], "x-ignore-padding": "p" * 25000}, "f", b"x")
    assert status == 400 and b"MaxPostPreDataLengthExceeded" in body
    # Fields after the file are ignored, as S3 ignores them.
    status, _, _ = _post(post["url"], post["fields"], "ok.bin", b"fine", after={"x-amz-meta-late": "1"})
    assert status == 204 and root.head_object(Bucket=bucket, Key="user/ok.bin")["Metadata"] == {}
    other = signer.generate_presigned_post(bucket.replace("post-", "other-"), "k", ExpiresIn=600)
    status, _, body = _post(post["url"], other["fields"], "f", b"x")
    assert status == 403 and b"Policy Condition failed" in body


def test_expired_tampered_and_unsigned_posts(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    signer = _signer(server, account[1])
    expired = signer.generate_presigned_post(bucket, "late", ExpiresIn=-60)
    status, _, body = _post(expired["url"], expired["fields"], "f", b"x")
    assert status == 403 and b"Policy expired" in body
    post = signer.generate_presigned_post(bucket, "k", ExpiresIn=600)
    tampered = {**post["fields"], "x-amz-signature": "0" * 64}
    status, _, body = _post(post["url"], tampered, "f", b"x")
    assert status == 403 and b"SignatureDoesNotMatch" in body
    status, _, body = _post(post["url"], {"key": "anonymous"}, "f", b"x")
    assert status == 403 and b"AccessDenied" in body
    for key in ("late", "k", "anonymous"):
        _assert_absent(root, bucket, key)


def test_signer_needs_put_object_permission(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    _, key = user_with_policies(server, account[0], "no-rights-" + uuid.uuid4().hex[:6])
    post = _signer(server, key).generate_presigned_post(bucket, "denied", ExpiresIn=600)
    status, _, body = _post(post["url"], post["fields"], "f", b"x")
    assert status == 403 and b"not authorized to perform: s3:PutObject" in body
    _assert_absent(root, bucket, "denied")


def test_expect_100_continue(server: FogbankServer, client: Callable[..., Any]) -> None:
    """A client that sends `Expect: 100-continue` waits for the interim answer before the body."""
    bucket = "expect-" + uuid.uuid4().hex[:12]
    client("s3").create_bucket(Bucket=bucket)
    body = b"sent only after 100 Continue"
    url = f"{server.endpoint}/{bucket}/waited"
    request = AWSRequest(
        method="PUT",
        url=url,
        data=body,
        headers={
            "Expect": "100-continue",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
            "Content-Length": str(len(body)),
        },
    )
    SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    parts = urlsplit(url)
    head = f"PUT {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    head += "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items() if name.lower() != "host"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall((head + "\r\n").encode())
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 200
    assert client("s3").get_object(Bucket=bucket, Key="waited")["Body"].read() == body


def test_upload_takes_the_bucket_default_encryption(
    server: FogbankServer, account: tuple[str, dict[str, str]], bucket: str, root: Any
) -> None:
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    root.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    post = _signer(server, account[1]).generate_presigned_post(bucket, "sealed.txt", ExpiresIn=600)
    status, headers, body = _post(post["url"], post["fields"], "sealed.txt", b"sealed by default")
    assert status == 204, body
    assert headers["x-amz-server-side-encryption"] == "AES256"
    got = root.get_object(Bucket=bucket, Key="sealed.txt")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == b"sealed by default"
