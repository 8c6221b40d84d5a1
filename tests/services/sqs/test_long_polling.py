"""Long polling: a waiting ReceiveMessage returns when a message arrives, and empty when its wait ends."""

from __future__ import annotations

import threading
import time
from typing import Any


def test_long_poll_returns_the_message_sent_while_waiting(client: Any, make_queue: Any) -> None:
    sqs = client("sqs")
    url = make_queue(sqs)
    result: dict[str, Any] = {}
    started = threading.Event()

    def wait() -> None:
        started.set()
        result["response"] = client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20)
        result["returned"] = time.monotonic()

    waiter = threading.Thread(target=wait)
    waiter.start()
    started.wait()
    time.sleep(0.3)  # let the receive start waiting
    sent = sqs.send_message(QueueUrl=url, MessageBody="wake up")
    sent_at = time.monotonic()
    waiter.join(25)
    assert [m["MessageId"] for m in result["response"]["Messages"]] == [sent["MessageId"]]
    assert result["returned"] - sent_at < 20  # it did not sit out its 20-second wait


def test_long_poll_returns_empty_when_its_wait_ends(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)


def test_queue_wait_time_is_the_default(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs, ReceiveMessageWaitTimeSeconds="1")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(sqs.receive_message(QueueUrl=url)["Messages"]) == 1


def test_a_queue_wait_set_after_short_polls_makes_receives_wait(client: Any, make_queue: Any) -> None:
    """Receives on a queue whose wait is 0 are short polls; once its wait is set, the next one waits."""
    sqs = client("sqs")
    url = make_queue(sqs)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "20"})
    result: dict[str, Any] = {}

    def wait() -> None:
        result["response"] = client("sqs").receive_message(QueueUrl=url)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)  # let the receive start waiting
    sent = sqs.send_message(QueueUrl=url, MessageBody="worth the wait")
    waiter.join(25)
    assert [m["MessageId"] for m in result["response"]["Messages"]] == [sent["MessageId"]]


def test_many_concurrent_long_polls_all_wake(client: Any, make_queue: Any) -> None:
    sqs = client("sqs")
    urls = [make_queue(sqs) for _ in range(8)]
    got: list[str] = []
    lock = threading.Lock()

    def wait(url: str) -> None:
        response = client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=10)
        with lock:
            got.extend(m["Body"] for m in response.get("Messages", []))

    threads = [threading.Thread(target=wait, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    for url in urls:
        sqs.send_message(QueueUrl=url, MessageBody=url)
    for thread in threads:
        thread.join(15)
    assert sorted(got) == sorted(urls)


def test_delayed_message_wakes_a_waiting_receive_when_due(sqs: Any, make_queue: Any) -> None:
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=1)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"][0]["Body"] == "soon"


def test_waiting_long_polls_do_not_starve_sends(client: Any, make_queue: Any) -> None:
    """More 20-second long polls than the server has worker threads: a send still gets through at once."""
    from botocore.config import Config

    sqs = client("sqs")
    idle = make_queue(sqs)
    stop = threading.Event()

    def idle_poll() -> None:
        poller = client("sqs")
        while not stop.is_set():
            poller.receive_message(QueueUrl=idle, WaitTimeSeconds=20)

    from fogbank.server import WORKERS

    pollers = [threading.Thread(target=idle_poll) for _ in range(WORKERS + 4)]
    for thread in pollers:
        thread.start()
    time.sleep(0.5)
    impatient = client("sqs", config=Config(read_timeout=5, retries={"max_attempts": 0}))
    try:
        target = make_queue(impatient)
        sent = impatient.send_message(QueueUrl=target, MessageBody="through")
        got = impatient.receive_message(QueueUrl=target, WaitTimeSeconds=0)["Messages"]
        assert got[0]["MessageId"] == sent["MessageId"]
    finally:
        stop.set()
        for _ in range(0, len(pollers), 10):  # a message for every waiting poll, so none sits out its 20 s
            sqs.send_message_batch(
                QueueUrl=idle, Entries=[{"Id": str(i), "MessageBody": "wake"} for i in range(10)]
            )
        for thread in pollers:
            thread.join(25)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc (Linux)."""
    import os

    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_full_twenty_second_wait_returns_empty_and_idles(csqs: Any, clocked: Any) -> None:
    """The whole 20 s wait on an empty queue: nothing comes back, and the server sleeps meanwhile (a poll
    loop would spend seconds of CPU in it; a wait on the queue's wake-up spends almost none)."""
    url = csqs.create_queue(QueueName="idle-twenty")["QueueUrl"]
    before = _cpu_seconds(clocked.process.pid)
    assert "Messages" not in csqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)
    assert _cpu_seconds(clocked.process.pid) - before < 1.0
