"""The `fogbank` command: serve, env, status, clock, coverage, explain, mail, reset.

Commands that talk to a running server take --endpoint (default $AWS_ENDPOINT_URL, else
http://localhost:4566).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from fogbank import __version__
from fogbank.config import SETTINGS_HELP, Settings

__all__ = ["main"]


def _endpoint_default() -> str:
    return os.environ.get("AWS_ENDPOINT_URL") or "http://localhost:4566"


def _call(endpoint: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        endpoint.rstrip("/") + path, data=data, method="POST" if data is not None else "GET"
    )
    request.add_header("Content-Type", "application/json")
    import ssl

    context = ssl._create_unverified_context()  # fogbank's own self-signed certificate
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("error", {})
        code, message = detail.get("code", exc.code), detail.get("message", exc.reason)
        raise SystemExit(f"fogbank: {code}: {message}") from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"fogbank: no server at {endpoint}: {exc.reason}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from fogbank.server import App

    overrides = {
        "host": args.host,
        "port": args.port,
        "data_dir": args.data_dir,
        "ephemeral": args.ephemeral or None,
        "strict": args.strict or None,
        "tls": args.tls or None,
        "tls_port": args.tls_port,
        "fsync": args.fsync or None,
        "trust_proxy": args.trust_proxy or None,
        "s3_bucket_quota": args.s3_bucket_quota,
        "dynamodb_throttle": args.dynamodb_throttle or None,
        "smtp_relay": args.smtp_relay,
        "region": args.region,
        "log_level": args.log_level,
    }
    settings = Settings.from_env(**overrides)
    temporary = None
    if settings.ephemeral:
        temporary = tempfile.mkdtemp(prefix="fogbank-")
        settings = Settings.from_env(**{**overrides, "data_dir": temporary})
    app = App(settings)
    try:
        return _run_servers(app, settings, uvicorn)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _run_servers(app: Any, settings: Settings, uvicorn: Any) -> int:
    import asyncio

    from fogbank.wire import HttpProtocol

    common = {
        "log_level": settings.log_level,
        "access_log": False,
        # uvicorn's httptools protocol, a response's status line, headers and body sent in one write
        "http": HttpProtocol,
        # X-Forwarded-For counts only with --trust-proxy (authorization.py), never by uvicorn's rewriting
        "proxy_headers": False,
        "ws": "none",  # fogbank serves no WebSocket; uvicorn would import a WebSocket library at start
        "server_header": False,
        "date_header": False,
        "timeout_keep_alive": 30,
    }
    servers = []
    cert = key = None
    if settings.tls or settings.tls_port:
        from fogbank.tls import ensure_certificate  # cryptography only with --tls

        cert, key = ensure_certificate(settings.data_dir / "tls")
    main_tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)} if settings.tls else {}
    servers.append(
        uvicorn.Server(
            uvicorn.Config(app, host=settings.host, port=settings.port, lifespan="on", **common, **main_tls)
        )
    )
    if settings.tls_port:
        servers.append(
            uvicorn.Server(
                uvicorn.Config(
                    app,
                    host=settings.host,
                    port=settings.tls_port,
                    lifespan="off",
                    ssl_certfile=str(cert),
                    ssl_keyfile=str(key),
                    **common,
                )
            )
        )

    async def serve() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    try:
        import uvloop

        uvloop.run(serve())
    except ImportError:
        asyncio.run(serve())
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    endpoint = args.endpoint or f"http://localhost:{os.environ.get('FOGBANK_PORT', '4566')}"
    print(f"export AWS_ENDPOINT_URL={endpoint}")
    print("export AWS_ACCESS_KEY_ID=test")
    print("export AWS_SECRET_ACCESS_KEY=test")
    print(f"export AWS_DEFAULT_REGION={os.environ.get('FOGBANK_REGION', 'us-east-1')}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    health = _call(args.endpoint, "/_fogbank/health")
    print(f"fogbank {health['version']} at {args.endpoint}: up {health['uptime']:.0f}s")
    print(f"data: {health['data_dir']}{' (ephemeral)' if health.get('ephemeral') else ''}")
    print("services: " + ", ".join(health["services"]))
    return 0


def cmd_clock(args: argparse.Namespace) -> int:
    body: dict[str, Any] | None = None
    if args.action == "advance":
        body = {"advance": args.value}
    elif args.action == "set":
        body = {"set": args.value}
    elif args.action == "reset":
        body = {"reset": True}
    if args.action in ("advance", "set") and not args.value:
        raise SystemExit(f"fogbank clock {args.action}: a value is required")
    state = _call(args.endpoint, "/_fogbank/clock", body)
    print(f"{state['now']}  (offset {state['offset_seconds']:+.0f}s)")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    path = "/_fogbank/coverage" + (f"?service={args.service}" if args.service else "")
    if args.local:
        from fogbank.coverage import coverage

        rows = [row.as_dict() for row in coverage(args.service)]
    else:
        rows = _call(args.endpoint, path)
    for row in rows:
        print(f"{row['service']:<24} {len(row['implemented']):>4} / {row['total']:<4}")
        if args.service:
            for op in row["implemented"]:
                print(f"  {op}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    answer = _call(args.endpoint, f"/_fogbank/explain/{args.request_id}")
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    from fogbank.policy.explain import render

    for entry in answer["decisions"]:
        print(f"request {entry['request_id']} at {entry['time']}")
        print(render(entry["explanation"]))
        print("context:")
        for key, value in sorted(entry["context"].items()):
            print(f"  {key} = {value}")
        print()
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    from fogbank.services.ses.mail_cli import print_mail

    return print_mail(args.endpoint, sys.stdout.buffer, message_id=args.id, raw=args.raw)


def cmd_reset(args: argparse.Namespace) -> int:
    settings = Settings.from_env(data_dir=args.data_dir)
    if not args.yes:
        raise SystemExit(f"fogbank reset: this deletes {settings.data_dir}; add --yes to confirm")
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    print(f"removed {settings.data_dir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fogbank", description="AWS on one machine.")
    parser.add_argument("--version", action="version", version=f"fogbank {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", help=SETTINGS_HELP["host"])
    serve.add_argument("--port", type=int, help=SETTINGS_HELP["port"])
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, help=SETTINGS_HELP["data_dir"])
    where.add_argument("--ephemeral", action="store_true", help=SETTINGS_HELP["ephemeral"])
    serve.add_argument("--strict", action="store_true", help=SETTINGS_HELP["strict"])
    serve.add_argument("--tls", action="store_true", help=SETTINGS_HELP["tls"])
    serve.add_argument("--tls-port", type=int, help=SETTINGS_HELP["tls_port"])
    serve.add_argument("--fsync", action="store_true", help=SETTINGS_HELP["fsync"])
    serve.add_argument("--trust-proxy", action="store_true", help=SETTINGS_HELP["trust_proxy"])
    serve.add_argument("--s3-bucket-quota", type=int, help=SETTINGS_HELP["s3_bucket_quota"])
    serve.add_argument("--dynamodb-throttle", action="store_true", help=SETTINGS_HELP["dynamodb_throttle"])
    serve.add_argument("--smtp-relay", help=SETTINGS_HELP["smtp_relay"])
    serve.add_argument("--region", help=SETTINGS_HELP["region"])
    serve.add_argument("--log-level", help=SETTINGS_HELP["log_level"])
    serve.set_defaults(func=cmd_serve)

    def with_endpoint(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--endpoint", default=_endpoint_default(), help="a running fogbank's URL")
        return p

    env = sub.add_parser("env", help="print export lines that point AWS tools at fogbank")
    env.add_argument("--endpoint", help="the endpoint to export")
    env.set_defaults(func=cmd_env)

    with_endpoint(sub.add_parser("status", help="is the server up, and what does it serve")).set_defaults(
        func=cmd_status
    )

    clock = with_endpoint(sub.add_parser("clock", help="show or move fogbank's clock"))
    clock.add_argument("action", choices=("show", "advance", "set", "reset"), nargs="?", default="show")
    clock.add_argument("value", nargs="?", help="a duration (30d, 12h, 1d12h) or an ISO time")
    clock.set_defaults(func=cmd_clock)

    cov = with_endpoint(sub.add_parser("coverage", help="implemented operations per service"))
    cov.add_argument("service", nargs="?")
    cov.add_argument("--local", action="store_true", help="read the registry here, without a server")
    cov.set_defaults(func=cmd_coverage)

    explain = with_endpoint(sub.add_parser("explain", help="why a request was allowed or denied"))
    explain.add_argument("request_id")
    explain.add_argument("--json", action="store_true", help="print the recorded decisions as JSON")
    explain.set_defaults(func=cmd_explain)

    mail = with_endpoint(sub.add_parser("mail", help="print the messages SES sent into fogbank's mailbox"))
    mail.add_argument("--id", help="print only this message")
    mail.add_argument("--raw", action="store_true", help="print the raw RFC 5322 bytes as sent")
    mail.set_defaults(func=cmd_mail)

    reset = sub.add_parser("reset", help="delete all state in the data directory")
    reset.add_argument("--data-dir", type=Path)
    reset.add_argument("--yes", action="store_true")
    reset.set_defaults(func=cmd_reset)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
