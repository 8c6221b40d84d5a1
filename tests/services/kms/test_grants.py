"""Grants: CreateGrant's answers and checks, constraints, listing, retiring and revoking."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.policy import AuthzRequest, PolicySet, PrincipalContext, evaluate
from fogbank.services.kms.authz import grant_policy
from tests.scenarios.iam_helpers import client_for, new_account, user_with_policies
from tests.server import FogbankServer


class Account:
    """A private account: its root's KMS client, a symmetric key, and users with no IAM policies."""

    def __init__(self, server: FogbankServer) -> None:
        self.id = new_account()
        self.server = server
        self.root = client_for(server, "kms", self.id, "x")
        self.key = self.root.create_key()["KeyMetadata"]
        self.users: dict[str, Any] = {}

    def user(self, name: str) -> Any:
        if name not in self.users:
            make, _ = user_with_policies(self.server, self.id, name)
            self.users[name] = make("kms")
        return self.users[name]

    def arn(self, name: str) -> str:
        self.user(name)
        return f"arn:aws:iam::{self.id}:user/{name}"


@pytest.fixture
def account(server: FogbankServer) -> Account:
    return Account(server)


def _error(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return dict(caught.value.response["Error"])


def test_create_grant_answers_an_id_and_a_token_and_lists_it(account: Account) -> None:
    bob = account.arn("Bob")
    grant = account.root.create_grant(
        KeyId=account.key["KeyId"],
        GranteePrincipal=bob,
        RetiringPrincipal=bob,
        Operations=["Encrypt", "DescribeKey"],
        Constraints={"EncryptionContextSubset": {"Dept": "IT"}},
        Name="bob-grant",
    )
    assert re.fullmatch(r"[0-9a-f]{64}", grant["GrantId"])
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", grant["GrantToken"])
    listed = account.root.list_grants(KeyId=account.key["Arn"])
    assert listed["Truncated"] is False
    (entry,) = listed["Grants"]
    assert entry["KeyId"] == account.key["Arn"]
    assert entry["GrantId"] == grant["GrantId"]
    assert entry["Name"] == "bob-grant"
    assert entry["GranteePrincipal"] == bob and entry["RetiringPrincipal"] == bob
    assert entry["IssuingAccount"] == f"arn:aws:iam::{account.id}:root"
    assert entry["Operations"] == ["Encrypt", "DescribeKey"]
    assert entry["Constraints"] == {"EncryptionContextSubset": {"Dept": "IT"}}
    assert entry["CreationDate"]


def test_a_name_makes_create_grant_idempotent(account: Account) -> None:
    params = {
        "KeyId": account.key["KeyId"],
        "GranteePrincipal": account.arn("Bob"),
        "Operations": ["Encrypt"],
    }
    first = account.root.create_grant(Name="once", **params)
    again = account.root.create_grant(Name="once", **params)
    assert again["GrantId"] == first["GrantId"]
    assert again["GrantToken"] != first["GrantToken"]
    other = account.root.create_grant(Name="once", **{**params, "Operations": ["Encrypt", "Decrypt"]})
    unnamed = account.root.create_grant(**params)
    assert len({first["GrantId"], other["GrantId"], unnamed["GrantId"]}) == 3
    assert len(account.root.list_grants(KeyId=account.key["KeyId"])["Grants"]) == 3


def test_grant_operations_must_suit_the_key(account: Account) -> None:
    error = _error(
        account.root.create_grant,
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        Operations=["Sign"],
    )
    assert error["Code"] == "ValidationException"
    error = _error(
        account.root.create_grant,
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        Operations=["Nope"],
    )
    assert error["Code"] == "ValidationException"


def test_dry_run_creates_nothing(account: Account) -> None:
    error = _error(
        account.root.create_grant,
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        Operations=["Encrypt"],
        DryRun=True,
    )
    assert error["Code"] == "DryRunOperationException"
    assert account.root.list_grants(KeyId=account.key["KeyId"])["Grants"] == []


def test_a_grant_to_a_missing_key_is_not_found(account: Account) -> None:
    missing = account.key["Arn"][: -len(account.key["KeyId"])] + "00000000-0000-0000-0000-000000000000"
    error = _error(
        account.root.create_grant, KeyId=missing, GranteePrincipal=account.arn("Bob"), Operations=["Encrypt"]
    )
    assert error["Code"] == "NotFoundException"
    assert error["Message"] == f"Key '{missing}' does not exist"


def test_subset_constraint_needs_its_pairs_in_the_request(account: Account) -> None:
    bob = account.user("Bob")
    grant = account.root.create_grant(
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        Operations=["Encrypt", "Decrypt", "DescribeKey"],
        Constraints={"EncryptionContextSubset": {"Dept": "IT"}},
    )
    key = account.key["Arn"]
    blob = bob.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"Dept": "IT", "More": "ok"})[
        "CiphertextBlob"
    ]
    assert (
        bob.decrypt(CiphertextBlob=blob, EncryptionContext={"Dept": "IT", "More": "ok"})["Plaintext"] == b"x"
    )
    assert _error(bob.encrypt, KeyId=key, Plaintext=b"x")["Code"] == "AccessDeniedException"
    with pytest.raises(ClientError) as caught:
        bob.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"Dept": "HR"})
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # The explanation shows the grant as a policy of the key, and why its statement did not match.
    request_id = caught.value.response["ResponseMetadata"]["RequestId"]
    url = f"{account.server.endpoint}/_fogbank/explain/{request_id}"
    with urllib.request.urlopen(url, timeout=5) as response:
        explained = json.loads(response.read())
    traces = explained["decisions"][0]["explanation"]["traces"]
    (grant_trace,) = [trace for trace in traces if trace["label"] == f"grant {grant['GrantId']}"]
    assert grant_trace["kind"] == "resource-based policy"
    assert [s["why"] for s in grant_trace["statements"] if "kms:EncryptionContext:Dept" in s["why"]] == [
        "Condition StringEquals kms:EncryptionContext:Dept HR not in IT"
    ]
    # Constraints do not apply to operations that take no encryption context.
    assert bob.describe_key(KeyId=key)["KeyMetadata"]["Arn"] == key


