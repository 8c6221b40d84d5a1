"""fogbank's own routes under /_fogbank/ (and LocalStack's health route, for tools that wait on it).

GET  /_fogbank/health       version, services, uptime
GET  /_fogbank/coverage     implemented operations per service (?service=NAME)
GET  /_fogbank/clock        the clock: now and offset
POST /_fogbank/clock        {"advance": "30d"} | {"set": "2027-01-01T00:00:00Z"} | {"reset": true}
GET  /_localstack/health    the same health, in LocalStack's shape

and the routes services register of their own (`Service.route`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fogbank import __version__
from fogbank.clock import parse_duration
from fogbank.coverage import coverage
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.services import OwnRoute, registry, service_routes

if TYPE_CHECKING:
    from fogbank.server import App

__all__ = ["routes", "find", "unknown"]


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(value).encode())


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": {"code": code, "message": message}})


def unknown(request: HttpRequest) -> HttpResponse:
    return _error(404, "NotFound", f"fogbank has no route {request.path}.")


def find(
    table: dict[str, Callable[[HttpRequest], HttpResponse]], path: str
) -> Callable[[HttpRequest], HttpResponse]:
    """The route for `path`: exact, or the longest registered prefix ending in "/"."""
    exact = table.get(path.rstrip("/"))
    if exact is not None:
        return exact
    for prefix, route in table.items():
        if prefix.endswith("/") and path.startswith(prefix) and len(path) > len(prefix):
            return route
    return unknown


def routes(app: App) -> dict[str, Callable[[HttpRequest], HttpResponse]]:
    def health(request: HttpRequest) -> HttpResponse:
        return _json(
            200,
            {
                "version": __version__,
                "services": {name: "running" for name in sorted(registry())},
                "uptime": round(time.time() - app.started, 3),
                "data_dir": str(app.settings.data_dir),
                "ephemeral": app.settings.ephemeral,
            },
        )

    def localstack_health(request: HttpRequest) -> HttpResponse:
        return _json(
            200,
            {
                "services": {name: "running" for name in sorted(registry())},
                "edition": "community",
                "version": __version__,
            },
        )

    def coverage_route(request: HttpRequest) -> HttpResponse:
        service = parse_qs(request.query).get("service", [None])[0]
        if service is not None and service not in registry():
            from fogbank import specs

            if service not in specs.available_services():
                return _error(404, "UnknownService", f"No service named {service}.")
        return _json(200, [row.as_dict() for row in coverage(service)])

    def clock(request: HttpRequest) -> HttpResponse:
        assert app.clock is not None
        if request.method == "POST":
            try:
                command = json.loads(request.content() or b"{}")
                if "advance" in command:
                    app.clock.advance(parse_duration(str(command["advance"])))
                elif "set" in command:
                    app.clock.set(datetime.fromisoformat(str(command["set"]).replace("Z", "+00:00")))
                elif command.get("reset"):
                    app.clock.reset()
                else:
                    return _error(400, "InvalidCommand", 'Expected "advance", "set" or "reset".')
            except (ValueError, TypeError) as exc:
                return _error(400, "InvalidCommand", str(exc))
        elif request.method != "GET":
            return _error(405, "MethodNotAllowed", "Use GET or POST.")
        now = app.clock.now()
        return _json(200, {"now": now.isoformat().replace("+00:00", "Z"), "offset_seconds": app.clock.offset})

    def explain(request: HttpRequest) -> HttpResponse:
        assert app.decisions is not None
        request_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        decisions = app.decisions.get(request_id)
        if decisions is None:
            return _error(
                404, "NoSuchDecision", f"No authorization decision is recorded for request {request_id}."
            )
        return _json(200, {"request_id": request_id, "decisions": decisions})

    provided = service_routes()
    table: dict[str, Callable[[HttpRequest], HttpResponse]] = {
        path: partial(_service_route, provided, path, app) for path in provided
    }
    return table | {
        "/_fogbank/explain/": explain,
        "/_fogbank/health": health,
        "/_fogbank/coverage": coverage_route,
        "/_fogbank/clock": clock,
        "/_localstack/health": localstack_health,
    }


def _service_route(
    provided: Mapping[str, OwnRoute], path: str, app: App, request: HttpRequest
) -> HttpResponse:
    """A service's own route; its package is imported on the first request to one of its routes."""
    return provided[path](app, request)
