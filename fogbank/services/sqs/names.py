"""Queue names, ARNs and URLs: what a queue is called, and how a request names it.

A queue URL names its account and queue in its path (`http://HOST/ACCOUNT/NAME`); fogbank accepts
any host — `sqs.REGION.localhost:PORT`, `localhost:PORT`, AWS's own — and answers with URLs on the host
the client called, so SDKs that post to the QueueUrl itself reach fogbank. The region is the host's
(`sqs.REGION.…`) when it names one, else the request's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from fogbank.context import Context
from fogbank.errors import ServiceError

__all__ = [
    "QueueRef",
    "check_queue_name",
    "queue_arn",
    "queue_url",
    "ref_from_arn",
    "ref_from_url",
    "does_not_exist",
]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_ARN = re.compile(r"^arn:aws[\w-]*:sqs:([\w-]+):(\d{12}):(.+)$")
_HOST_REGION = re.compile(r"^sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d+)\.")
_ACCOUNT = re.compile(r"^\d{12}$")


class QueueRef(tuple[str, str, str]):
    """(account, region, name) of a queue."""

    __slots__ = ()

    @property
    def account(self) -> str:
        return self[0]

    @property
    def region(self) -> str:
        return self[1]

    @property
    def name(self) -> str:
        return self[2]

    @property
    def arn(self) -> str:
        return queue_arn(self[0], self[1], self[2])


def queue_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def queue_url(ctx: Context, account: str, name: str) -> str:
    host = ctx.request.host or f"localhost:{ctx.settings.port}"
    return f"{ctx.request.scheme}://{host}/{account}/{name}"


def does_not_exist() -> ServiceError:
    return ServiceError("QueueDoesNotExist", "The specified queue does not exist.", 400)


_FIFO_NAME_RULE = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end "
    "with .fifo suffix and be 1 to 80 in length."
)
_NAME_RULE = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"


def check_queue_name(name: str, fifo: bool) -> None:
    """AWS's naming rule: up to 80 characters of [A-Za-z0-9_-], a FIFO queue's (and only its) ending in
    `.fifo`."""
    suffixed = name.endswith(".fifo")
    base = name[:-5] if suffixed else name
    if suffixed != fifo or not _NAME.match(base) or len(name) > 80:
        raise ServiceError("InvalidParameterValue", _FIFO_NAME_RULE if fifo else _NAME_RULE, 400)


def ref_from_url(ctx: Context, url: str) -> QueueRef:
    """The queue a QueueUrl names; QueueDoesNotExist when it names none (as AWS answers a bad URL)."""
    return _ref_from_url(url, ctx.region)


@lru_cache(maxsize=1024)
def _ref_from_url(url: str, region: str) -> QueueRef:
    """Kept per (URL, request region): every message operation names its queue by URL."""
    parts = urlsplit(url)
    segments = unquote(parts.path).strip("/").split("/")
    if len(segments) != 2 or not _ACCOUNT.match(segments[0]) or not segments[1]:
        raise does_not_exist()
    found = _HOST_REGION.match(parts.hostname or "")
    if found:
        region = found.group(1)
    return QueueRef((segments[0], region, segments[1]))


def ref_from_arn(arn: str) -> QueueRef | None:
    found = _ARN.match(arn)
    if found is None:
        return None
    region, account, name = found.groups()
    return QueueRef((account, region, name))
