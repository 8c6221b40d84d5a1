"""A real fogbank server in a child process, for tests that talk to it the way a user does."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

__all__ = ["FogbankServer", "free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FogbankServer:
    def __init__(
        self, *args: str, data_dir: Path | None = None, tls_port: bool = True, tls: bool = False
    ) -> None:
        """`tls_port` adds a second HTTPS listener; `tls` makes the main port HTTPS (`--tls`)."""
        self.tls = tls
        self.port = free_port()
        self.tls_port = free_port() if tls_port else None
        self.data_dir = data_dir
        self.args = list(args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def tls_endpoint(self) -> str:
        return f"https://127.0.0.1:{self.tls_port}"

    def start(self, timeout: float = 20.0) -> FogbankServer:
        command = [sys.executable, "-m", "fogbank", "serve", "--port", str(self.port), *self.args]
        command += ["--data-dir", str(self.data_dir)] if self.data_dir else ["--ephemeral"]
        if self.tls_port:
            command += ["--tls-port", str(self.tls_port)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOGBANK_")}
        self.process = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"fogbank exited with {self.process.returncode}")
            try:
                # fogbank's certificate is self-signed.
                context = ssl._create_unverified_context() if self.tls else None
                with urllib.request.urlopen(
                    self.endpoint + "/_fogbank/health", timeout=1, context=context
                ) as r:
                    json.loads(r.read())
                    return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("fogbank did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
