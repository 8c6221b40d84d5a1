"""Key policies: the default policy, Get/Put/ListKeyPolicies, validation and the lockout check."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def _error(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return dict(caught.value.response["Error"])


def _root_delegation(account: str) -> dict[str, Any]:
    return {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


@pytest.fixture
def root(server: FogbankServer) -> tuple[str, Any]:
    account = new_account()
    return account, client_for(server, "kms", account, "x")


def test_default_key_policy_delegates_to_the_account(root: tuple[str, Any]) -> None:
    account, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    answer = kms.get_key_policy(KeyId=key, PolicyName="default")
    assert answer["PolicyName"] == "default"
    document = json.loads(answer["Policy"])
    assert document["Statement"] == [_root_delegation(account)]
    assert kms.list_key_policies(KeyId=key)["PolicyNames"] == ["default"]
    assert kms.get_key_policy(KeyId=key)["Policy"] == answer["Policy"]


def test_only_the_default_policy_exists(root: tuple[str, Any]) -> None:
    _, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert _error(kms.get_key_policy, KeyId=key, PolicyName="other")["Code"] == "NotFoundException"
    text = policy(_root_delegation(root[0]))
    assert (
        _error(kms.put_key_policy, KeyId=key, PolicyName="other", Policy=text)["Code"] == "NotFoundException"
    )


def test_put_key_policy_keeps_the_text_as_given(root: tuple[str, Any]) -> None:
    account, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    text = json.dumps(
        {"Version": "2012-10-17", "Id": "mine", "Statement": [_root_delegation(account)]}, indent=4
    )
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=text)
    assert kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"] == text


def test_put_key_policy_refuses_an_invalid_policy(root: tuple[str, Any]) -> None:
    _, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    error = _error(kms.put_key_policy, KeyId=key, PolicyName="default", Policy="{not json")
    assert error["Code"] == "MalformedPolicyDocumentException"
    assert error["Message"]
    statement = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}  # a key policy needs a Principal
    error = _error(kms.put_key_policy, KeyId=key, PolicyName="default", Policy=policy(statement))
    assert error["Code"] == "MalformedPolicyDocumentException"


def test_put_key_policy_refuses_more_than_32_kb(root: tuple[str, Any]) -> None:
    account, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    statements = [{**_root_delegation(account), "Sid": f"S{i}"} for i in range(300)]
    text = policy(*statements)
    assert len(text) > 32768
    assert _error(kms.put_key_policy, KeyId=key, Policy=text)["Code"] == "LimitExceededException"


def test_create_key_checks_the_policy_even_when_bypassing_the_lockout_check(root: tuple[str, Any]) -> None:
    account, kms = root
    statement = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}  # a key policy needs a Principal
    error = _error(kms.create_key, Policy=policy(statement), BypassPolicyLockoutSafetyCheck=True)
    assert error["Code"] == "MalformedPolicyDocumentException"
    statements = [{**_root_delegation(account), "Sid": f"S{i}"} for i in range(300)]
    text = policy(*statements)
    assert len(text) > 33 * 1024
    error = _error(kms.create_key, Policy=text, BypassPolicyLockoutSafetyCheck=True)
    assert error["Code"] == "LimitExceededException"
    assert kms.list_keys()["Keys"] == []


def test_lockout_check_and_its_bypass(server: FogbankServer) -> None:
    account = new_account()
    admin_client, _ = user_with_policies(
        server,
        account,
        "KeyAdmin",
        inline={"kms": policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})},
    )
    admin = admin_client("kms")
    key = admin.create_key()["KeyMetadata"]["KeyId"]
    other = f"arn:aws:iam::{account}:user/KeyAdmin2"
    client_for(server, "iam", account, "x").create_user(UserName="KeyAdmin2")
    locking = policy({"Effect": "Allow", "Principal": {"AWS": other}, "Action": "kms:*", "Resource": "*"})

    error = _error(admin.put_key_policy, KeyId=key, PolicyName="default", Policy=locking)
    assert error == {"Code": "MalformedPolicyDocumentException", "Message": LOCKOUT}
    error = _error(admin.create_key, Policy=locking)
    assert error == {"Code": "MalformedPolicyDocumentException", "Message": LOCKOUT}
    # A policy that names the caller, or delegates to the account, passes.
    me = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:user/KeyAdmin"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    admin.put_key_policy(KeyId=key, PolicyName="default", Policy=me)
    admin.put_key_policy(KeyId=key, PolicyName="default", Policy=policy(_root_delegation(account)))

    # Bypassing the check locks the caller out, as it warned.
    admin.put_key_policy(KeyId=key, PolicyName="default", Policy=locking, BypassPolicyLockoutSafetyCheck=True)
    denied = _error(admin.get_key_policy, KeyId=key, PolicyName="default")
    assert denied["Code"] == "AccessDeniedException"
    assert denied["Message"].endswith("because no resource-based policy allows the kms:GetKeyPolicy action")


def test_an_explicit_deny_of_put_key_policy_fails_the_lockout_check(root: tuple[str, Any]) -> None:
    account, kms = root
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:PutKeyPolicy",
        "Resource": "*",
    }
    error = _error(kms.put_key_policy, KeyId=key, Policy=policy(_root_delegation(account), deny))
    assert error["Message"] == LOCKOUT


def test_key_policy_operations_on_a_missing_key(root: tuple[str, Any]) -> None:
    _, kms = root
    missing = "00000000-0000-0000-0000-000000000000"
    assert _error(kms.get_key_policy, KeyId=missing, PolicyName="default")["Code"] == "NotFoundException"
    assert _error(kms.list_key_policies, KeyId=missing)["Code"] == "NotFoundException"
