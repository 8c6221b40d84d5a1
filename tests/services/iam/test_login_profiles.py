"""Console passwords and the account password policy through boto3."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_login_profile_lifecycle_with_default_rules(client: Any) -> None:
    iam = client("iam", aws_access_key_id="210000000001", aws_secret_access_key="x")
    name = "pw-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.create_login_profile(UserName=name, Password="short")
    assert _code(error) == "PasswordPolicyViolation"
    profile = iam.create_login_profile(UserName=name, Password="Correct-Horse-1", PasswordResetRequired=True)
    assert profile["LoginProfile"]["UserName"] == name
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as error:
        iam.create_login_profile(UserName=name, Password="Correct-Horse-1")
    assert _code(error) == "EntityAlreadyExists"
    iam.update_login_profile(UserName=name, PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    iam.delete_login_profile(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.get_login_profile(UserName=name)
    assert _code(error) == "NoSuchEntity"


def test_password_policy_rules_and_reuse(client: Any) -> None:
    iam = client("iam", aws_access_key_id="210000000002", aws_secret_access_key="x")
    with pytest.raises(ClientError) as error:
        iam.get_account_password_policy()
    assert _code(error) == "NoSuchEntity"
    iam.update_account_password_policy(
        MinimumPasswordLength=12,
        RequireSymbols=True,
        RequireNumbers=True,
        PasswordReusePrevention=2,
        MaxPasswordAge=90,
    )
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    assert policy["ExpirePasswords"] is True and policy["MaxPasswordAge"] == 90
    assert policy["AllowUsersToChangePassword"] is False
    name = "pw-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.create_login_profile(UserName=name, Password="short1!")
    assert _code(error) == "PasswordPolicyViolation"
    assert "minimum length of 12" in error.value.response["Error"]["Message"]
    iam.create_login_profile(UserName=name, Password="abcdefghijk1!")
    iam.update_login_profile(UserName=name, Password="abcdefghijk2!")
    with pytest.raises(ClientError) as error:
        iam.update_login_profile(UserName=name, Password="abcdefghijk1!")
    assert _code(error) == "PasswordPolicyViolation"
    with pytest.raises(ClientError) as error:
        iam.update_login_profile(UserName=name, Password="abcdefghijkl!")
    assert "at least one number" in error.value.response["Error"]["Message"]
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as error:
        iam.delete_account_password_policy()
    assert _code(error) == "NoSuchEntity"


def test_change_password_needs_the_old_one(client: Any) -> None:
    iam = client("iam")
    name = "pw-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Initial-Pass-1", PasswordResetRequired=True)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    own = client("iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    with pytest.raises(ClientError) as error:
        own.change_password(OldPassword="wrong-Pass-1", NewPassword="Second-Pass-2")
    assert _code(error) == "AccessDenied" and "entered password" in error.value.response["Error"]["Message"]
    own.change_password(OldPassword="Initial-Pass-1", NewPassword="Second-Pass-2")
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as error:
        client("iam").change_password(OldPassword="a", NewPassword="b")
    assert _code(error) == "InvalidUserType"
