"""Helpers for the auth tests: botocore is the oracle that signs, fogbank verifies what it signed."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from botocore.config import Config

from fogbank.auth.credentials import Credential, Principal
from fogbank.protocols.http import HttpRequest
from tests.protocols.oracle import body_bytes
from tests.specs.capture import Captured, raise_captured

ACCESS_KEY = "AKIAFOGBANKTEST00001"
SECRET = "fogbank-secret/with+odd=chars"
ACCOUNT = "123456789012"
USER = Principal(
    account=ACCOUNT,
    arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
    user_id="AIDAFOGBANKALICE0001",
    kind="user",
    access_key=ACCESS_KEY,
)
KEYS = {ACCESS_KEY: Credential(USER, SECRET)}


def lookup(access_key: str) -> Credential | None:
    return KEYS.get(access_key)


def now() -> datetime:
    return datetime.now(UTC)


def _host(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is None or parts.port == default:
        return parts.hostname or ""
    return f"{parts.hostname}:{parts.port}"


def to_http(prepared: AWSPreparedRequest | AWSRequest) -> HttpRequest:
    """The request as fogbank's server would see it arrive."""
    parts = urlsplit(prepared.url)
    headers: dict[str, str] = {}
    for name, value in prepared.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    headers.setdefault("host", _host(prepared.url))
    return HttpRequest(
        method=prepared.method,
        path=parts.path,
        query=parts.query,
        headers=headers,
        body=io.BytesIO(body_bytes(prepared.body)),
        scheme=parts.scheme,
    )


def client(service: str, endpoint: str = "http://localhost:4566", **config: Any) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
        config=Config(retries={"max_attempts": 0}, **config),
    )


def capture(boto_client: Any, operation: str, **params: Any) -> HttpRequest:
    """Run `operation` through the client up to the wire and return what it would have sent."""
    boto_client.meta.events.register_first("before-send", raise_captured)
    try:
        getattr(boto_client, operation)(**params)
    except Captured as captured:
        return to_http(captured.request)
    finally:
        boto_client.meta.events.unregister("before-send", raise_captured)
    raise AssertionError("the request was not sent")
