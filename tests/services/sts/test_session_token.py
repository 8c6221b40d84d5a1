"""GetSessionToken, GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage through boto3."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.services.sts.helpers import (
    account_client,
    new_account,
    policy,
    role,
    session_client,
    trust,
    unique,
)


def _user(client: Any, account: str, *statements: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    iam = account_client(client, account, "iam")
    name = unique("user")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
    return name, iam.create_access_key(UserName=name)["AccessKey"]


def _keyed(client: Any, key: dict[str, Any], service: str) -> Any:
    return client(service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_user_session_token_is_the_user_for_twelve_hours(client: Any) -> None:
    account = new_account()
    name, key = _user(client, account)
    credentials = _keyed(client, key, "sts").get_session_token()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    lifetime = credentials["Expiration"] - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    identity = session_client(client, credentials, "sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{account}:user/{name}"
    assert identity["Account"] == account


def test_root_session_token_lasts_an_hour_at_most(client: Any) -> None:
    account = new_account()
    answer = account_client(client, account, "sts").get_session_token(DurationSeconds=129600)
    lifetime = answer["Credentials"]["Expiration"] - datetime.now(UTC)
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    identity = session_client(client, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{account}:root"


def test_session_credentials_cannot_get_session_tokens(client: Any) -> None:
    account = new_account()
    created = role(account_client(client, account, "iam"), trust({"AWS": account}))
    assumed = account_client(client, account, "sts").assume_role(RoleArn=created["Arn"], RoleSessionName="s1")
    sts = session_client(client, assumed["Credentials"], "sts")
    with pytest.raises(ClientError) as denied:
        sts.get_session_token()
    assert _code(denied) == "AccessDenied"
    assert denied.value.response["Error"]["Message"] == "Cannot call GetSessionToken with session credentials"


def test_mfa_session_satisfies_multi_factor_conditions(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    mfa_only = {
        "Effect": "Allow",
        "Action": "iam:ListUsers",
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }
    name, key = _user(client, account, mfa_only)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    with pytest.raises(ClientError) as without_mfa:
        _keyed(client, key, "iam").list_users()
    assert _code(without_mfa) == "AccessDenied"
    sts = _keyed(client, key, "sts")
    with pytest.raises(ClientError) as wrong:
        sts.get_session_token(SerialNumber=device["SerialNumber"], TokenCode="123456")
    assert _code(wrong) == "AccessDenied"
    credentials = sts.get_session_token(
        SerialNumber=device["SerialNumber"], TokenCode=totp.at(time.time() + 30)
    )["Credentials"]
    users = session_client(client, credentials, "iam").list_users()["Users"]
    assert name in [user["UserName"] for user in users]


def test_federation_token_has_only_the_permissions_passed(client: Any) -> None:
    account = new_account()
    _, key = _user(client, account, {"Effect": "Allow", "Action": ["iam:*", "sts:*"], "Resource": "*"})
    sts = _keyed(client, key, "sts")
    narrowed = sts.get_federation_token(
        Name="Bob", Policy=policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    )
    federated = narrowed["FederatedUser"]
    assert federated["Arn"] == f"arn:aws:sts::{account}:federated-user/Bob"
    assert federated["FederatedUserId"] == f"{account}:Bob"
    assert narrowed["PackedPolicySize"] > 0
    identity = session_client(client, narrowed["Credentials"], "sts").get_caller_identity()
    assert identity["Arn"] == federated["Arn"]
    federated_iam = session_client(client, narrowed["Credentials"], "iam")
    federated_iam.list_users()
    with pytest.raises(ClientError) as outside:
        federated_iam.list_roles()
    assert _code(outside) == "AccessDenied"
    bare = sts.get_federation_token(Name="Nobody")
    with pytest.raises(ClientError) as nothing:
        session_client(client, bare["Credentials"], "iam").list_users()
    assert _code(nothing) == "AccessDenied"


def test_access_key_info(client: Any) -> None:
    account = new_account()
    _, key = _user(client, account)
    sts = client("sts")
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == account
    session = _keyed(client, key, "sts").get_session_token()["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=session["AccessKeyId"])["Account"] == account
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "000000000000"


def test_decode_authorization_message_of_an_ec2_denial(client: Any) -> None:
    account = new_account()
    _, key = _user(client, account)
    with pytest.raises(ClientError) as denied:
        _keyed(client, key, "ec2").describe_instances()
    message = denied.value.response["Error"]["Message"]
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    encoded = message.rsplit("Encoded authorization failure message: ", 1)[1]
    decoded = client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    assert json.loads(decoded)
    assert "ec2:DescribeInstances" in decoded
    with pytest.raises(ClientError) as invalid:
        client("sts").decode_authorization_message(EncodedMessage=encoded[:-8] + "AAAAAAAA")
    assert _code(invalid) == "InvalidAuthorizationMessageException"
