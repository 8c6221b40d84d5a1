"""AssumeRole through boto3: trust policies, cross-account roles, durations, chaining, MFA, tags, session
policies, and the credentials a session gets."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from botocore.config import Config
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


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_root_assumes_a_role_its_account_trusts(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    created = role(iam, trust({"AWS": f"arn:aws:iam::{account}:root"}))
    before = datetime.now(UTC)
    answer = account_client(client, account, "sts").assume_role(
        RoleArn=created["Arn"], RoleSessionName="alice"
    )
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    assert len(credentials["SessionToken"]) > 100
    assert "PackedPolicySize" not in answer
    expected = before + timedelta(seconds=3600)
    assert abs(credentials["Expiration"] - expected) < timedelta(seconds=60)
    assumed = answer["AssumedRoleUser"]
    assert assumed["AssumedRoleId"] == f"{created['RoleId']}:alice"
    assert assumed["Arn"] == f"arn:aws:sts::{account}:assumed-role/{created['RoleName']}/alice"
    identity = session_client(client, credentials, "sts").get_caller_identity()
    assert identity["Arn"] == assumed["Arn"]
    assert identity["UserId"] == assumed["AssumedRoleId"]
    assert identity["Account"] == account
    last_used = iam.get_role(RoleName=created["RoleName"])["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "us-east-1" and "LastUsedDate" in last_used


def test_trust_policy_that_does_not_name_the_caller_denies(client: Any) -> None:
    account = new_account()
    created = role(account_client(client, account, "iam"), trust({"Service": "ec2.amazonaws.com"}))
    with pytest.raises(ClientError) as denied:
        account_client(client, account, "sts").assume_role(RoleArn=created["Arn"], RoleSessionName="s1")
    code, message, status = _error(denied)
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(
        f"User: arn:aws:iam::{account}:root is not authorized to perform: sts:AssumeRole on resource: "
        f"{created['Arn']}"
    )


def test_missing_role_is_access_denied_not_no_such_entity(client: Any) -> None:
    account = new_account()
    arn = f"arn:aws:iam::{account}:role/nobody-here"
    with pytest.raises(ClientError) as denied:
        account_client(client, account, "sts").assume_role(RoleArn=arn, RoleSessionName="s1")
    assert _error(denied)[0] == "AccessDenied"


def test_cross_account_role(client: Any) -> None:
    owner, visitor = new_account(), new_account()
    created = role(account_client(client, owner, "iam"), trust({"AWS": visitor}))
    answer = account_client(client, visitor, "sts").assume_role(
        RoleArn=created["Arn"], RoleSessionName="guest"
    )
    identity = session_client(client, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Account"] == owner
    assert identity["Arn"] == f"arn:aws:sts::{owner}:assumed-role/{created['RoleName']}/guest"
    with pytest.raises(ClientError) as denied:
        account_client(client, new_account(), "sts").assume_role(RoleArn=created["Arn"], RoleSessionName="x1")
    assert _error(denied)[0] == "AccessDenied"


def test_duration_is_bounded_by_the_roles_maximum(client: Any) -> None:
    account = new_account()
    created = role(account_client(client, account, "iam"), trust({"AWS": account}), MaxSessionDuration=7200)
    sts = account_client(client, account, "sts")
    answer = sts.assume_role(RoleArn=created["Arn"], RoleSessionName="long", DurationSeconds=7200)
    lifetime = answer["Credentials"]["Expiration"] - datetime.now(UTC)
    assert timedelta(seconds=7100) < lifetime <= timedelta(seconds=7200)
    with pytest.raises(ClientError) as too_long:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="long", DurationSeconds=7201)
    assert _error(too_long) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        400,
    )
    unchecked = account_client(client, account, "sts", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as too_short:
        unchecked.assume_role(RoleArn=created["Arn"], RoleSessionName="short", DurationSeconds=899)
    assert _error(too_short)[0] == "ValidationError"


def test_session_name_must_match_awss_pattern(client: Any) -> None:
    account = new_account()
    created = role(account_client(client, account, "iam"), trust({"AWS": account}))
    with pytest.raises(ClientError) as invalid:
        account_client(client, account, "sts").assume_role(
            RoleArn=created["Arn"], RoleSessionName="no spaces"
        )
    assert _error(invalid)[0] == "ValidationError"


def test_role_chaining_is_limited_to_one_hour(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    second = role(iam, trust({"AWS": account}), MaxSessionDuration=43200)
    first = role(iam, trust({"AWS": account}))
    iam.put_role_policy(
        RoleName=first["RoleName"],
        PolicyName="chain",
        PolicyDocument=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": second["Arn"]}),
    )
    outer = account_client(client, account, "sts").assume_role(RoleArn=first["Arn"], RoleSessionName="one")
    sts = session_client(client, outer["Credentials"], "sts")
    with pytest.raises(ClientError) as too_long:
        sts.assume_role(RoleArn=second["Arn"], RoleSessionName="two", DurationSeconds=7200)
    assert _error(too_long) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        400,
    )
    inner = sts.assume_role(RoleArn=second["Arn"], RoleSessionName="two")
    assert inner["AssumedRoleUser"]["Arn"].endswith(f"/{second['RoleName']}/two")


def test_iam_user_needs_an_identity_policy_when_the_trust_names_the_account(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    created = role(iam, trust({"AWS": f"arn:aws:iam::{account}:root"}))
    name = unique("user")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="u1")
    assert _error(denied)[0] == "AccessDenied"
    iam.put_user_policy(
        UserName=name,
        PolicyName="assume",
        PolicyDocument=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": created["Arn"]}),
    )
    answer = sts.assume_role(RoleArn=created["Arn"], RoleSessionName="u1")
    assert answer["AssumedRoleUser"]["Arn"].endswith("/u1")


def test_identity_policy_alone_does_not_open_a_role_whose_trust_excludes_the_user(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    created = role(iam, trust({"Service": "lambda.amazonaws.com"}))
    name = unique("user")
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="everything",
        PolicyDocument=policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="u1")
    assert _error(denied)[0] == "AccessDenied"


def test_external_id_condition(client: Any) -> None:
    account = new_account()
    condition = {"StringEquals": {"sts:ExternalId": "secret-handshake"}}
    created = role(account_client(client, account, "iam"), trust({"AWS": account}, Condition=condition))
    sts = account_client(client, account, "sts")
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="vendor")
    assert _error(denied)[0] == "AccessDenied"
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="vendor", ExternalId="wrong-one")
    answer = sts.assume_role(RoleArn=created["Arn"], RoleSessionName="vendor", ExternalId="secret-handshake")
    assert answer["AssumedRoleUser"]["Arn"].endswith("/vendor")


def test_session_tags_need_tag_session_in_the_trust_policy(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    sts = account_client(client, account, "sts")
    plain = role(iam, trust({"AWS": account}))
    tags = [{"Key": "team", "Value": "blue"}]
    with pytest.raises(ClientError) as denied:
        sts.assume_role(RoleArn=plain["Arn"], RoleSessionName="tagged", Tags=tags)
    assert "sts:TagSession" in _error(denied)[1]
    taggable = role(iam, trust({"AWS": account}, action=["sts:AssumeRole", "sts:TagSession"]))
    answer = sts.assume_role(
        RoleArn=taggable["Arn"], RoleSessionName="tagged", Tags=tags, TransitiveTagKeys=["team"]
    )
    assert answer["PackedPolicySize"] > 0


def test_session_policy_limits_the_session(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    created = role(iam, trust({"AWS": account}))
    iam.put_role_policy(
        RoleName=created["RoleName"],
        PolicyName="all-iam",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}),
    )
    only_users = policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    answer = account_client(client, account, "sts").assume_role(
        RoleArn=created["Arn"], RoleSessionName="narrow", Policy=only_users
    )
    assert 0 < answer["PackedPolicySize"] <= 100
    session_iam = session_client(client, answer["Credentials"], "iam")
    session_iam.list_users()
    with pytest.raises(ClientError) as denied:
        session_iam.list_roles()
    assert _error(denied)[0] == "AccessDenied"


def test_session_policy_errors(client: Any) -> None:
    account = new_account()
    created = role(account_client(client, account, "iam"), trust({"AWS": account}))
    sts = account_client(client, account, "sts")
    with pytest.raises(ClientError) as malformed:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="bad", Policy='{"Statement": "nope"}')
    assert _error(malformed)[0] == "MalformedPolicyDocument"
    many = [{"Key": f"key-{i:02}", "Value": "v" * 40} for i in range(50)]
    large = role(
        account_client(client, account, "iam"), trust({"AWS": account}, ["sts:AssumeRole", "sts:TagSession"])
    )
    with pytest.raises(ClientError) as too_large:
        sts.assume_role(RoleArn=large["Arn"], RoleSessionName="big", Tags=many)
    code, message, status = _error(too_large)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert "% of allotted space" in message
    with pytest.raises(ClientError) as invalid_arn:
        sts.assume_role(RoleArn=f"arn:aws:iam::{account}:user/not-a-role", RoleSessionName="bad")
    assert _error(invalid_arn)[0] == "ValidationError"


def _user_with_mfa(client: Any, account: str, iam: Any) -> tuple[Any, str, pyotp.TOTP]:
    name = unique("user")
    iam.create_user(UserName=name)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    return sts, device["SerialNumber"], totp


def test_mfa_protected_role(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    condition = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    created = role(iam, trust({"AWS": f"arn:aws:iam::{account}:root"}, Condition=condition))
    sts, serial, totp = _user_with_mfa(client, account, iam)
    iam.put_user_policy(
        UserName=iam.list_users()["Users"][0]["UserName"],
        PolicyName="assume",
        PolicyDocument=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
    )
    with pytest.raises(ClientError) as without:
        sts.assume_role(RoleArn=created["Arn"], RoleSessionName="mfa")
    assert _error(without)[0] == "AccessDenied"
    with pytest.raises(ClientError) as wrong:
        sts.assume_role(
            RoleArn=created["Arn"], RoleSessionName="mfa", SerialNumber=serial, TokenCode="000000"
        )
    assert _error(wrong) == (
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        403,
    )
    # The code enabling the device was used up; the next time step's code is still within the drift allowed.
    answer = sts.assume_role(
        RoleArn=created["Arn"],
        RoleSessionName="mfa",
        SerialNumber=serial,
        TokenCode=totp.at(time.time() + 30),
    )
    assert answer["AssumedRoleUser"]["Arn"].endswith("/mfa")


def test_transitive_tags_follow_a_role_chain(client: Any) -> None:
    account = new_account()
    iam = account_client(client, account, "iam")
    blue_only = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
    blue = role(iam, trust({"AWS": account}, Condition=blue_only))
    entry = role(iam, trust({"AWS": account}, action=["sts:AssumeRole", "sts:TagSession"]))
    for created in (entry, blue):
        iam.put_role_policy(
            RoleName=created["RoleName"],
            PolicyName="chain",
            PolicyDocument=policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": blue["Arn"]}),
        )
    sts = account_client(client, account, "sts")
    tags = [{"Key": "team", "Value": "blue"}]
    untagged = sts.assume_role(RoleArn=entry["Arn"], RoleSessionName="none")
    with pytest.raises(ClientError) as denied:
        session_client(client, untagged["Credentials"], "sts").assume_role(
            RoleArn=blue["Arn"], RoleSessionName="x1"
        )
    assert _error(denied)[0] == "AccessDenied"

    def hops(transitive: list[str]) -> Any:
        """entry (tagged) -> blue -> blue again; the last hop needs the tag to have been passed on."""
        first = sts.assume_role(
            RoleArn=entry["Arn"], RoleSessionName="first", Tags=tags, TransitiveTagKeys=transitive
        )
        second = session_client(client, first["Credentials"], "sts").assume_role(
            RoleArn=blue["Arn"], RoleSessionName="second"
        )
        return session_client(client, second["Credentials"], "sts").assume_role(
            RoleArn=blue["Arn"], RoleSessionName="third"
        )

    assert hops(["team"])["AssumedRoleUser"]["Arn"].endswith(f"/{blue['RoleName']}/third")
    with pytest.raises(ClientError) as not_carried:
        hops([])
    assert _error(not_carried)[0] == "AccessDenied"
