"""S3 static website hosting: Put/Get/DeleteBucketWebsite and the website endpoint over plain HTTP."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer

BLOCKS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@pytest.fixture
def bucket(s3: Any) -> str:
    """A bucket whose objects anyone may read, as a website's must be."""
    name = "site-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(BLOCKS, False))
    s3.put_bucket_policy(Bucket=name, Policy=_public_read(name))
    return name


def _public_read(bucket: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _get(
    server: FogbankServer, host: str, path: str, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _site(s3: Any, bucket: str, **config: Any) -> None:
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "error.html"},
        }
        | config,
    )
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="error.html", Body=b"<h1>oops</h1>", ContentType="text/html")


def test_index_and_error_documents(server: FogbankServer, s3: Any, bucket: str) -> None:
    _site(s3, bucket)
    host = f"{bucket}.s3-website.localhost:{server.port}"
    status, headers, body = _get(server, host, "/")
    assert (status, body, headers["content-type"]) == (200, b"<h1>home</h1>", "text/html")
    status, headers, body = _get(server, host, "/missing.html")
    assert (status, body, headers["content-type"]) == (404, b"<h1>oops</h1>", "text/html")
    for aws_host in (
        f"{bucket}.s3-website-us-east-1.amazonaws.com",
        f"{bucket}.s3-website.eu-west-1.amazonaws.com",
    ):
        assert _get(server, aws_host, "/")[2] == b"<h1>home</h1>"
    status, headers, body = _get(server, host, "/", method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", "13")


def test_folders_and_html_errors(server: FogbankServer, s3: Any, bucket: str) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    s3.put_object(Bucket=bucket, Key="docs/index.html", Body=b"docs")
    host = f"{bucket}.s3-website.localhost"
    assert _get(server, host, "/docs/")[2] == b"docs"
    status, headers, _ = _get(server, host, "/docs")
    assert (status, headers["location"]) == (302, "/docs/")
    status, headers, body = _get(server, host, "/nothing")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert b"<li>Code: NoSuchKey</li>" in body and b"<li>Key: nothing</li>" in body
    status, _, body = _get(server, "nobucket-" + uuid.uuid4().hex[:8] + ".s3-website.localhost", "/")
    assert status == 404 and b"NoSuchBucket" in body
    assert _get(server, host, "/", method="DELETE")[0] == 405


def test_bucket_without_website(server: FogbankServer, bucket: str) -> None:
    status, _, body = _get(server, f"{bucket}.s3-website.localhost", "/")
    assert status == 404 and b"NoSuchWebsiteConfiguration" in body


def test_routing_rules_and_object_redirects(server: FogbankServer, s3: Any, bucket: str) -> None:
    rules = [
        {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}},
        {
            "Condition": {"KeyPrefixEquals": "gone"},
            "Redirect": {
                "HostName": "example.com",
                "Protocol": "https",
                "ReplaceKeyWith": "x.html",
                "HttpRedirectCode": "307",
            },
        },
        {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"ReplaceKeyWith": "missing.html"}},
    ]
    _site(s3, bucket, RoutingRules=rules)
    s3.put_object(Bucket=bucket, Key="moved", Body=b"", WebsiteRedirectLocation="/index.html")
    host = f"{bucket}.s3-website.localhost"
    status, headers, _ = _get(server, host, "/old/page.html")
    assert (status, headers["location"]) == (301, f"http://{host}/new/page.html")
    status, headers, _ = _get(server, host, "/gone/a")
    assert (status, headers["location"]) == (307, "https://example.com/x.html")
    status, headers, _ = _get(server, host, "/nope")
    assert (status, headers["location"]) == (301, f"http://{host}/missing.html")
    status, headers, _ = _get(server, host, "/moved")
    assert (status, headers["location"]) == (301, "/index.html")
    assert s3.get_bucket_website(Bucket=bucket)["RoutingRules"][0]["Redirect"] == {
        "ReplaceKeyPrefixWith": "new/"
    }


def test_redirect_all_requests(server: FogbankServer, s3: Any, bucket: str) -> None:
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "example.org", "Protocol": "https"}},
    )
    status, headers, _ = _get(server, f"{bucket}.s3-website.localhost", "/a/b.html")
    assert (status, headers["location"]) == (301, "https://example.org/a/b.html")


def test_configuration_lifecycle(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.get_bucket_website(Bucket=bucket)
    assert error.value.response["Error"]["Code"] == "NoSuchWebsiteConfiguration"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"ErrorDocument": {"Key": "e.html"}})
    assert error.value.response["Error"]["Code"] == "InvalidArgument"
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    assert s3.get_bucket_website(Bucket=bucket)["IndexDocument"] == {"Suffix": "index.html"}
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=bucket)


def test_private_bucket_is_not_served(server: FogbankServer, s3: Any) -> None:
    name = "private-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    _site(s3, name)
    status, headers, body = _get(server, f"{name}.s3-website.localhost", "/")
    assert status == 403 and headers["content-type"].startswith("text/html")
    assert b"<li>Code: AccessDenied</li>" in body


def test_sse_s3_objects_are_served_in_plaintext_and_sse_kms_refused(
    server: FogbankServer, client: Callable[..., Any], s3: Any, bucket: str
) -> None:
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    _site(s3, bucket)
    assert s3.head_object(Bucket=bucket, Key="index.html")["ServerSideEncryption"] == "AES256"
    host = f"{bucket}.s3-website.localhost:{server.port}"
    assert _get(server, host, "/")[:3:2] == (200, b"<h1>home</h1>")
    key = client("kms").create_key()["KeyMetadata"]["KeyId"]
    s3.put_object(
        Bucket=bucket, Key="kms.html", Body=b"secret", ServerSideEncryption="aws:kms", SSEKMSKeyId=key
    )
    # The refusal is a 403 page, here the site's error document.
    assert _get(server, host, "/kms.html")[:3:2] == (403, b"<h1>oops</h1>")
