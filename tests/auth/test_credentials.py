"""Access keys to principals: issued keys, default keys, strict mode, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.auth import authenticate
from fogbank.auth.credentials import Credential, Principal, resolve
from fogbank.errors import ServiceError
from tests.auth.auth_helpers import ACCESS_KEY, SECRET, USER, lookup, now, to_http


def test_issued_key_resolves_with_its_secret() -> None:
    credential = resolve(ACCESS_KEY, strict=False, lookup=lookup)
    assert credential.principal == USER and credential.secret_key == SECRET and credential.verified


@pytest.mark.parametrize(
    ("key", "account"),
    [("test", "000000000000"), ("AKIAANYTHING", "000000000000"), ("111122223333", "111122223333")],
)
def test_default_keys_are_root_and_unverified(key: str, account: str) -> None:
    credential = resolve(key, strict=False, lookup=lookup)
    assert credential.secret_key is None and not credential.verified
    assert credential.principal == Principal(
        account=account, arn=f"arn:aws:iam::{account}:root", user_id=account, kind="root", access_key=key
    )


@pytest.mark.parametrize(
    ("flavour", "code", "status", "message"),
    [
        (
            "s3",
            "InvalidAccessKeyId",
            403,
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        ("query", "InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        (
            "json",
            "UnrecognizedClientException",
            403,
            "The security token included in the request is invalid.",
        ),
        ("ec2", "AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
    ],
)
def test_strict_refuses_unknown_keys(flavour: str, code: str, status: int, message: str) -> None:
    with pytest.raises(ServiceError) as error:
        resolve("test", strict=True, lookup=lookup, flavour=flavour)  # type: ignore[arg-type]
    assert (error.value.code, error.value.status, error.value.message) == (code, status, message)


def test_no_key_is_anonymous() -> None:
    credential = resolve(None, strict=True, lookup=lookup)
    assert credential.principal.kind == "anonymous" and credential.principal.account == ""


def test_expired_session_credentials() -> None:
    session = Principal(
        account="123456789012",
        arn="arn:aws:sts::123456789012:assumed-role/r/s",
        user_id="AROAEXAMPLE:s",
        kind="assumed-role",
        access_key="ASIAEXAMPLE",
        role_arn="arn:aws:iam::123456789012:role/r",
        session_name="s",
        expires=now() + timedelta(hours=1),
    )
    keys = {"ASIAEXAMPLE": Credential(session, SECRET, "tok")}
    request = AWSRequest(method="POST", url="http://localhost:4566/", data=b"Action=GetCallerIdentity")
    SigV4Auth(Credentials("ASIAEXAMPLE", SECRET, "tok"), "sts", "us-east-1").add_auth(request)
    http = to_http(request)
    assert authenticate(http, now=now(), strict=True, lookup=keys.get).principal == session
    with pytest.raises(ServiceError) as error:
        authenticate(http, now=now() + timedelta(hours=2), skew_now=now(), strict=True, lookup=keys.get)
    assert error.value.code == "ExpiredToken"
