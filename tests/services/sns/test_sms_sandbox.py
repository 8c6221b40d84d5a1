"""The SMS sandbox (destination numbers verified by a one-time password) and origination numbers."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer


def _get(server: FogbankServer, path: str) -> Any:
    return json.loads(urllib.request.urlopen(server.endpoint + path, timeout=5).read())


def _post(server: FogbankServer, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        server.endpoint + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return json.loads(urllib.request.urlopen(request, timeout=5).read())


def _otp(server: FogbankServer, account: str, number: str) -> str:
    sent = _get(server, f"/_fogbank/sns/sms?account={account}")["messages"]
    return [m for m in sent if m["PhoneNumber"] == number and "OneTimePassword" in m][-1]["OneTimePassword"]


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_number_is_verified_with_the_one_time_password(
    server: FogbankServer, sns: Any, account: str
) -> None:
    number = "+15555550123"
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []
    sns.create_sms_sandbox_phone_number(PhoneNumber=number, LanguageCode="en-GB")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": number, "Status": "Pending"}
    ]
    code = _otp(server, account, number)
    assert len(code) == 6 and code.isdigit()

    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber=number, OneTimePassword=wrong)
    assert _error(excinfo) == ("VerificationException", 400)
    assert excinfo.value.response["Error"]["Status"] == "Failed"
    with pytest.raises(ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550999", OneTimePassword=code)
    assert _error(excinfo) == ("ResourceNotFound", 404)

    sns.verify_sms_sandbox_phone_number(PhoneNumber=number, OneTimePassword=code)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": number, "Status": "Verified"}
    ]
    sns.delete_sms_sandbox_phone_number(PhoneNumber=number)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []
    with pytest.raises(ClientError) as excinfo:
        sns.delete_sms_sandbox_phone_number(PhoneNumber=number)
    assert _error(excinfo) == ("ResourceNotFound", 404)


def test_sandbox_numbers_are_validated_limited_and_paged(sns: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        sns.create_sms_sandbox_phone_number(PhoneNumber="5555")
    assert _error(excinfo) == ("InvalidParameter", 400)
    numbers = [f"+1555555{n:04d}" for n in range(10)]
    for number in numbers:
        sns.create_sms_sandbox_phone_number(PhoneNumber=number)
    with pytest.raises(ClientError) as excinfo:
        sns.create_sms_sandbox_phone_number(PhoneNumber="+15555559999")
    assert _error(excinfo) == ("UserError", 400)
    first = sns.list_sms_sandbox_phone_numbers(MaxResults=4)
    rest = sns.list_sms_sandbox_phone_numbers(NextToken=first["NextToken"])
    assert [p["PhoneNumber"] for p in first["PhoneNumbers"] + rest["PhoneNumbers"]] == numbers
    assert "NextToken" not in rest


def test_an_opted_out_number_cannot_join_the_sandbox(server: FogbankServer, sns: Any, account: str) -> None:
    _post(server, "/_fogbank/sns/sms/opt-out", {"phoneNumber": "+15555550177", "account": account})
    with pytest.raises(ClientError) as excinfo:
        sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550177")
    assert _error(excinfo) == ("OptedOut", 400)


def test_in_the_sandbox_only_verified_numbers_get_sms(server: FogbankServer, sns: Any, account: str) -> None:
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False
    _post(server, "/_fogbank/sns/sms/sandbox", {"account": account, "inSandbox": True})
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is True
    verified, other = "+15555550150", "+15555550151"
    sns.create_sms_sandbox_phone_number(PhoneNumber=verified)
    sns.verify_sms_sandbox_phone_number(PhoneNumber=verified, OneTimePassword=_otp(server, account, verified))
    sns.publish(PhoneNumber=verified, Message="to the verified")
    sns.publish(PhoneNumber=other, Message="to a stranger")
    sent = [
        m
        for m in _get(server, f"/_fogbank/sns/sms?account={account}")["messages"]
        if "OneTimePassword" not in m
    ]
    assert [(m["PhoneNumber"], m["Message"]) for m in sent] == [(verified, "to the verified")]
    _post(server, "/_fogbank/sns/sms/sandbox", {"account": account, "inSandbox": False})
    sns.publish(PhoneNumber=other, Message="out of the sandbox")
    sent = _get(server, f"/_fogbank/sns/sms?account={account}")["messages"]
    assert sent[-1]["Message"] == "out of the sandbox"


def test_origination_numbers(server: FogbankServer, sns: Any, account: str) -> None:
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
    for n in range(3):
        _post(
            server,
            "/_fogbank/sns/sms/origination-numbers",
            {"phoneNumber": f"+1555555030{n}", "account": account, "routeType": "Promotional"},
        )
    first = sns.list_origination_numbers(MaxResults=2)
    assert [p["PhoneNumber"] for p in first["PhoneNumbers"]] == ["+15555550300", "+15555550301"]
    number = first["PhoneNumbers"][0]
    assert (number["Status"], number["Iso2CountryCode"], number["RouteType"]) == (
        "ACTIVE",
        "US",
        "Promotional",
    )
    assert number["NumberCapabilities"] == ["SMS"] and isinstance(number["CreatedAt"], datetime)
    rest = sns.list_origination_numbers(NextToken=first["NextToken"])
    assert [p["PhoneNumber"] for p in rest["PhoneNumbers"]] == ["+15555550302"]
    with pytest.raises(ClientError) as excinfo:
        sns.list_origination_numbers(MaxResults=31)
    assert _error(excinfo)[1] == 400
