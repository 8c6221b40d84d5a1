"""ReceiveMessage: short polls in the request's transaction, long polls without holding one.

SQLite has one writer, so a long poll must not wait inside a transaction: it makes each attempt in a
short transaction of its own and waits between attempts on the queue's wake-up (wake.py), which a
committed send, a visibility change to 0, a dead-letter move or a clock move signals, and at the
latest when the next invisible message becomes visible. The handler's thread already has the
request's transaction open (lazily, untouched), and a thread holds one transaction at a time, so the
attempts run on a small pool of their own. The wait is in real seconds, as the client's read timeout
counts them; everything else is on fogbank's clock. A receive without WaitTimeSeconds on a queue whose
own wait is 0 is a short poll too (queues.known_wait says so once a receive has read the queue).

A waiting long poll holds one of the server's worker threads (server.WORKERS). So that sends can always
get one, at most `MAX_WAITING` long polls wait at once; one more is answered as a short poll (AWS too may
return a long poll early, empty), and the client polls again.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sqs import service, wake
from fogbank.services.sqs.names import does_not_exist, ref_from_url
from fogbank.services.sqs.queues import Queue, known_wait, message_queue_of, note_wait, shared, tx_of
from fogbank.services.sqs.receive import Want, attempt
from fogbank.services.sqs.validation import check_id, invalid_value

__all__ = ["receive_message"]

_attempts = ThreadPoolExecutor(4, thread_name_prefix="fogbank-sqs-poll")
MAX_WAITING = 48  # of server.WORKERS (64): sixteen are left for everything else
_waiting = threading.BoundedSemaphore(MAX_WAITING)
# A message that becomes visible by the clock is looked for a little after its time, not before.
_SLACK = 0.005


def _want(queue: Queue, request: dict[str, Any]) -> Want:
    count = request.get("MaxNumberOfMessages")
    if count is not None and not 1 <= count <= 10:
        raise invalid_value("MaxNumberOfMessages", count, "Must be between 1 and 10, if provided.")
    visibility = request.get("VisibilityTimeout")
    if visibility is not None and not 0 <= visibility <= 43200:
        raise invalid_value("VisibilityTimeout", visibility, "Must be >= 0 and <= 43200, if provided.")
    names = {*(request.get("AttributeNames") or ()), *(request.get("MessageSystemAttributeNames") or ())}
    attempt_id = request.get("ReceiveRequestAttemptId")
    if attempt_id is not None:
        check_id("ReceiveRequestAttemptId", attempt_id)
    return Want(
        max_messages=count or 1,
        visibility=queue.int_attribute("VisibilityTimeout") if visibility is None else visibility,
        system_attributes=frozenset(names),
        message_attributes=tuple(request.get("MessageAttributeNames") or ()),
        attempt_id=attempt_id,
    )


def _check_wait(wait: int | None) -> None:
    if wait is not None and not 0 <= wait <= 20:
        raise invalid_value("WaitTimeSeconds", wait, "Must be >= 0 and <= 20, if provided.")


@service.handler("ReceiveMessage", waits=True)
def receive_message(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    wait = request.get("WaitTimeSeconds")
    _check_wait(wait)
    if wait == 0 or (wait is None and _short_by_default(ctx, request)):
        queue = message_queue_of(ctx, request["QueueUrl"])
        note_wait(queue)
        messages, _ = attempt(tx_of(ctx), ctx.clock.time(), queue, _want(queue, request))
    else:
        messages = _long_poll(ctx, request, wait)
    return {"Messages": messages} if messages else {}


def _short_by_default(ctx: Context, request: dict[str, Any]) -> bool:
    """Whether the queue's own ReceiveMessageWaitTimeSeconds is 0, as far as an earlier receive saw."""
    url = request.get("QueueUrl")
    if not url:
        return False
    try:
        arn = ref_from_url(ctx, url).arn
    except ServiceError:
        return False
    return known_wait(arn) == 0


def _once(ctx: Context, request: dict[str, Any]) -> tuple[list[dict[str, Any]], float | None, int]:
    """One attempt in its own transaction: messages, when the next becomes visible, the queue's wait."""
    ref = ref_from_url(ctx, request["QueueUrl"])
    with ctx.db.transaction() as tx:
        queue = shared(tx, ref)
        if queue is None:
            raise does_not_exist()
        messages, next_at = attempt(tx, ctx.clock.time(), queue, _want(queue, request))
    note_wait(queue)
    return messages, next_at, queue.int_attribute("ReceiveMessageWaitTimeSeconds")


def _long_poll(ctx: Context, request: dict[str, Any], wait: int | None) -> list[dict[str, Any]]:
    if not request.get("QueueUrl"):
        raise ServiceError("MissingParameter", "The request must contain the parameter QueueUrl.", 400)
    started = time.monotonic()
    arn = ref_from_url(ctx, request["QueueUrl"]).arn
    if not _waiting.acquire(blocking=False):
        return _attempts.submit(_once, ctx, request).result()[0]
    try:
        with wake.watch(arn) as watch:
            ctx.clock.subscribe(watch.poke)
            try:
                while True:
                    messages, next_at, queue_wait = _attempts.submit(_once, ctx, request).result()
                    if messages:
                        return messages
                    remaining = (queue_wait if wait is None else wait) - (time.monotonic() - started)
                    if remaining <= 0:
                        return []
                    if next_at is not None:
                        remaining = min(remaining, max(next_at - ctx.clock.time(), 0.0) + _SLACK)
                    watch.wait(remaining)
            finally:
                ctx.clock.unsubscribe(watch.poke)
    finally:
        _waiting.release()
