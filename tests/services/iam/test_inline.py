"""Inline policies through boto3 — put, get, list, delete for users, groups and roles, their size quotas —
and the identity policies they make: what an IAM user or an assumed role may then do."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _allow(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def _name(prefix: str = "i") -> str:
    return f"{prefix}-" + uuid.uuid4().hex[:10]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _identities(iam: Any) -> dict[str, str]:
    names = {"User": _name("u"), "Group": _name("g"), "Role": _name("r")}
    iam.create_user(UserName=names["User"])
    iam.create_group(GroupName=names["Group"])
    iam.create_role(RoleName=names["Role"], AssumeRolePolicyDocument=json.dumps(TRUST))
    return names


@pytest.mark.parametrize("noun", ["User", "Group", "Role"])
def test_put_get_list_delete(client: Any, noun: str) -> None:
    iam = client("iam")
    owner = _identities(iam)[noun]
    low = noun.lower()
    put, get = getattr(iam, f"put_{low}_policy"), getattr(iam, f"get_{low}_policy")
    listing, delete = getattr(iam, f"list_{low}_policies"), getattr(iam, f"delete_{low}_policy")
    put(**{f"{noun}Name": owner}, PolicyName="b-read", PolicyDocument=_allow("s3:GetObject"))
    put(**{f"{noun}Name": owner}, PolicyName="a-write", PolicyDocument=_allow("s3:PutObject"))
    put(**{f"{noun}Name": owner}, PolicyName="b-read", PolicyDocument=_allow("s3:ListBucket"))
    got = get(**{f"{noun}Name": owner}, PolicyName="b-read")
    assert got[f"{noun}Name"] == owner and got["PolicyName"] == "b-read"
    assert got["PolicyDocument"] == json.loads(_allow("s3:ListBucket"))
    assert listing(**{f"{noun}Name": owner})["PolicyNames"] == ["a-write", "b-read"]
    delete(**{f"{noun}Name": owner}, PolicyName="a-write")
    assert listing(**{f"{noun}Name": owner})["PolicyNames"] == ["b-read"]
    with pytest.raises(ClientError) as error:
        get(**{f"{noun}Name": owner}, PolicyName="a-write")
    assert _code(error) == "NoSuchEntity"
    assert error.value.response["Error"]["Message"] == f"The {low} policy with name a-write cannot be found."
    with pytest.raises(ClientError) as error:
        put(**{f"{noun}Name": owner}, PolicyName="bad", PolicyDocument='{"Statement": "nope"}')
    assert _code(error) == "MalformedPolicyDocument"


@pytest.mark.parametrize(("noun", "quota"), [("User", 2048), ("Group", 5120), ("Role", 10240)])
def test_inline_policies_have_a_total_size_quota(client: Any, noun: str, quota: int) -> None:
    iam = client("iam")
    owner = _identities(iam)[noun]
    put = getattr(iam, f"put_{noun.lower()}_policy")
    # Sized without whitespace, as IAM counts it.
    chunk = _allow(*(f"s3:GetObject{i:019d}" for i in range(40)))
    size = len("".join(chunk.split()))
    count = quota // size
    for index in range(count):
        put(**{f"{noun}Name": owner}, PolicyName=f"p{index}", PolicyDocument=chunk)
    with pytest.raises(ClientError) as error:
        put(**{f"{noun}Name": owner}, PolicyName="one-too-many", PolicyDocument=chunk)
    assert _code(error) == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == (
        f"Maximum policy size of {quota} bytes exceeded for {noun.lower()} {owner}"
    )
    # Whitespace is free: the same policy pretty-printed still fits in place of an existing one.
    put(**{f"{noun}Name": owner}, PolicyName="p0", PolicyDocument=json.dumps(json.loads(chunk), indent=8))


def _as_user(client: Any, iam: Any, user: str) -> Any:
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return client("iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def test_a_users_own_and_group_policies_decide_what_it_may_do(client: Any) -> None:
    iam = client("iam")
    user, group = _name("u"), _name("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.put_user_policy(UserName=user, PolicyName="self", PolicyDocument=_allow("iam:GetUser"))
    as_user = _as_user(client, iam, user)
    assert as_user.get_user()["User"]["UserName"] == user
    with pytest.raises(ClientError) as error:
        as_user.get_group(GroupName=group)
    assert _code(error) == "AccessDenied"
    policy = iam.create_policy(PolicyName=_name("p"), PolicyDocument=_allow("iam:GetGroup"))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=policy)
    iam.add_user_to_group(GroupName=group, UserName=user)
    assert as_user.get_group(GroupName=group)["Group"]["GroupName"] == group
    iam.create_policy_version(PolicyArn=policy, PolicyDocument=_allow("iam:ListGroups"), SetAsDefault=True)
    with pytest.raises(ClientError) as error:
        as_user.get_group(GroupName=group)
    assert _code(error) == "AccessDenied"


def test_a_permissions_boundary_caps_what_policies_allow(client: Any) -> None:
    iam = client("iam")
    user = _name("u")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="all-iam", PolicyDocument=_allow("iam:*"))
    boundary = iam.create_policy(PolicyName=_name("p"), PolicyDocument=_allow("iam:GetUser"))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary)
    as_user = _as_user(client, iam, user)
    assert as_user.get_user()["User"]["UserName"] == user
    with pytest.raises(ClientError) as error:
        as_user.list_roles()
    assert _code(error) == "AccessDenied"


def test_an_assumed_role_acts_with_its_roles_policies(client: Any) -> None:
    iam = client("iam")
    role = _name("r")
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName=role, PolicyName="roles", PolicyDocument=_allow("iam:GetRole"))
    credentials = client("sts").assume_role(RoleArn=arn, RoleSessionName="session")["Credentials"]
    session = client(
        "iam",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert session.get_role(RoleName=role)["Role"]["RoleName"] == role
    with pytest.raises(ClientError) as error:
        session.list_users()
    assert _code(error) == "AccessDenied"


def test_a_group_with_an_aws_managed_policy_grants_its_members(client: Any) -> None:
    # The curriculum's demonstration: a group, an AWS managed policy on it, a user in the group.
    iam = client("iam")
    user, group = _name("u"), _name("g")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    as_user = _as_user(client, iam, user)
    assert user in [u["UserName"] for u in as_user.list_users()["Users"]]
    with pytest.raises(ClientError) as error:
        as_user.create_user(UserName=_name("u"))
    assert _code(error) == "AccessDenied"
    iam.put_group_policy(
        GroupName=group,
        PolicyName="no-listing",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*"}],
            }
        ),
    )
    with pytest.raises(ClientError) as error:
        as_user.list_users()
    assert _code(error) == "AccessDenied"
