"""fogbank's own SES routes: reading the mailbox, and leaving (or re-entering) the sandbox.

GET    /_fogbank/ses              every message, oldest first: [{id, timestamp, source, destinations,
                                  subject, body {text, html}, attachments, ...}] (?id=, ?source= filter;
                                  ?format=localstack: {"messages": [...]} in LocalStack's /_aws/ses shape)
GET    /_fogbank/ses/<id>         one message with its headers and attachments (?raw=1: the raw bytes)
DELETE /_fogbank/ses[/<id>]       empty the mailbox (or drop one message)
GET    /_fogbank/ses/sandbox      {"account", "region", "enabled"}
POST   /_fogbank/ses/sandbox      {"enabled": false, "account"?: "000000000000", "region"?: "us-east-1"}
POST   /_fogbank/ses/inbound      a raw message received: the active receipt rule set runs (inbound.py)
GET    /_aws/ses                  the listing in LocalStack's shape, where tools written for it look
DELETE /_aws/ses                  empty the mailbox
"""

from __future__ import annotations

import json
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.services.ses import mailbox, service, store

if TYPE_CHECKING:
    from email.message import EmailMessage

    from fogbank.server import App

__all__ = ["describe", "localstack"]

DEFAULT_ACCOUNT = "000000000000"


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(value).encode())


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": {"code": code, "message": message}})


def _part(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}" or part.is_attachment():
        return None
    return str(part.get_content())


def describe(stored: mailbox.Stored, *, full: bool) -> dict[str, Any]:
    """A message as the mailbox routes show it; `full` adds every header."""
    message = mailbox.parse(stored.raw)
    attachments = []
    if message.is_multipart():
        for part in message.iter_attachments():
            payload = part.get_payload(decode=True)
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload) if isinstance(payload, bytes) else 0,
                }
            )
    out: dict[str, Any] = {
        "id": stored.id,
        "account": stored.account,
        "region": stored.region,
        "timestamp": stored.sent_at.isoformat().replace("+00:00", "Z"),
        "source": stored.source,
        "destinations": stored.destinations,
        "subject": stored.subject,
        "body": {"text": _part(message, "plain"), "html": _part(message, "html")},
        "attachments": attachments,
        "size": stored.size,
    }
    if full:
        out["headers"] = [[key, str(value)] for key, value in message.items()]
    return out


def localstack(stored: mailbox.Stored) -> dict[str, Any]:
    """A message as LocalStack's mailbox route shows it, for tools written against that route."""
    message = mailbox.parse(stored.raw)
    headed = {
        name: {address for _, address in getaddresses([str(v) for v in message.get_all(name, [])])}
        for name in ("To", "Cc")
    }
    return {
        "Id": stored.id,
        "Region": stored.region,
        "Destination": {
            "ToAddresses": [a for a in stored.destinations if a in headed["To"]],
            "CcAddresses": [a for a in stored.destinations if a in headed["Cc"] and a not in headed["To"]],
            "BccAddresses": [a for a in stored.destinations if a not in headed["To"] | headed["Cc"]],
        },
        "Source": stored.source,
        "Subject": stored.subject,
        "Body": {"text_part": _part(message, "plain"), "html_part": _part(message, "html")},
        "RawData": stored.raw.decode("utf-8", "replace"),
        "Timestamp": stored.sent_at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
    }


@service.route("/_fogbank/ses")
def messages(app: App, request: HttpRequest) -> HttpResponse:
    assert app.db is not None
    if request.method == "DELETE":
        with app.db.transaction() as tx:
            return _json(200, {"deleted": mailbox.clear(tx, app.db.blobs)})
    if request.method != "GET":
        return _error(405, "MethodNotAllowed", "Use GET or DELETE.")
    query = parse_qs(request.query)
    source = query.get("source", query.get("email", [None]))[0]
    with app.db.transaction(write=False) as tx:
        found = mailbox.list_messages(tx, app.db.blobs, id=query.get("id", [None])[0], source=source)
    if query.get("format") == ["localstack"] or request.path.startswith("/_aws/"):
        return _json(200, {"messages": [localstack(stored) for stored in found]})
    return _json(200, [describe(stored, full=False) for stored in found])


service.route("/_aws/ses")(messages)


@service.route("/_fogbank/ses/")
def message(app: App, request: HttpRequest) -> HttpResponse:
    assert app.db is not None
    message_id = unquote(request.path.rstrip("/").rsplit("/", 1)[-1])
    if request.method == "DELETE":
        with app.db.transaction() as tx:
            deleted = mailbox.clear(tx, app.db.blobs, id=message_id)
        return _json(200, {"deleted": deleted}) if deleted else _missing(message_id)
    if request.method != "GET":
        return _error(405, "MethodNotAllowed", "Use GET or DELETE.")
    with app.db.transaction(write=False) as tx:
        stored = mailbox.get(tx, app.db.blobs, message_id)
    if stored is None:
        return _missing(message_id)
    if parse_qs(request.query).get("raw", ["0"])[0] not in ("0", "false", ""):
        return HttpResponse(200, [("Content-Type", "message/rfc822")], stored.raw)
    return _json(200, describe(stored, full=True))


def _missing(message_id: str) -> HttpResponse:
    return _error(404, "NoSuchMessage", f"The mailbox has no message {message_id}.")


@service.route("/_fogbank/ses/sandbox")
def sandbox(app: App, request: HttpRequest) -> HttpResponse:
    assert app.db is not None
    try:
        command = json.loads(request.content() or b"{}") if request.method == "POST" else {}
    except ValueError as exc:
        return _error(400, "InvalidCommand", str(exc))
    if not isinstance(command, dict) or (
        request.method == "POST" and not isinstance(command.get("enabled"), bool)
    ):
        return _error(400, "InvalidCommand", 'Expected {"enabled": true|false}.')
    if request.method not in ("GET", "POST"):
        return _error(405, "MethodNotAllowed", "Use GET or POST.")
    query = parse_qs(request.query)
    account = str(command.get("account") or query.get("account", [DEFAULT_ACCOUNT])[0])
    region = str(command.get("region") or query.get("region", [app.settings.region])[0])
    with app.db.transaction(write=request.method == "POST") as tx:
        state = store.account_state(tx, account, region)
        if request.method == "POST":
            state = state | {"sandbox": command["enabled"]}
            store.put_account_state(tx, account, region, state)
    return _json(200, {"account": account, "region": region, "enabled": state["sandbox"]})
