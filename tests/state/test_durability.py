"""Every acknowledged write survives `kill -9`, and nothing half-written is ever seen.

A child process writes numbered documents, each referencing a blob written just before it, and
prints a number only after its transaction committed. The parent kills it mid-load with SIGKILL,
reopens the data directory, and checks every acknowledged number.
"""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fogbank.state import open_database

WRITER = textwrap.dedent(
    """
    import hashlib, sys, threading
    from pathlib import Path
    from fogbank.state import open_database

    db = open_database(Path(sys.argv[1]), fsync=sys.argv[2] == "fsync")
    lock = threading.Lock()

    def body(n):
        return hashlib.sha256(str(n).encode()).digest() * (1 + n % 2000)

    def writer(first, step):
        n = first
        while True:
            data = body(n)
            ref = db.blobs.write_bytes(data)  # on disk before the row that references it
            doc = {"n": n, "digest": ref.digest, "size": ref.size}
            with db.transaction() as tx:
                tx.put_doc("test", "item", "1", "r", f"{n:08d}", doc)
                tx.enqueue("test.created", {"n": n})
            with lock:
                sys.stdout.write(f"{n}\\n")
                sys.stdout.flush()
            n += step

    threads = [threading.Thread(target=writer, args=(i, 4), daemon=True) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    """
)


def _body(n: int) -> bytes:
    return hashlib.sha256(str(n).encode()).digest() * (1 + n % 2000)


@pytest.mark.parametrize("mode", ["no-fsync", "fsync"])
def test_acknowledged_writes_survive_sigkill(tmp_path: Path, mode: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), mode],
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    acknowledged: set[int] = set()
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    try:
        while len(acknowledged) < 1500 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acknowledged.add(int(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # What the child printed before dying was also acknowledged.
    acknowledged |= {int(line) for line in child.stdout.read().split()}
    assert len(acknowledged) >= 1500, "the writer did not get going"

    db = open_database(tmp_path, fsync=False)
    with db.transaction(write=False) as tx:
        assert tx.fetchone("PRAGMA integrity_check") == ("ok",)
        docs = dict(tx.list_docs("test", "item", "1", "r"))
        outbox = {row[0] for row in tx.execute("SELECT payload FROM outbox")}
    for n in acknowledged:
        assert f"{n:08d}" in docs, f"acknowledged write {n} was lost"
    assert len(outbox) == len(docs)  # the outbox row committed with its doc, never alone
    for name, doc in docs.items():  # acknowledged or not, every row that exists is whole
        assert doc["n"] == int(name)
        expected = _body(doc["n"])
        assert doc["size"] == len(expected)
        with db.blobs.open(doc["digest"]) as blob:
            assert (
                hashlib.sha256(blob.read()).hexdigest()
                == doc["digest"]
                == hashlib.sha256(expected).hexdigest()
            )
    db.close()
