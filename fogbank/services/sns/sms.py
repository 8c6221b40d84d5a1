"""SMS: messages published to phone numbers (directly or through sms subscriptions) are recorded, not sent,
and read back at GET /_fogbank/sns/sms; the account's SMS attributes and opted-out numbers are stored state
(the SMS sandbox: sms_sandbox.py).

A number is opted out by POST /_fogbank/sns/sms/opt-out {"phoneNumber": ..., "account": ...} (in AWS, the
recipient replies STOP); OptInPhoneNumber opts it back in. Nothing is recorded for an opted-out number.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.sns import service, store
from fogbank.services.sns.publish import Outgoing
from fogbank.state import Transaction

__all__ = ["publish_to_phone", "record", "keep", "MESSAGE", "OPTED_OUT", "E164"]

MESSAGE = "sms-message"
OPTED_OUT = "sms-opted-out"
ATTRIBUTES = "sms-attributes"
E164 = re.compile(r"^\+?[1-9]\d{1,14}$")
_SMS_ATTRIBUTES = frozenset(
    {
        "MonthlySpendLimit",
        "DeliveryStatusIAMRole",
        "DeliveryStatusSuccessSamplingRate",
        "DefaultSenderID",
        "DefaultSMSType",
        "UsageReportS3Bucket",
    }
)


def _normal(phone: str) -> str:
    return re.sub(r"[\s()-]", "", phone)


def record(
    tx: Transaction,
    now: datetime,
    account: str,
    region: str,
    phone: str,
    text: str,
    message_id: str,
    **extra: Any,
) -> None:
    """Keep one SMS as sent, unless the number opted out or the account's SMS sandbox has not verified it."""
    from fogbank.services.sns import sms_sandbox

    number = _normal(phone)
    if tx.get_doc(store.SERVICE, OPTED_OUT, account, "", number.lstrip("+")) is not None:
        return
    if not sms_sandbox.may_deliver(tx, account, region, "+" + number.lstrip("+")):
        return
    keep(tx, now, account, region, number, text, message_id, **extra)


def keep(
    tx: Transaction,
    now: datetime,
    account: str,
    region: str,
    number: str,
    text: str,
    message_id: str,
    **extra: Any,
) -> None:
    """Keep one SMS as sent, where GET /_fogbank/sns/sms shows it."""
    doc = {
        "PhoneNumber": number,
        "Message": text,
        "MessageId": message_id,
        "Timestamp": now.isoformat(),
        "Region": region,
        **extra,
    }
    tx.put_doc(
        store.SERVICE, MESSAGE, account, region, f"{int(now.timestamp() * 1e6):020d}-{message_id}", doc
    )


def publish_to_phone(
    tx: Transaction, now: datetime, account: str, region: str, phone: str, out: Outgoing
) -> None:
    if not E164.match(_normal(phone)):
        raise store.invalid(f"PhoneNumber Reason: {phone} is not valid to publish to")
    attributes = {name: value.get("StringValue") for name, value in out.attributes.items()}
    record(tx, now, account, region, phone, out.text_for("sms"), out.message_id, MessageAttributes=attributes)


@service.handler("SetSMSAttributes")
def set_sms_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    given = request["attributes"]
    for name, value in given.items():
        if name not in _SMS_ATTRIBUTES:
            raise store.invalid(f"{name} is not a valid attribute")
        if name == "DefaultSMSType" and value not in ("Promotional", "Transactional"):
            raise store.invalid("DefaultSMSType Reason: must be Promotional or Transactional")
    current = tx.get_doc(store.SERVICE, ATTRIBUTES, ctx.account, ctx.region, "attributes") or {}
    current.update(given)
    tx.put_doc(store.SERVICE, ATTRIBUTES, ctx.account, ctx.region, "attributes", current)
    return {}


@service.handler("GetSMSAttributes")
def get_sms_attributes(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = ctx.tx
    assert tx is not None
    current = tx.get_doc(store.SERVICE, ATTRIBUTES, ctx.account, ctx.region, "attributes") or {}
    wanted = request.get("attributes")
    if wanted:
        current = {k: v for k, v in current.items() if k in wanted}
    return {"attributes": current}


def _check_number(phone: str) -> str:
    number = _normal(phone)
    if not E164.match(number):
        raise store.invalid("phoneNumber Reason: input incorrectly formatted")
    return number.lstrip("+")


@service.handler("CheckIfPhoneNumberIsOptedOut")
def check_opted_out(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    number = _check_number(request["phoneNumber"])
    return {"isOptedOut": ctx.tx.get_doc(store.SERVICE, OPTED_OUT, ctx.account, "", number) is not None}


@service.handler("ListPhoneNumbersOptedOut")
def list_opted_out(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    numbers, token = store.page(ctx.tx, OPTED_OUT, ctx.account, "", request.get("nextToken"))
    return store.listing("phoneNumbers", [doc["PhoneNumber"] for doc in numbers], token, "nextToken")


@service.handler("OptInPhoneNumber")
def opt_in(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    number = _check_number(request["phoneNumber"])
    ctx.tx.delete_doc(store.SERVICE, OPTED_OUT, ctx.account, "", number)
    return {}


def opt_out(tx: Transaction, account: str, phone: str) -> None:
    number = _normal(phone)
    if not E164.match(number):
        raise ServiceError("InvalidParameter", "Invalid parameter: phoneNumber", 400)
    tx.put_doc(
        store.SERVICE, OPTED_OUT, account, "", number.lstrip("+"), {"PhoneNumber": "+" + number.lstrip("+")}
    )
