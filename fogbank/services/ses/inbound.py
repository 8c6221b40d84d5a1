"""Inbound mail: POST /_fogbank/ses/inbound runs the active receipt rule set on a message, as SES does.

Body: the raw RFC 5322 message. Query: from (the sending IP, default 127.0.0.1), to (comma-separated
recipients; default the To and Cc headers' addresses), account (default 000000000000), region (default
the server's). The answer: {messageId, accepted, rejected, actions: [{rule, type, ...}]} (403 with code
"Blocked" when an IP filter blocks the sender).

As SES: an Allow filter matching the sending IP overrides every Block filter; recipients no rule matches
are rejected; enabled rules run in order on the recipients they match (an address, a domain, or with a
leading dot every subdomain; a rule without recipients matches all), a StopAction ends the set for them.
A rule's TlsPolicy is recorded (the route has no TLS to require); with ScanEnabled the message carries
X-SES-Spam-Verdict and X-SES-Virus-Verdict headers and its notifications the verdicts.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.services.ses import bounces, receipt_actions, service
from fogbank.services.ses import receipt_store as rs
from fogbank.services.ses.compose import envelope_of
from fogbank.services.ses.routes import DEFAULT_ACCOUNT

if TYPE_CHECKING:
    from fogbank.server import App
    from fogbank.state import Transaction

__all__ = ["matches", "blocked_by"]


def matches(pattern: str, recipient: str) -> bool:
    """Whether a rule's recipient entry covers `recipient`: the address, its domain, or (".example.com")
    any subdomain of example.com."""
    pattern, recipient = pattern.lower(), recipient.lower()
    if "@" in pattern:
        return pattern == recipient
    domain = recipient.rsplit("@", 1)[-1]
    if pattern.startswith("."):
        return domain.endswith(pattern)
    return domain == pattern


def blocked_by(tx: Transaction, account: str, region: str, ip: str) -> str | None:
    """The name of the Block filter that refuses mail from `ip`, unless an Allow filter admits it."""
    address = ipaddress.ip_address(ip)
    block = None
    for found in rs.filters(tx, account, region):
        if address in ipaddress.ip_network(found["IpFilter"]["Cidr"], strict=False):
            if found["IpFilter"]["Policy"] == "Allow":
                return None
            block = block or found["Name"]
    return block


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(value).encode())


def _message_id() -> str:
    # SES's inbound message ids are 40 lowercase letters and digits.
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(40))


@service.route("/_fogbank/ses/inbound")
def inbound(app: App, request: HttpRequest) -> HttpResponse:
    assert app.db is not None and app.clock is not None
    if request.method != "POST":
        return _json(405, {"error": {"code": "MethodNotAllowed", "message": "Use POST."}})
    query = parse_qs(request.query)
    raw = request.content()
    ip = query.get("from", ["127.0.0.1"])[0]
    account = query.get("account", [DEFAULT_ACCOUNT])[0]
    region = query.get("region", [app.settings.region])[0]
    try:
        ipaddress.ip_address(ip)
        source, headed = envelope_of(raw)
    except ValueError as exc:
        return _json(400, {"error": {"code": "InvalidMessage", "message": str(exc)}})
    recipients = [r for value in query.get("to", []) for r in value.split(",") if r] or headed
    now = app.clock.now()
    mid = _message_id()
    with app.db.transaction() as tx:
        block = blocked_by(tx, account, region, ip)
        if block is not None:
            message = f"Mail from {ip} is blocked by receipt filter {block}."
            return _json(403, {"error": {"code": "Blocked", "message": message}})
        name = rs.active_name(tx, account, region)
        rule_set = rs.rule_set(tx, account, region, name) if name else None
        run = receipt_actions.Run(tx, now, (account, region), mid, source, recipients, ip, raw)
        accepted = _evaluate(run, rule_set["rules"] if rule_set else [])
        if accepted:
            bounces.remember(tx, now, (account, region), mid, source)
    rejected = [r for r in recipients if r not in accepted]
    return _json(200, {"messageId": mid, "accepted": accepted, "rejected": rejected, "actions": run.log})


def _evaluate(run: receipt_actions.Run, rules: list[dict[str, Any]]) -> list[str]:
    """Run each enabled rule on the recipients it matches; returns the recipients some rule matched."""
    remaining = list(run.recipients)
    accepted: list[str] = []
    for rule in rules:
        if not rule["Enabled"]:
            continue
        patterns = rule["Recipients"]
        matched = [r for r in remaining if not patterns or any(matches(p, r) for p in patterns)]
        if not matched:
            continue
        accepted += [r for r in matched if r not in accepted]
        if receipt_actions.apply(run, rule, matched):
            remaining = [r for r in remaining if r not in matched]
    return accepted
