"""Enforcement of IAM policies on live requests, as the curriculum's IAM chapter describes them.

An operation fogbank has not implemented yet still passes through authorization first, so "allowed"
shows as NotImplemented (501) and "denied" as AccessDenied (403).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, new_account, policy, user_with_policies
from tests.server import FogbankServer

CLOUDTRAIL_FROM_OFFICE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Stmt1494509737040",
                "Action": "cloudtrail:*",
                "Effect": "Allow",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.10.0.0/16"}},
            }
        ],
    }
)


@pytest.fixture(scope="module")
def proxied() -> Iterator[FogbankServer]:
    running = FogbankServer("--trust-proxy", tls_port=False).start()
    yield running
    running.stop()


def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call()
    return error.value.response


def _from_address(client: Any, address: str) -> Any:
    def add_header(request: Any, **_: Any) -> None:
        request.headers["X-Forwarded-For"] = address

    client.meta.events.register("before-send", add_header)
    return client


def test_cloudtrail_only_from_the_office_network(proxied: FogbankServer) -> None:
    account = new_account()
    make, _ = user_with_policies(proxied, account, "auditor", {"cloudtrail-office": CLOUDTRAIL_FROM_OFFICE})
    inside = _from_address(make("cloudtrail"), "10.10.3.4")
    outside = _from_address(make("cloudtrail"), "192.168.0.1")
    assert _error(inside.describe_trails)["Error"]["Code"] == "NotImplemented"
    denied = _error(outside.describe_trails)
    assert denied["Error"]["Code"] in ("AccessDeniedException", "AccessDenied")
    assert denied["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
    message = denied["Error"]["Message"]
    assert (
        f"arn:aws:iam::{account}:user/auditor is not authorized to perform: cloudtrail:DescribeTrails"
        in message
    )
    assert "because no identity-based policy allows the cloudtrail:DescribeTrails action" in message


def test_forwarded_address_is_ignored_without_trust_proxy(server: FogbankServer) -> None:
    """Without --trust-proxy the caller's address is the connection's: X-Forwarded-For claims nothing."""
    account = new_account()
    make, _ = user_with_policies(server, account, "auditor", {"cloudtrail-office": CLOUDTRAIL_FROM_OFFICE})
    claims_inside = _from_address(make("cloudtrail"), "10.10.3.4")
    denied = _error(claims_inside.describe_trails)
    assert denied["Error"]["Code"] in ("AccessDeniedException", "AccessDenied")


def test_read_only_s3_allows_get_and_denies_put(server: FogbankServer) -> None:
    account = new_account()
    read_only = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
    make, _ = user_with_policies(server, account, "reader", {"s3-read": read_only})
    s3 = make("s3")
    # Allowed: the call reaches S3, which has no such bucket.
    assert _error(lambda: s3.get_object(Bucket="b", Key="k"))["Error"]["Code"] == "NoSuchBucket"
    denied = _error(lambda: s3.put_object(Bucket="b", Key="k", Body=b"x"))
    assert denied["Error"]["Code"] == "AccessDenied"
    assert denied["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert (
        f"User: arn:aws:iam::{account}:user/reader is not authorized to perform: s3:PutObject on resource: "
        "arn:aws:s3:::b/k because no identity-based policy allows the s3:PutObject action"
    ) == denied["Error"]["Message"]


def test_aws_managed_read_only_policy(server: FogbankServer) -> None:
    account = new_account()
    make, _ = user_with_policies(
        server, account, "viewer", managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]
    )
    iam = make("iam")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["viewer"]
    denied = _error(lambda: iam.create_user(UserName="intruder"))
    assert denied["Error"]["Code"] == "AccessDenied"


def test_permissions_inherited_through_a_group(server: FogbankServer) -> None:
    account = new_account()
    root_iam = client_for(server, "iam", account, "x")
    root_iam.create_group(GroupName="readers")
    root_iam.put_group_policy(
        GroupName="readers",
        PolicyName="list",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}),
    )
    make, _ = user_with_policies(server, account, "carol")
    iam = make("iam")
    assert _error(iam.list_users)["Error"]["Code"] == "AccessDenied"
    root_iam.add_user_to_group(GroupName="readers", UserName="carol")
    assert iam.list_users()["Users"]
    root_iam.remove_user_from_group(GroupName="readers", UserName="carol")
    assert _error(iam.list_users)["Error"]["Code"] == "AccessDenied"


def test_explicit_deny_in_one_policy_beats_allow_in_another(server: FogbankServer) -> None:
    account = new_account()
    allow_all = policy({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
    deny_create = policy({"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"})
    make, _ = user_with_policies(server, account, "dave", {"all": allow_all, "no-create": deny_create})
    iam = make("iam")
    assert iam.list_users()["Users"]
    denied = _error(lambda: iam.create_user(UserName="eve"))
    assert denied["Error"]["Code"] == "AccessDenied"
    assert "with an explicit deny in an identity-based policy" in denied["Error"]["Message"]


def test_permission_boundary_caps_an_administrator(server: FogbankServer) -> None:
    account = new_account()
    make, _ = user_with_policies(
        server, account, "admin", managed=["arn:aws:iam::aws:policy/AdministratorAccess"]
    )
    iam = make("iam")
    iam.create_user(UserName="helper")  # an administrator may
    root_iam = client_for(server, "iam", account, "x")
    root_iam.put_user_permissions_boundary(
        UserName="admin", PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    )
    assert iam.list_users()["Users"]
    denied = _error(lambda: iam.create_user(UserName="helper2"))
    assert denied["Error"]["Code"] == "AccessDenied"
    assert "because no permissions boundary allows the iam:CreateUser action" in denied["Error"]["Message"]


def test_inline_policy_applies_to_its_identity_only(server: FogbankServer) -> None:
    account = new_account()
    lister = policy({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    frank, _ = user_with_policies(server, account, "frank", {"list": lister})
    grace, _ = user_with_policies(server, account, "grace")
    assert frank("iam").list_users()["Users"]
    assert _error(grace("iam").list_users)["Error"]["Code"] == "AccessDenied"


def test_resource_scoped_policy_and_explain(server: FogbankServer) -> None:
    account = new_account()
    own_user = policy(
        {
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": f"arn:aws:iam::{account}:user/${{aws:username}}",
        }
    )
    make, _ = user_with_policies(server, account, "heidi", {"self": own_user})
    iam = make("iam")
    assert iam.get_user(UserName="heidi")["User"]["UserName"] == "heidi"
    client_for(server, "iam", account, "x").create_user(UserName="ivan")
    denied = _error(lambda: iam.get_user(UserName="ivan"))
    request_id = denied["ResponseMetadata"]["RequestId"]
    with urllib.request.urlopen(f"{server.endpoint}/_fogbank/explain/{request_id}", timeout=5) as response:
        explained = json.loads(response.read())
    decision = explained["decisions"][0]
    assert decision["decision"] == "denied"
    assert decision["action"] == "iam:GetUser"
    assert decision["resource"] == f"arn:aws:iam::{account}:user/ivan"
    assert decision["principal"] == f"arn:aws:iam::{account}:user/heidi"


def test_default_root_is_not_evaluated_and_has_no_decision(server: FogbankServer, client: Any) -> None:
    response = client("iam").list_users()
    request_id = response["ResponseMetadata"]["RequestId"]
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{server.endpoint}/_fogbank/explain/{request_id}", timeout=5)
    assert error.value.code == 404
