"""fogbank's own SNS routes: the signing certificate, SubscribeURL and UnsubscribeURL, and the SMS record.

GET  /_fogbank/sns/cert/SimpleNotificationService-<id>.pem   the certificate messages are signed with
GET  /_fogbank/sns/confirm?TopicArn=..&Token=..              ConfirmSubscription, as a SubscribeURL is
GET  /_fogbank/sns/unsubscribe?SubscriptionArn=..            Unsubscribe, as an UnsubscribeURL is
GET  /_fogbank/sns/sms[?account=..&region=..]                the SMS messages published, oldest first
POST /_fogbank/sns/sms/opt-out {"phoneNumber", "account"?}   a recipient's STOP: opt the number out
POST /_fogbank/sns/sms/sandbox {"inSandbox", "account"?, "region"?}   move an account into or out of the
                                                             SMS sandbox
POST /_fogbank/sns/sms/origination-numbers {"phoneNumber", "account"?, "region"?, "iso2CountryCode"?,
     "routeType"?, "numberCapabilities"?}                    register an origination number
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.services.sns import service, signing, sms, sms_sandbox, store, subscriptions, urls

if TYPE_CHECKING:
    from fogbank.server import App

__all__ = [
    "certificate",
    "confirm",
    "unsubscribe",
    "sms_messages",
    "sms_opt_out",
    "sms_sandbox_status",
    "origination_number",
]

_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


def _xml(status: int, body: str) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "text/xml")], body.encode())


def _error(error: ServiceError) -> HttpResponse:
    return _xml(
        error.status,
        f'<ErrorResponse xmlns="{_XMLNS}"><Error><Type>{error.fault}</Type><Code>{escape(error.code)}</Code>'
        f"<Message>{escape(error.message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>",
    )


def _answer(action: str, result: str = "") -> HttpResponse:
    """A successful query-protocol answer to `action`, as SNS writes it."""
    return _xml(
        200,
        f'<{action}Response xmlns="{_XMLNS}">{result}<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>'
        f"</ResponseMetadata></{action}Response>",
    )


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(value).encode())


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.query).items()}


@service.route(urls.CERT_ROUTE)
def certificate(app: App, request: HttpRequest) -> HttpResponse:
    name = request.path.rsplit("/", 1)[-1]
    cert_id = name.removeprefix("SimpleNotificationService-").removesuffix(".pem")
    assert app.db is not None
    with app.db.transaction(write=False) as tx:
        pem = signing.cert_pem(tx, cert_id)
    if pem is None:
        return HttpResponse(404, [("Content-Type", "text/plain")], b"Not Found")
    return HttpResponse(200, [("Content-Type", "application/x-x509-ca-cert")], pem.encode())


@service.route(urls.CONFIRM_ROUTE)
def confirm(app: App, request: HttpRequest) -> HttpResponse:
    params = _params(request)
    assert app.db is not None and app.clock is not None
    try:
        with app.db.transaction() as tx:
            arn = subscriptions.confirm(
                tx, app.clock.now(), params.get("TopicArn", ""), params.get("Token", "")
            )
    except ServiceError as error:
        return _error(error)
    result = f"<SubscriptionArn>{escape(arn)}</SubscriptionArn>"
    return _answer("ConfirmSubscription", f"<ConfirmSubscriptionResult>{result}</ConfirmSubscriptionResult>")


@service.route(urls.UNSUBSCRIBE_ROUTE)
def unsubscribe(app: App, request: HttpRequest) -> HttpResponse:
    params = _params(request)
    assert app.db is not None and app.clock is not None
    try:
        with app.db.transaction() as tx:
            subscriptions.unsubscribe(tx, app.clock.now(), params.get("SubscriptionArn", ""), signed=False)
    except ServiceError as error:
        return _error(error)
    if tx.enqueued and app.outbox is not None:
        app.outbox.kick()
    return _answer("Unsubscribe")


@service.route("/_fogbank/sns/sms")
def sms_messages(app: App, request: HttpRequest) -> HttpResponse:
    params = _params(request)
    account = params.get("account", DEFAULT_ACCOUNT)
    region = params.get("region", DEFAULT_REGION)
    assert app.db is not None
    with app.db.transaction(write=False) as tx:
        found = tx.list_docs(store.SERVICE, sms.MESSAGE, account, region)
    return _json(200, {"messages": [doc for _, doc in found]})


@service.route("/_fogbank/sns/sms/opt-out")
def sms_opt_out(app: App, request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _json(
            405, {"error": {"code": "MethodNotAllowed", "message": "POST a phoneNumber to opt out."}}
        )
    try:
        body = json.loads(request.content() or b"{}")
        phone = body["phoneNumber"]
    except (ValueError, KeyError, TypeError):
        return _json(400, {"error": {"code": "BadRequest", "message": 'Send {"phoneNumber": "+1..."}.'}})
    assert app.db is not None
    try:
        with app.db.transaction() as tx:
            sms.opt_out(tx, body.get("account", DEFAULT_ACCOUNT), phone)
    except ServiceError as error:
        return _json(400, {"error": {"code": error.code, "message": error.message}})
    return _json(200, {"phoneNumber": phone, "optedOut": True})


def _post_json(request: HttpRequest, usage: str) -> dict[str, Any] | HttpResponse:
    """The JSON object POSTed, or the answer that refuses the request."""
    if request.method != "POST":
        return _json(405, {"error": {"code": "MethodNotAllowed", "message": f"POST {usage}."}})
    try:
        body = json.loads(request.content() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _json(400, {"error": {"code": "BadRequest", "message": f"Send {usage}."}})
    return body


@service.route("/_fogbank/sns/sms/sandbox")
def sms_sandbox_status(app: App, request: HttpRequest) -> HttpResponse:
    body = _post_json(request, '{"inSandbox": true}')
    if isinstance(body, HttpResponse):
        return body
    inside = body.get("inSandbox")
    if not isinstance(inside, bool):
        return _json(400, {"error": {"code": "BadRequest", "message": 'Send {"inSandbox": true}.'}})
    account = body.get("account", DEFAULT_ACCOUNT)
    region = body.get("region", DEFAULT_REGION)
    assert app.db is not None
    with app.db.transaction() as tx:
        sms_sandbox.set_sandbox(tx, account, region, inside)
    return _json(200, {"account": account, "region": region, "inSandbox": inside})


@service.route("/_fogbank/sns/sms/origination-numbers")
def origination_number(app: App, request: HttpRequest) -> HttpResponse:
    usage = '{"phoneNumber": "+1..."}'
    body = _post_json(request, usage)
    if isinstance(body, HttpResponse):
        return body
    if not isinstance(body.get("phoneNumber"), str):
        return _json(400, {"error": {"code": "BadRequest", "message": f"Send {usage}."}})
    number = {
        "PhoneNumber": body["phoneNumber"],
        "Iso2CountryCode": body.get("iso2CountryCode", "US"),
        "RouteType": body.get("routeType", "Transactional"),
        "NumberCapabilities": body.get("numberCapabilities", ["SMS"]),
    }
    assert app.db is not None and app.clock is not None
    try:
        with app.db.transaction() as tx:
            entry = sms_sandbox.add_origination_number(
                tx,
                app.clock.now(),
                body.get("account", DEFAULT_ACCOUNT),
                body.get("region", DEFAULT_REGION),
                number,
            )
    except ServiceError as error:
        return _json(400, {"error": {"code": error.code, "message": error.message}})
    return _json(200, entry)
