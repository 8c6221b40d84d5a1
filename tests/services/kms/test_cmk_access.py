"""The curriculum's CMK access example: three keys, four users, twelve outcomes.

CMK-A's key policy delegates to IAM (it names the account root); CMK-B's names Bob and Charlie only;
CMK-C's delegates to IAM, denies Bob, Charlie and David, and gives Alice full access. Alice's IAM policy
covers CMK-A and CMK-B, Bob has none, Charlie's allows kms:Encrypt on CMK-A, David's covers CMK-B and
CMK-C.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer

KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
USERS = ("Alice", "Bob", "Charlie", "David")

# (user, key) -> (may Encrypt, may Decrypt), as the curriculum lists them.
OUTCOMES = {
    ("Alice", "A"): (True, True),
    ("Alice", "B"): (False, False),
    ("Alice", "C"): (True, True),
    ("Bob", "A"): (False, False),
    ("Bob", "B"): (True, True),
    ("Bob", "C"): (False, False),
    ("Charlie", "A"): (True, False),
    ("Charlie", "B"): (True, True),
    ("Charlie", "C"): (False, False),
    ("David", "A"): (False, False),
    ("David", "B"): (False, False),
    ("David", "C"): (False, False),
}


def _statement(effect: str, principals: list[str], actions: Any, sid: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": effect,
        "Principal": {"AWS": principals},
        "Action": actions,
        "Resource": "*",
    }


class Example:
    """The account, its users' KMS clients, its three keys and a ciphertext made under each."""

    def __init__(self, server: FogbankServer) -> None:
        self.account = account = new_account()
        self.root = client_for(server, "kms", account, "x")
        iam = client_for(server, "iam", account, "x")
        for name in USERS:
            iam.create_user(UserName=name)
        user = {name: f"arn:aws:iam::{account}:user/{name}" for name in USERS}
        root = f"arn:aws:iam::{account}:root"
        self.keys = {
            "A": self._key(None),
            "B": self._key(
                policy(_statement("Allow", [user["Bob"], user["Charlie"]], "kms:*", "BobAndCharlie"))
            ),
            "C": self._key(
                policy(
                    _statement("Allow", [root], "kms:*", "EnableIAMUserPermissions"),
                    _statement("Deny", [user["Bob"], user["Charlie"], user["David"]], "kms:*", "DenyThree"),
                    _statement("Allow", [user["Alice"]], "kms:*", "AliceFullAccess"),
                )
            ),
        }
        arn = {name: key["Arn"] for name, key in self.keys.items()}
        inline = {
            "Alice": {
                "kms": policy({"Effect": "Allow", "Action": "kms:*", "Resource": [arn["A"], arn["B"]]})
            },
            "Bob": {},
            "Charlie": {"kms": policy({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": arn["A"]})},
            "David": {
                "kms": policy({"Effect": "Allow", "Action": "kms:*", "Resource": [arn["B"], arn["C"]]})
            },
        }
        self.clients = {}
        for name in USERS:
            for policy_name, document in inline[name].items():
                iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            self.clients[name] = client_for(server, "kms", key["AccessKeyId"], key["SecretAccessKey"])
        # A ciphertext under each key, made by someone the key lets encrypt.
        makers = {"A": self.root, "B": self.clients["Bob"], "C": self.clients["Alice"]}
        self.ciphertexts = {
            name: makers[name].encrypt(KeyId=key["Arn"], Plaintext=b"secret " + name.encode())[
                "CiphertextBlob"
            ]
            for name, key in self.keys.items()
        }

    def _key(self, key_policy: str | None) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if key_policy is not None:
            # CMK-B does not let the account root (who creates it) manage it: only the bypass allows that.
            extra = {"Policy": key_policy, "BypassPolicyLockoutSafetyCheck": True}
        return self.root.create_key(Description="CMK access example", **extra)["KeyMetadata"]


@pytest.fixture(scope="module")
def example(server: FogbankServer) -> Example:
    return Example(server)


def _denied(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    return str(error["Message"])


@pytest.mark.parametrize(("user", "key"), sorted(OUTCOMES))
def test_cmk_access(example: Example, user: str, key: str) -> None:
    may_encrypt, may_decrypt = OUTCOMES[(user, key)]
    kms = example.clients[user]
    arn = example.keys[key]["Arn"]
    if may_encrypt:
        blob = kms.encrypt(KeyId=arn, Plaintext=b"hello")["CiphertextBlob"]
        assert blob
    else:
        message = _denied(kms.encrypt, KeyId=arn, Plaintext=b"hello")
        assert message.startswith(
            f"User: arn:aws:iam::{example.account}:user/{user} is not authorized to perform: kms:Encrypt "
            f"on resource: {arn} "
        )
    if may_decrypt:
        # Decrypt names no key: the ciphertext says which key it needs.
        plaintext = kms.decrypt(CiphertextBlob=example.ciphertexts[key])["Plaintext"]
        assert plaintext == b"secret " + key.encode()
    else:
        message = _denied(kms.decrypt, CiphertextBlob=example.ciphertexts[key])
        assert f"kms:Decrypt on resource: {arn} " in message


def test_denials_say_which_policy_was_missing(example: Example) -> None:
    arn = {name: key["Arn"] for name, key in example.keys.items()}
    # CMK-B does not delegate to IAM: Alice's IAM policy does not count.
    assert _denied(example.clients["Alice"].encrypt, KeyId=arn["B"], Plaintext=b"x").endswith(
        "because no resource-based policy allows the kms:Encrypt action"
    )
    # CMK-A delegates to IAM, and Bob's IAM policies allow nothing.
    assert _denied(example.clients["Bob"].encrypt, KeyId=arn["A"], Plaintext=b"x").endswith(
        "because no identity-based policy allows the kms:Encrypt action"
    )
    # CMK-C denies David outright, whatever his IAM policy says.
    assert _denied(example.clients["David"].encrypt, KeyId=arn["C"], Plaintext=b"x").endswith(
        "with an explicit deny in a resource-based policy"
    )


def test_charlie_encrypts_but_cannot_decrypt_under_cmk_a(example: Example) -> None:
    charlie = example.clients["Charlie"]
    blob = charlie.encrypt(KeyId=example.keys["A"]["Arn"], Plaintext=b"one way")["CiphertextBlob"]
    assert example.root.decrypt(CiphertextBlob=blob)["Plaintext"] == b"one way"
    _denied(charlie.decrypt, CiphertextBlob=blob)


def test_a_key_policy_without_the_account_binds_its_root_user(example: Example) -> None:
    """In KMS even the account's root user needs the key policy: CMK-B does not name the account."""
    arn = example.keys["B"]["Arn"]
    message = _denied(example.root.describe_key, KeyId=arn)
    assert message == (
        f"User: arn:aws:iam::{example.account}:root is not authorized to perform: kms:DescribeKey on "
        f"resource: {arn} because no resource-based policy allows the kms:DescribeKey action"
    )
    # Bob, whom the key policy names, still manages it.
    assert json.loads(example.clients["Bob"].get_key_policy(KeyId=arn)["Policy"])["Statement"][0]["Sid"] == (
        "BobAndCharlie"
    )


def test_another_account_needs_the_key_policy_and_its_own_iam_policy(server: FogbankServer) -> None:
    owner, other = new_account(), new_account()
    owner_kms = client_for(server, "kms", owner, "x")
    shared = policy(
        _statement("Allow", [f"arn:aws:iam::{owner}:root"], "kms:*", "Owner"),
        _statement("Allow", [f"arn:aws:iam::{other}:root"], ["kms:Encrypt", "kms:Decrypt"], "OtherAccount"),
    )
    arn = owner_kms.create_key(Policy=shared)["KeyMetadata"]["Arn"]
    private = owner_kms.create_key()["KeyMetadata"]["Arn"]
    allowed = policy(
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": [arn, private]}
    )
    user, _ = user_with_policies(server, other, "Erin", inline={"kms": allowed})
    bare, _ = user_with_policies(server, other, "Frank")
    erin = user("kms")

    blob = erin.encrypt(KeyId=arn, Plaintext=b"across")["CiphertextBlob"]
    assert erin.decrypt(CiphertextBlob=blob)["Plaintext"] == b"across"
    assert owner_kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"across"
    # Without an IAM policy in his own account, the key policy's grant to that account is not enough.
    assert _denied(bare("kms").encrypt, KeyId=arn, Plaintext=b"x").endswith(
        "because no identity-based policy allows the kms:Encrypt action"
    )
    # A key whose policy does not name the other account is closed to it, whatever IAM there says.
    assert _denied(erin.encrypt, KeyId=private, Plaintext=b"x").endswith(
        "because no resource-based policy allows the kms:Encrypt action"
    )


def test_a_first_use_of_an_aws_managed_key_is_judged_by_its_key_policy(server: FogbankServer) -> None:
    account = new_account()
    everything = policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})
    user, _ = user_with_policies(server, account, "Grace", inline={"kms": everything})
    kms = user("kms")
    # The managed key's policy allows use only through its service, even on the call that makes it.
    message = _denied(kms.encrypt, KeyId="alias/aws/sqs", Plaintext=b"x")
    assert message.endswith("because no resource-based policy allows the kms:Encrypt action")
    # Metadata is the account's: the first DescribeKey makes the key the denial named.
    arn = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]["Arn"]
    assert f"on resource: {arn} " in message
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyManager"] == "AWS"
