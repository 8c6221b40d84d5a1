"""The SMS sandbox and origination numbers: verified destination numbers, per account and region.

CreateSMSSandboxPhoneNumber adds a number as Pending and "sends" it a one-time password: the OTP is an SMS
recorded like any other (GET /_fogbank/sns/sms shows it, with its OneTimePassword), and
VerifySMSSandboxPhoneNumber with it makes the number Verified. AWS keeps up to ten numbers in a sandbox.

fogbank starts every account outside the sandbox, so that SMS publishing works without verifying; POST
/_fogbank/sns/sms/sandbox {"account", "region", "inSandbox"} moves an account in or out (in AWS a support
case does). In the sandbox, SMS to a number that is not verified is not delivered (not recorded), as AWS
delivers only to verified numbers there.

Origination numbers are bought outside SNS; POST /_fogbank/sns/sms/origination-numbers registers one for
ListOriginationNumbers to list.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import service, sms, store
from fogbank.state import Transaction

__all__ = ["in_sandbox", "may_deliver", "set_sandbox", "add_origination_number", "SANDBOX", "ORIGINATION"]

SANDBOX = "sms-sandbox-number"
STATUS = "sms-sandbox-status"
ORIGINATION = "origination-number"
MAX_NUMBERS = 10
_NUMBER = re.compile(r"^\+[1-9][0-9]{7,14}$")
_LANGUAGES = frozenset(
    {
        "en-US",
        "en-GB",
        "es-419",
        "es-ES",
        "de-DE",
        "fr-CA",
        "fr-FR",
        "it-IT",
        "ja-JP",
        "pt-BR",
        "kr-KR",
        "zh-CN",
        "zh-TW",
    }
)


def _number(phone: str | None) -> str:
    if not phone or not _NUMBER.match(phone):
        raise store.invalid("PhoneNumber")
    return phone


def _not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFound", message, 404, fields={"message": message})


def in_sandbox(tx: Transaction, account: str, region: str) -> bool:
    status = tx.get_doc(store.SERVICE, STATUS, account, region, "status")
    return bool(status and status["IsInSandbox"])


def set_sandbox(tx: Transaction, account: str, region: str, inside: bool) -> None:
    tx.put_doc(store.SERVICE, STATUS, account, region, "status", {"IsInSandbox": inside})


def may_deliver(tx: Transaction, account: str, region: str, number: str) -> bool:
    """Whether an SMS to `number` (E.164, with "+") is delivered: always, unless the account is in the
    sandbox and the number is not verified there."""
    if not in_sandbox(tx, account, region):
        return True
    entry = tx.get_doc(store.SERVICE, SANDBOX, account, region, number)
    return entry is not None and entry["Status"] == "Verified"


def _send_otp(tx: Transaction, now: datetime, account: str, region: str, entry: dict[str, Any]) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    entry["OneTimePassword"] = code
    sms.keep(
        tx,
        now,
        account,
        region,
        entry["PhoneNumber"],
        f"Your AWS verification code is {code}",
        str(uuid.uuid4()),
        OneTimePassword=code,
    )


@service.handler("CreateSMSSandboxPhoneNumber")
def create_sandbox_number(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    number = _number(request.get("PhoneNumber"))
    language = request.get("LanguageCode") or "en-US"
    if language not in _LANGUAGES:
        raise store.invalid("LanguageCode")
    if tx.get_doc(store.SERVICE, sms.OPTED_OUT, ctx.account, "", number.lstrip("+")) is not None:
        raise ServiceError("OptedOut", "Phone number is opted out.", 400)
    entry = tx.get_doc(store.SERVICE, SANDBOX, ctx.account, ctx.region, number)
    if entry is not None and entry["Status"] == "Verified":
        return {}
    if entry is None:
        count = len(tx.list_docs(store.SERVICE, SANDBOX, ctx.account, ctx.region, limit=MAX_NUMBERS))
        if count >= MAX_NUMBERS:
            raise ServiceError(
                "UserError",
                f"The SMS sandbox holds at most {MAX_NUMBERS} destination phone numbers.",
                400,
            )
        entry = {"PhoneNumber": number, "Status": "Pending"}
    entry["LanguageCode"] = language
    _send_otp(tx, ctx.clock.now(), ctx.account, ctx.region, entry)
    tx.put_doc(store.SERVICE, SANDBOX, ctx.account, ctx.region, number, entry)
    return {}


@service.handler("VerifySMSSandboxPhoneNumber")
def verify_sandbox_number(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    number = _number(request.get("PhoneNumber"))
    entry = tx.get_doc(store.SERVICE, SANDBOX, ctx.account, ctx.region, number)
    if entry is None:
        raise _not_found("Phone number does not exist in the sandbox.")
    if entry["Status"] == "Verified":
        return {}
    if request.get("OneTimePassword") != entry["OneTimePassword"]:
        raise ServiceError(
            "VerificationException",
            "Invalid one-time password.",
            400,
            fields={"Message": "Invalid one-time password.", "Status": "Failed"},
        )
    entry["Status"] = "Verified"
    del entry["OneTimePassword"]
    tx.put_doc(store.SERVICE, SANDBOX, ctx.account, ctx.region, number, entry)
    return {}


@service.handler("DeleteSMSSandboxPhoneNumber")
def delete_sandbox_number(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    number = _number(request.get("PhoneNumber"))
    if not tx.delete_doc(store.SERVICE, SANDBOX, ctx.account, ctx.region, number):
        raise _not_found("Phone number does not exist in the sandbox.")
    return {}


def _limit(request: dict[str, Any], maximum: int) -> int:
    limit = request.get("MaxResults")
    if limit is None:
        return maximum
    if not 1 <= limit <= maximum:
        raise store.invalid(f"MaxResults Reason: must be between 1 and {maximum}")
    return limit


@service.handler("ListSMSSandboxPhoneNumbers")
def list_sandbox_numbers(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    after = request.get("NextToken")
    found, token = store.page(tx, SANDBOX, ctx.account, ctx.region, after, limit=_limit(request, 100))
    return store.listing(
        "PhoneNumbers", [{"PhoneNumber": e["PhoneNumber"], "Status": e["Status"]} for e in found], token
    )


@service.handler("GetSMSSandboxAccountStatus")
def get_sandbox_status(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    return {"IsInSandbox": in_sandbox(ctx.tx, ctx.account, ctx.region)}


def add_origination_number(
    tx: Transaction, now: datetime, account: str, region: str, number: dict[str, Any]
) -> dict[str, Any]:
    """Register an origination number (PhoneNumber, Iso2CountryCode, RouteType, NumberCapabilities)."""
    phone = _number(number.get("PhoneNumber"))
    route = number.get("RouteType", "Transactional")
    if route not in ("Transactional", "Promotional", "Premium"):
        raise store.invalid("RouteType")
    capabilities = number.get("NumberCapabilities", ["SMS"])
    if not isinstance(capabilities, list) or not set(capabilities) <= {"SMS", "MMS", "VOICE"}:
        raise store.invalid("NumberCapabilities")
    entry = {
        "PhoneNumber": phone,
        "Status": "ACTIVE",
        "Iso2CountryCode": str(number.get("Iso2CountryCode", "US"))[:2].upper(),
        "RouteType": route,
        "NumberCapabilities": capabilities,
        "CreatedAt": now.timestamp(),
    }
    tx.put_doc(store.SERVICE, ORIGINATION, account, region, phone, entry)
    return entry


@service.handler("ListOriginationNumbers")
def list_origination_numbers(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    from datetime import UTC

    tx = ctx.tx
    assert tx is not None
    after = request.get("NextToken")
    found, token = store.page(tx, ORIGINATION, ctx.account, ctx.region, after, limit=_limit(request, 30))
    numbers = [{**e, "CreatedAt": datetime.fromtimestamp(e["CreatedAt"], UTC)} for e in found]
    return store.listing("PhoneNumbers", numbers, token)
