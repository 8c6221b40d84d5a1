"""The ASGI app: lifespan, the request pipeline, and fogbank's own routes.

Theory of operation: the event loop only moves bytes. A request's body is read (spooled to a
file past SPOOL_THRESHOLD), then the whole pipeline runs in a worker thread, where blocking work
(SQLite, the blob store, crypto) is fine. Every stage raises ServiceError to stop; the codec of
the request's protocol serializes the result or the error. After the response is built, the
outbox is drained for what the request committed.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fogbank import own_routes, routing, stages
from fogbank.clock import Clock
from fogbank.config import Settings
from fogbank.context import Context
from fogbank.decisions import DecisionLog
from fogbank.errors import ServiceError, internal_error
from fogbank.protocols import codec
from fogbank.protocols.errors import fallback_error
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.routing import is_browser_post, is_cors_preflight, website_bucket
from fogbank.scheduler import Scheduler
from fogbank.services import PACKAGES, outbox_consumers, outbox_give_up, scheduled_jobs, waits
from fogbank.state import Database, open_database
from fogbank.state.migrations import migrate
from fogbank.state.outbox import Outbox

__all__ = ["App", "PIPELINE"]

log = logging.getLogger("fogbank")

PIPELINE: list[Callable[[Context], None]] = [
    stages.identify,
    stages.authenticate,
    stages.decode,
    stages.parse,
    stages.authorize,
    stages.dispatch,
]


# S3's stages below import S3's package when a request first needs it, as the registry does for handlers.
def _post_object(ctx: Context) -> None:
    from fogbank.services.s3.post import post_object

    post_object(ctx)


def _serve_website(ctx: Context) -> None:
    from fogbank.services.s3.website import serve

    serve(ctx)


def _preflight(ctx: Context) -> None:
    from fogbank.services.s3.cors import preflight

    preflight(ctx)


# S3's browser uploads have no operation in any model: one stage reads, authorizes and answers them.
BROWSER_POST: list[Callable[[Context], None]] = [_post_object]
# Neither are a website endpoint's plain GETs, nor a browser's CORS preflight.
WEBSITE: list[Callable[[Context], None]] = [_serve_website]
CORS_PREFLIGHT: list[Callable[[Context], None]] = [_preflight]

SPOOL_THRESHOLD = 1 << 20
_OWN_PREFIXES = ("/_fogbank", "/_localstack", "/_aws/")
_NO_BODY = frozenset({204, 304})
# Requests that may wait run on these threads (App._answers_on_loop); an SQS long poll waits on one for up
# to 20 s without holding a transaction (sqs/polling.py), so the pool is large enough for many of them.
WORKERS = 64


class App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started = time.time()
        # The pipeline's threads, which also read streamed bodies; the executor runs outbox deliveries.
        self.workers = Workers(WORKERS)
        self.executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="fogbank")
        self.db: Database | None = None
        self.clock: Clock | None = None
        self.decisions: DecisionLog | None = None
        self.outbox: Outbox | None = None
        self.scheduler: Scheduler | None = None
        self.fogbank_routes: dict[str, Callable[[HttpRequest], HttpResponse]] = {}

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings.spool_dir.mkdir(parents=True, exist_ok=True)
        for (
            stale
        ) in self.settings.spool_dir.iterdir():  # no request is live yet: these are a crash's leftovers
            if stale.is_file():
                stale.unlink(missing_ok=True)
        self.db = open_database(self.settings.data_dir, fsync=self.settings.fsync)
        self.clock = Clock(self.db)
        self.decisions = DecisionLog(self.db)
        for package in PACKAGES:  # every package's tables, read from its schema.sql without importing it
            if package.schema:
                migrate(self.db, package.name, package.schema_sql())
        # A job's, a consumer's or a route's package is imported when it first runs (fogbank.services).
        self.outbox = Outbox(self.db, self.clock, outbox_consumers(), outbox_give_up())
        self.scheduler = Scheduler(self.db, self.clock, scheduled_jobs(), also=[self.outbox.kick])
        self.scheduler.start()
        self.fogbank_routes = own_routes.routes(self)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.workers.shutdown()
        self.executor.shutdown(wait=True, cancel_futures=True)
        if self.db is not None:
            self.db.close()

    # -- ASGI --------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.start()
                except Exception as exc:  # the server must not start half-ready
                    log.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        request = await self._read_request(scope, receive)
        loop = asyncio.get_running_loop()
        if self._answers_on_loop(request):
            response = self.handle(request)
        else:
            response = await self.workers.run(loop, self.handle, request)
        headers = [(k.lower().encode("latin-1"), _header_value(v)) for k, v in response.headers]
        body = response.body
        if response.status in _NO_BODY:
            # HTTP forbids a body here: one sent anyway is read as the start of the next response.
            headers = [(name, value) for name, value in headers if name != b"content-length"]
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        if isinstance(body, bytes | bytearray):
            # HEAD answers carry the length of the body they describe, set by the codec.
            if not any(name == b"content-length" for name, _ in headers):
                headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body)})
            return
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        chunks = iter(body)
        try:
            while True:
                chunk = await self.workers.run(loop, next, chunks, None)
                if chunk is None:
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        await send({"type": "http.response.body", "body": b""})

    async def _read_request(self, scope: dict[str, Any], receive: Callable) -> HttpRequest:
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1")  # ASGI servers give header names in lower case
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        body: Any = None
        pieces: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            if not chunk:
                continue
            size += len(chunk)
            if body is None and size > SPOOL_THRESHOLD:
                # Named, so the blob store can link an upload's spool into place instead of copying it.
                body = tempfile.NamedTemporaryFile(dir=self.settings.spool_dir, prefix="r-")
                body.write(b"".join(pieces))
                pieces = []
            if body is None:
                pieces.append(chunk)
            else:
                body.write(chunk)
        if body is None:
            body = io.BytesIO(b"".join(pieces))
        body.seek(0)
        client = scope.get("client")
        return HttpRequest(
            method=scope["method"],
            path=scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0] or scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            scheme=scope.get("scheme", "http"),
            client_ip=client[0] if client else "127.0.0.1",
        )

    def _answers_on_loop(self, request: HttpRequest) -> bool:
        """Whether the event loop's own thread answers the request, without handing it to a worker.

        Most requests are answered in well under a millisecond, and handing one to a worker thread and
        its answer back costs about as much as answering it. A request goes to a worker when its body
        was spooled to disk, when it is for fogbank's own routes or S3's browser, website or CORS
        paths, and when its operation's handler may wait (Service.handler's `waits`).
        """
        if not isinstance(request.body, io.BytesIO) or request.path.startswith(_OWN_PREFIXES):
            return False
        if _pipeline(request) is not PIPELINE:
            return False
        try:
            request.route = route = routing.identify(request)
        except ServiceError:
            return True  # answered at once, with the error
        return not waits(route.service, route.operation)

    # -- the pipeline --------------------------------------------------------------------------
    def handle(self, request: HttpRequest) -> HttpResponse:
        own = self._own_route(request)
        if own is not None:
            return own(request)
        assert self.db is not None and self.clock is not None and self.decisions is not None
        ctx = Context(
            request=request,
            request_id=new_request_id(),
            settings=self.settings,
            clock=self.clock,
            db=self.db,
            decisions=self.decisions,
        )
        started = time.monotonic()
        error_code: str | None = None
        try:
            # A request routed before the pipeline (App._answers_on_loop) was found to take the main one.
            for stage in PIPELINE if request.route is not None else _pipeline(request):
                stage(ctx)
            response = ctx.response if ctx.response is not None else self._serialize(ctx)
        except ServiceError as error:
            error_code = error.code
            response = self._serialize_error(ctx, error)
        except Exception:
            log.exception("request %s failed", ctx.request_id)
            error_code = "InternalError"
            response = self._serialize_error(ctx, internal_error(ctx.request_id))
        finally:
            if ctx.tx is not None and ctx.tx.enqueued and self.outbox is not None:
                self.executor.submit(self.outbox.kick)
        if ctx.service_name == "s3":
            self._after_s3(ctx, response, error_code, started)
        return response

    def _after_s3(self, ctx: Context, response: HttpResponse, error_code: str | None, started: float) -> None:
        """An S3 answer's CORS headers, and its line in the bucket's access log."""
        from fogbank.services.s3.access_log import is_logged, record
        from fogbank.services.s3.cors import cors_headers

        bucket = ctx.uri_params.get("Bucket")
        if bucket is None:
            return
        if "origin" in ctx.request.headers:
            response.headers.extend(cors_headers(ctx.db, ctx.request, bucket))
        if is_logged(ctx.db, bucket):
            try:
                record(ctx, response, error_code, int((time.monotonic() - started) * 1000))
            except Exception:  # a log line lost must not fail the request it describes
                log.exception("access log for request %s failed", ctx.request_id)

    def _own_route(self, request: HttpRequest) -> Callable[[HttpRequest], HttpResponse] | None:
        path = request.path
        if not path.startswith(_OWN_PREFIXES):
            return None
        return own_routes.find(self.fogbank_routes, path)

    def _serialize(self, ctx: Context) -> HttpResponse:
        assert ctx.protocol is not None and ctx.operation is not None
        return codec(ctx.protocol).serialize_response(ctx.operation, ctx.output or {}, ctx.request_id)

    def _serialize_error(self, ctx: Context, error: ServiceError) -> HttpResponse:
        if ctx.protocol is None or ctx.service is None:
            return fallback_error(ctx.request, error, ctx.request_id)
        return codec(ctx.protocol).serialize_error(ctx.service, ctx.operation, error, ctx.request_id)


class _Worker:
    __slots__ = ("job", "wake")

    def __init__(self) -> None:
        self.job: Callable[[], None] | None = None
        self.wake = threading.Lock()  # held while the worker has nothing to do; released to hand it a job
        self.wake.acquire()


class Workers:
    """Threads for the pipeline that hand each request to the thread that went idle most recently.

    That thread's SQLite connections (one pair per thread) and caches are the warm ones: with the shared
    queue of ThreadPoolExecutor every idle thread waits in turn, so a steady stream of requests met a
    cold thread each time. Threads start on demand up to `size` (an SQS long poll holds one for up to
    20 s); past that, requests wait in order for the next thread to finish.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []  # a stack: the last to finish is the first handed work
        self._backlog: deque[Callable[[], None]] = deque()
        self._started = 0
        self._closed = False

    def run(self, loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """`fn(*args)` on a worker thread, as a future of `loop`."""
        future = loop.create_future()

        def job() -> None:
            try:
                result = fn(*args)
            except BaseException as exc:  # handed to the awaiting coroutine, as run_in_executor does
                loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, future, result, None)

        self._submit(job)
        return future

    def _submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the server is stopping")
            if self._idle:
                worker = self._idle.pop()
                worker.job = job
                worker.wake.release()
                return
            if self._started >= self._size:
                self._backlog.append(job)
                return
            self._started += 1
            worker = _Worker()
            worker.job = job
            worker.wake.release()
        threading.Thread(target=self._loop, args=(worker,), name="fogbank", daemon=True).start()

    def _loop(self, worker: _Worker) -> None:
        while True:
            worker.wake.acquire()
            job = worker.job
            worker.job = None
            while job is not None:
                job()
                with self._lock:
                    if self._backlog:
                        job = self._backlog.popleft()
                    else:
                        job = None
                        if self._closed:
                            return
                        self._idle.append(worker)
            if self._closed:
                return

    def shutdown(self) -> None:
        """Stops idle threads now and the others after their request; queued requests are dropped."""
        with self._lock:
            self._closed = True
            self._backlog.clear()
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.wake.release()


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the client went away; nobody awaits the answer
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _pipeline(request: HttpRequest) -> list[Callable[[Context], None]]:
    if website_bucket(request.host) is not None:
        return WEBSITE
    if is_cors_preflight(request):
        return CORS_PREFLIGHT
    return BROWSER_POST if is_browser_post(request) else PIPELINE


def _header_value(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        # S3 user metadata may be any UTF-8; clients read the raw bytes.
        return value.encode("utf-8")


def new_request_id() -> str:
    """A request id in UUID form, as AWS's look; uuid.uuid4() costs several times more per request."""
    digits = os.urandom(16).hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
