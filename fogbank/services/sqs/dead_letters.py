"""Dead-letter queues: ListDeadLetterSourceQueues, and message move tasks back out of them.

A move task (StartMessageMoveTask) is a document plus a scheduler job: the job moves the source's
messages available to receive (in-flight ones stay) — each to the queue it was dead-lettered from, or
to the task's destination — as new arrivals there (receive count reset), at most
MaxNumberOfMessagesPerSecond per second of fogbank's clock, and marks the task COMPLETED when none
is left; CancelMessageMoveTask stops it between runs. A message whose destination no longer exists
fails the task, as AWS does.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.scheduler import schedule
from fogbank.services.sqs import service, store, wake
from fogbank.services.sqs.enqueue import new_message_id
from fogbank.services.sqs.names import queue_url, ref_from_arn
from fogbank.services.sqs.queues import QUEUE, SERVICE, Queue, load_arn, queue_of, tx_of
from fogbank.services.sqs.validation import invalid_value
from fogbank.state import Transaction, new_id

__all__ = ["list_dead_letter_source_queues", "start_message_move_task"]

TASK = "move-task"
JOB = "sqs.move"
_BATCH = 1000
_RUNNING = "RUNNING"
_CANCELLING = "CANCELLING"


@service.handler("ListDeadLetterSourceQueues")
def list_dead_letter_source_queues(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    queue = queue_of(ctx, request["QueueUrl"])
    limit = request.get("MaxResults")
    if limit is not None and not 1 <= limit <= 1000:
        raise invalid_value("MaxResults", limit, "MaxResults must be an integer between 1 and 1000.")
    token = request.get("NextToken")
    after = base64.urlsafe_b64decode(token.encode()).decode() if token else None
    sources = []
    for name, doc in tx_of(ctx).list_docs(SERVICE, QUEUE, queue.account, queue.region, after=after):
        text = doc["Attributes"].get("RedrivePolicy")
        if text and json.loads(text)["deadLetterTargetArn"] == queue.arn:
            sources.append(name)
    page = sources[: limit or 1000]
    output: dict[str, Any] = {"queueUrls": [queue_url(ctx, queue.account, name) for name in page]}
    if limit is not None and len(sources) > limit:
        output["NextToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
    return output


def _is_dead_letter_queue(tx: Transaction, queue: Queue) -> bool:
    for _, doc in tx.list_docs(SERVICE, QUEUE, queue.account, queue.region):
        text = doc["Attributes"].get("RedrivePolicy")
        if text and json.loads(text)["deadLetterTargetArn"] == queue.arn:
            return True
    return False


def _handle(source_arn: str, task_id: str) -> str:
    return base64.b64encode(json.dumps({"taskId": task_id, "sourceArn": source_arn}).encode()).decode()


def _existing(tx: Transaction, arn: str, parameter: str) -> Queue:
    queue = load_arn(tx, arn)
    if queue is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The resource that you specified for the {parameter} parameter doesn't exist.",
            404,
        )
    return queue


def _tasks(tx: Transaction, source: Queue) -> list[dict[str, Any]]:
    found = tx.list_docs(SERVICE, TASK, source.account, source.region, prefix=f"{source.name}:")
    return [doc for _, doc in found]


@service.handler("StartMessageMoveTask")
def start_message_move_task(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    source = _existing(tx, request["SourceArn"], "SourceArn")
    destination_arn = request.get("DestinationArn")
    if destination_arn:
        _existing(tx, destination_arn, "DestinationArn")
    rate = request.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= 500:
        raise invalid_value("MaxNumberOfMessagesPerSecond", rate, "Must be between 1 and 500, if provided.")
    if not _is_dead_letter_queue(tx, source):
        raise invalid_value(
            "SourceArn", source.arn, "Source queue must be configured as a Dead Letter Queue."
        )
    if any(task["Status"] == _RUNNING for task in _tasks(tx, source)):
        raise ServiceError(
            "InvalidParameterValue",
            "There is already a task running. Only one active task is allowed for a source queue arn at a "
            "given time.",
            400,
        )
    now = ctx.clock.time()
    task_id = new_message_id()
    visible, _, _ = store.counts(tx, source.arn, now)
    task: dict[str, Any] = {
        "TaskHandle": _handle(source.arn, task_id),
        "Status": _RUNNING,
        "SourceArn": source.arn,
        "ApproximateNumberOfMessagesMoved": 0,
        "ApproximateNumberOfMessagesToMove": visible,
        "StartedTimestamp": int(now * 1000),
    }
    if destination_arn:
        task["DestinationArn"] = destination_arn
    if rate is not None:
        task["MaxNumberOfMessagesPerSecond"] = rate
    name = f"{source.name}:{task_id}"
    tx.put_doc(SERVICE, TASK, source.account, source.region, name, task)
    due = ctx.clock.now()
    schedule(tx, JOB, f"{source.arn}|{name}", due, {"arn": source.arn, "name": name, "at": now})
    return {"TaskHandle": task["TaskHandle"]}


@service.job("move")
def move_messages(tx: Transaction, payload: dict[str, Any]) -> None:
    """One second's worth of a move task (all of it when the task names no rate)."""
    source = load_arn(tx, payload["arn"])
    ref = ref_from_arn(payload["arn"])
    assert ref is not None
    task = tx.get_doc(SERVICE, TASK, ref.account, ref.region, payload["name"])
    if task is None or task["Status"] not in (_RUNNING, _CANCELLING):
        return
    if task["Status"] == _CANCELLING:
        _finish(tx, ref, payload["name"], task, "CANCELLED", None)
        return
    if source is None:
        _finish(tx, ref, payload["name"], task, "FAILED", "AWS.SimpleQueueService.NonExistentQueue")
        return
    at = payload["at"]
    rate = task.get("MaxNumberOfMessagesPerSecond") or _BATCH
    # A move task receives from its source as a consumer would: messages in flight or delayed stay.
    rows = store.available(tx, source.arn, at, rate)
    targets: dict[str, Queue | None] = {}
    for row in rows:
        meta = json.loads(row.meta)
        target_arn = task.get("DestinationArn") or meta.get("src")
        if target_arn not in targets:
            targets[target_arn] = load_arn(tx, target_arn) if target_arn else None
        target = targets[target_arn]
        if target is None:
            _finish(tx, ref, payload["name"], task, "FAILED", "AWS.SimpleQueueService.NonExistentQueue")
            return
        meta.pop("src", None)
        expires_at = at + target.int_attribute("MessageRetentionPeriod")
        store.move(tx, source.arn, row.seq, target.arn, new_id(), expires_at, json.dumps(meta), reset=True)
        task["ApproximateNumberOfMessagesMoved"] += 1
    for target in targets.values():
        if target is not None:
            arn = target.arn
            tx.after_commit(lambda arn=arn: wake.signal(arn))
    if len(rows) < rate:
        _finish(tx, ref, payload["name"], task, "COMPLETED", None)
        return
    tx.put_doc(SERVICE, TASK, ref.account, ref.region, payload["name"], task)
    schedule(
        tx,
        JOB,
        f"{source.arn}|{payload['name']}",
        datetime.fromtimestamp(at + 1, UTC),
        {**payload, "at": at + 1},
    )