def test_equals_constraint_needs_exactly_its_pairs(account: Account) -> None:
    bob = account.user("Bob")
    account.root.create_grant(
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        Operations=["Encrypt"],
        Constraints={"EncryptionContextEquals": {"Dept": "IT"}},
    )
    key = account.key["Arn"]
    bob.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"Dept": "IT"})
    denied = _error(bob.encrypt, KeyId=key, Plaintext=b"x", EncryptionContext={"Dept": "IT", "More": "no"})
    assert denied["Code"] == "AccessDeniedException"


def test_list_grants_filters_and_pages(account: Account) -> None:
    key = account.key["KeyId"]
    bob, carol = account.arn("Bob"), account.arn("Carol")
    ids = [
        account.root.create_grant(KeyId=key, GranteePrincipal=who, Operations=["Encrypt"])["GrantId"]
        for who in (bob, carol, bob)
    ]
    first = account.root.list_grants(KeyId=key, Limit=2)
    assert first["Truncated"] is True and len(first["Grants"]) == 2
    rest = account.root.list_grants(KeyId=key, Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False
    assert [g["GrantId"] for g in first["Grants"] + rest["Grants"]] == ids
    assert [g["GrantId"] for g in account.root.list_grants(KeyId=key, GranteePrincipal=bob)["Grants"]] == [
        ids[0],
        ids[2],
    ]
    assert [g["GrantId"] for g in account.root.list_grants(KeyId=key, GrantId=ids[1])["Grants"]] == [ids[1]]
    assert _error(account.root.list_grants, KeyId=key, GrantId="0" * 64)["Code"] == "InvalidGrantIdException"
    assert _error(account.root.list_grants, KeyId=key, Marker="nonsense")["Code"] == "InvalidMarkerException"


def test_retiring_principal_lists_and_retires_by_token(account: Account) -> None:
    carol_arn = account.arn("Carol")
    carol = account.user("Carol")
    grant = account.root.create_grant(
        KeyId=account.key["KeyId"],
        GranteePrincipal=account.arn("Bob"),
        RetiringPrincipal=carol_arn,
        Operations=["Encrypt"],
    )
    retirable = account.root.list_retirable_grants(RetiringPrincipal=carol_arn)["Grants"]
    assert [g["GrantId"] for g in retirable] == [grant["GrantId"]]
    assert retirable[0]["KeyId"] == account.key["Arn"]
    carol.retire_grant(GrantToken=grant["GrantToken"])
    assert account.root.list_grants(KeyId=account.key["KeyId"])["Grants"] == []
    assert account.root.list_retirable_grants(RetiringPrincipal=carol_arn)["Grants"] == []
    again = _error(carol.retire_grant, GrantToken=grant["GrantToken"])
    assert again["Code"] == "NotFoundException"


def test_who_may_retire_a_grant(account: Account) -> None:
    key = account.key["KeyId"]
    bob, mallory = account.user("Bob"), account.user("Mallory")
    plain = account.root.create_grant(KeyId=key, GranteePrincipal=account.arn("Bob"), Operations=["Encrypt"])
    # Neither the grantee (the grant does not allow RetireGrant) nor a stranger may retire it.
    assert _error(bob.retire_grant, GrantToken=plain["GrantToken"])["Code"] == "AccessDeniedException"
    denied = _error(mallory.retire_grant, KeyId=account.key["Arn"], GrantId=plain["GrantId"])
    assert denied["Code"] == "AccessDeniedException"
    assert "kms:RetireGrant" in denied["Message"]
    # The account that made it may.
    account.root.retire_grant(KeyId=account.key["Arn"], GrantId=plain["GrantId"])
    retirable = account.root.create_grant(
        KeyId=key, GranteePrincipal=account.arn("Bob"), Operations=["Encrypt", "RetireGrant"]
    )
    bob.retire_grant(GrantToken=retirable["GrantToken"])
    assert account.root.list_grants(KeyId=key)["Grants"] == []


def test_retire_and_revoke_errors(account: Account) -> None:
    key = account.key["Arn"]
    assert (
        _error(account.root.retire_grant, GrantToken="bm90IGEgdG9rZW4=")["Code"]
        == "InvalidGrantTokenException"
    )
    assert _error(account.root.retire_grant, KeyId=key)["Code"] == "ValidationException"
    assert _error(account.root.revoke_grant, KeyId=key, GrantId="a" * 64)["Code"] == "InvalidGrantIdException"
    grant = account.root.create_grant(KeyId=key, GranteePrincipal=account.arn("Bob"), Operations=["Encrypt"])
    other = account.root.create_key()["KeyMetadata"]["Arn"]
    assert _error(account.root.revoke_grant, KeyId=other, GrantId=grant["GrantId"])["Code"] == (
        "InvalidGrantIdException"
    )
    account.root.revoke_grant(KeyId=key, GrantId=grant["GrantId"])
    assert account.root.list_grants(KeyId=key)["Grants"] == []


def test_revoke_grant_needs_the_key_policy(account: Account) -> None:
    grant = account.root.create_grant(
        KeyId=account.key["KeyId"], GranteePrincipal=account.arn("Bob"), Operations=["Encrypt"]
    )
    denied = _error(account.user("Bob").revoke_grant, KeyId=account.key["Arn"], GrantId=grant["GrantId"])
    assert denied["Code"] == "AccessDeniedException"
    assert denied["Message"].endswith("because no identity-based policy allows the kms:RevokeGrant action")


def test_a_grant_with_create_grant_lets_its_grantee_grant(account: Account) -> None:
    bob = account.user("Bob")
    account.root.create_grant(
        KeyId=account.key["KeyId"], GranteePrincipal=account.arn("Bob"), Operations=["Encrypt", "CreateGrant"]
    )
    bob.create_grant(KeyId=account.key["Arn"], GranteePrincipal=account.arn("Carol"), Operations=["Encrypt"])
    account.user("Carol").encrypt(KeyId=account.key["Arn"], Plaintext=b"passed on")


BOB = PrincipalContext(arn="arn:aws:iam::111122223333:user/Bob", account="111122223333", kind="user")
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("constraints", "context", "allowed"),
    [
        ({"EncryptionContextEquals": {}}, {}, True),
        ({"EncryptionContextEquals": {}}, {"a": "b"}, False),
        ({"EncryptionContextEquals": {"Dept": "IT"}}, {"dept": "IT"}, True),  # keys are not case sensitive
        ({"EncryptionContextEquals": {"Dept": "IT"}}, {"Dept": "it"}, False),  # values are
        ({"EncryptionContextEquals": {"Dept": "IT"}}, {"Dept": "IT", "More": "x"}, False),
        ({"EncryptionContextSubset": {"Dept": "IT"}}, {"Dept": "IT", "More": "x"}, True),
        ({"EncryptionContextSubset": {"Dept": "IT"}}, {"More": "x"}, False),
    ],
)
def test_grant_constraints_as_conditions(
    constraints: dict[str, dict[str, str]], context: dict[str, str], allowed: bool
) -> None:
    grant = {
        "GrantId": "a" * 64,
        "GranteePrincipal": BOB.arn,
        "Operations": ["Encrypt"],
        "Constraints": constraints,
    }
    request_context: dict[str, object] = {f"kms:EncryptionContext:{k}": v for k, v in context.items()}
    if context:
        request_context["kms:EncryptionContextKeys"] = list(context)
    request = AuthzRequest(BOB, "kms:Encrypt", KEY, None, request_context)
    policies = PolicySet(identity=(), resource=(grant_policy(grant),), resource_required=True)
    assert evaluate(request, policies).allowed is allowed
