"""The servers under test, and how one is started, waited for and stopped.

Each server runs as its own process group on a free loopback port, with its output in a log file (a
pipe nobody reads would fill and stall it). A server that is not installed, exits, or never answers is
reported as unavailable with the reason, and the run goes on with the others.

dynalite (DynamoDB on Node.js, from npm) is installed into `.bench-node/` of the repository (ignored by
git) on first use, with `npm install --prefix .bench-node dynalite`; without npm it is unavailable.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SERVERS", "Running", "ServerSpec", "Unavailable", "free_port", "start"]

_REPO = Path(__file__).resolve().parent.parent
_BIN = Path(sys.executable).parent
_STOP_GRACE_SECONDS = 5.0
_NODE_PREFIX = _REPO / ".bench-node"
_DYNALITE_CLI = _NODE_PREFIX / "node_modules" / "dynalite" / "cli.js"
_NPM_TIMEOUT_SECONDS = 300.0


class Unavailable(Exception):
    """A server could not be run; the message says why."""


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server on a given port."""

    name: str
    argv: Callable[[int], list[str]]
    env: Callable[[int], dict[str, str]] = field(default=lambda port: {})
    requires: str = ""
    """A module that must be importable, checked before starting."""
    services: frozenset[str] | None = None
    """The AWS services it emulates, if not all that the workloads use."""
    ready: tuple[str, str] = ("sts", "get_caller_identity")
    """The call, (service, client method), that the server answers once it has started."""


def _console_script(name: str) -> str:
    """The venv's own copy of a console script, else whatever is on PATH."""
    local = _BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise Unavailable(f"`{name}` is not installed")
    return found


def _dynalite_argv(port: int) -> list[str]:
    """Node running dynalite's cli.js, which is installed first if it is not yet."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise Unavailable("`node` and `npm` are needed for dynalite and are not both installed")
    if not _DYNALITE_CLI.exists():
        try:
            subprocess.run(
                [npm, "install", "--prefix", str(_NODE_PREFIX), "--no-audit", "--no-fund", "dynalite"],
                cwd=_REPO,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=True,
                timeout=_NPM_TIMEOUT_SECONDS,
            )
        except subprocess.CalledProcessError as error:
            lines = error.stderr.decode(errors="replace").strip().splitlines()
            raise Unavailable(f"npm install dynalite failed: {lines[-1] if lines else error}") from error
        except subprocess.TimeoutExpired as error:
            raise Unavailable(f"npm install dynalite took over {_NPM_TIMEOUT_SECONDS:.0f} s") from error
    return [node, str(_DYNALITE_CLI), "--host", "127.0.0.1", "--port", str(port)]


SERVERS: tuple[ServerSpec, ...] = (
    ServerSpec(
        name="fogbank",
        argv=lambda port: [
            sys.executable,
            *"-m fogbank serve --ephemeral --host 127.0.0.1 --port".split(),
            str(port),
        ],
        requires="fogbank.__main__",
    ),
    ServerSpec(
        name="moto",
        argv=lambda port: [_console_script("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        requires="moto.server",
    ),
    ServerSpec(
        name="ministack",
        argv=lambda port: [sys.executable, "-m", "ministack"],
        env=lambda port: {"BIND_HOST": "127.0.0.1", "GATEWAY_PORT": str(port)},
        requires="ministack.app",
    ),
    ServerSpec(
        name="dynalite",
        argv=_dynalite_argv,
        services=frozenset({"dynamodb"}),
        ready=("dynamodb", "list_tables"),
    ),
    ServerSpec(
        name="floor",
        argv=lambda port: [
            *(sys.executable, "-m", "uvicorn", "bench.floor:app", "--host", "127.0.0.1", "--port", str(port)),
            *"--lifespan off --no-access-log --log-level warning".split(),
        ],
        requires="uvicorn",
    ),
)


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    """A started server: its process group, port and log."""

    spec: ServerSpec
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    spawned_at: float

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def last_words(self) -> str:
        """The last line the server wrote (for a Python server, the exception), for an error message."""
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1].strip() if lines else ""

    def check_alive(self) -> None:
        """Raise Unavailable if the server has exited."""
        code = self.process.poll()
        if code is not None:
            words = self.last_words()
            raise Unavailable(f"exited with status {code}" + (f": {words}" if words else ""))

    def stop(self) -> None:
        """Stop the whole process group: politely, then by force."""
        for sig, grace in ((signal.SIGTERM, _STOP_GRACE_SECONDS), (signal.SIGKILL, _STOP_GRACE_SECONDS)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        self.log_path.unlink(missing_ok=True)


def start(spec: ServerSpec) -> Running:
    """Spawn a server on a free port; it is not yet known to answer."""
    if spec.requires and _missing_module(spec.requires):
        raise Unavailable(f"module `{spec.requires}` is not installed")
    port = free_port()
    argv = spec.argv(port)
    python_path = os.pathsep.join(filter(None, [str(_REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, **spec.env(port), "PYTHONPATH": python_path}
    log_fd, log_name = tempfile.mkstemp(prefix=f"bench-{spec.name}-", suffix=".log")
    spawned_at = time.perf_counter()
    try:
        process = subprocess.Popen(
            argv,
            cwd=_REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_fd,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        raise Unavailable(f"cannot run {argv[0]}: {error}") from error
    finally:
        os.close(log_fd)
    return Running(spec=spec, port=port, process=process, log_path=Path(log_name), spawned_at=spawned_at)


def _missing_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is None
    except ImportError:
        return True