def _finish(
    tx: Transaction, ref: Any, name: str, task: dict[str, Any], status: str, reason: str | None
) -> None:
    task["Status"] = status
    if reason:
        task["FailureReason"] = reason
    tx.put_doc(SERVICE, TASK, ref.account, ref.region, name, task)


def _decode_handle(handle: str) -> tuple[str, str]:
    try:
        found = json.loads(base64.b64decode(handle.encode()).decode())
        return found["sourceArn"], found["taskId"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceError("ResourceNotFoundException", "Task does not exist.", 404) from exc


@service.handler("CancelMessageMoveTask")
def cancel_message_move_task(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    source_arn, task_id = _decode_handle(request["TaskHandle"])
    ref = ref_from_arn(source_arn)
    task = tx.get_doc(SERVICE, TASK, ref.account, ref.region, f"{ref.name}:{task_id}") if ref else None
    if ref is None or task is None:
        raise ServiceError("ResourceNotFoundException", "Task does not exist.", 404)
    if task["Status"] != _RUNNING:
        raise ServiceError("InvalidParameterValue", "Only active tasks can be cancelled.", 400)
    task["Status"] = _CANCELLING
    tx.put_doc(SERVICE, TASK, ref.account, ref.region, f"{ref.name}:{task_id}", task)
    return {"ApproximateNumberOfMessagesMoved": task["ApproximateNumberOfMessagesMoved"]}


@service.handler("ListMessageMoveTasks")
def list_message_move_tasks(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    source = _existing(tx, request["SourceArn"], "SourceArn")
    limit = request.get("MaxResults")
    if limit is not None and not 1 <= limit <= 10:
        raise invalid_value("MaxResults", limit, "Must be between 1 and 10, if provided.")
    tasks = sorted(_tasks(tx, source), key=lambda task: -task["StartedTimestamp"])[: limit or 1]
    results = []
    for task in tasks:
        entry = dict(task)
        if task["Status"] != _RUNNING:
            entry.pop("TaskHandle", None)
        results.append(entry)
    return {"Results": results}
