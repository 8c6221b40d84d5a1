"""Raw query-protocol requests to SQS, as SDKs before boto3 1.34 sent them: signed form POSTs."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode
from xml.etree import ElementTree

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

__all__ = ["query", "NS"]

NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"


def query(url: str, action: str, params: dict[str, str] | None = None) -> tuple[int, ElementTree.Element]:
    """POST Action=... to `url` (the endpoint or a queue URL); the status and the parsed XML."""
    body = urlencode({"Action": action, "Version": "2012-11-05", **(params or {})})
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(
        prepared.url, data=body.encode(), headers=dict(prepared.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(raw) as response:
            return response.status, ElementTree.fromstring(response.read())
    except urllib.error.HTTPError as error:
        return error.code, ElementTree.fromstring(error.read())
