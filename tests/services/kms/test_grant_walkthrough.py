"""The curriculum's grant walkthrough: Alice, a user of alias/DemoKey, grants Bob Encrypt and Decrypt.

Bob has no IAM policy and the key policy does not name him, so he is denied; after Alice's CreateGrant he
encrypts with the grant token, and decrypts what he encrypted.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer


def _demo_key_policy(account: str) -> str:
    alice = f"arn:aws:iam::{account}:user/Alice"
    return policy(
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "Allow use of the key",
            "Effect": "Allow",
            "Principal": {"AWS": [alice]},
            "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            "Resource": "*",
        },
        {
            "Sid": "Allow grants",
            "Effect": "Allow",
            "Principal": {"AWS": [alice]},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
        },
    )


def test_grant_walkthrough(server: FogbankServer) -> None:
    account = new_account()
    alice_client, _ = user_with_policies(server, account, "Alice")
    bob_client, _ = user_with_policies(server, account, "Bob")
    root = client_for(server, "kms", account, "x")
    key = root.create_key(Policy=_demo_key_policy(account), Description="DemoKey")["KeyMetadata"]
    root.create_alias(AliasName="alias/DemoKey", TargetKeyId=key["KeyId"])
    alice, bob = alice_client("kms"), bob_client("kms")

    # Bob may not use the key: the error names the key the alias points to.
    with pytest.raises(ClientError) as caught:
        bob.encrypt(Plaintext=b"CloudAcademy", KeyId="alias/DemoKey")
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"] == (
        f"User: arn:aws:iam::{account}:user/Bob is not authorized to perform: kms:Encrypt on resource: "
        f"{key['Arn']} because no identity-based policy allows the kms:Encrypt action"
    )

    # Alice may.
    assert alice.encrypt(Plaintext=b"CloudAcademy", KeyId="alias/DemoKey")["KeyId"] == key["Arn"]

    grant = alice.create_grant(
        KeyId=key["Arn"],
        GranteePrincipal=f"arn:aws:iam::{account}:user/Bob",
        Operations=["Encrypt", "Decrypt"],
    )
    assert len(grant["GrantId"]) == 64 and grant["GrantToken"]

    encrypted = bob.encrypt(Plaintext=b"Friday", KeyId=key["Arn"], GrantTokens=[grant["GrantToken"]])
    assert encrypted["KeyId"] == key["Arn"]
    decrypted = bob.decrypt(CiphertextBlob=encrypted["CiphertextBlob"], GrantTokens=[grant["GrantToken"]])
    assert decrypted["Plaintext"] == b"Friday"
    # The grant holds through the alias too, and for nothing but its operations.
    bob.encrypt(Plaintext=b"Saturday", KeyId="alias/DemoKey")
    _assert_denied(bob.describe_key, KeyId=key["Arn"])

    # Once Alice revokes it, Bob is back where he started.
    alice.revoke_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
    _assert_denied(bob.decrypt, CiphertextBlob=encrypted["CiphertextBlob"])


def _assert_denied(call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
