"""The account through boto3: its alias, GetAccountSummary's counts and quotas, and
GetAccountAuthorizationDetails. Each test uses a private account so that counts are its own."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ALLOW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def _iam(client: Any, account: str) -> Any:
    return client("iam", aws_access_key_id=account, aws_secret_access_key="x")


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_account_alias(client: Any) -> None:
    iam, other = _iam(client, "240000000001"), _iam(client, "240000000002")
    alias = "fogbank-" + uuid.uuid4().hex[:8]
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    with pytest.raises(ClientError) as error:
        other.create_account_alias(AccountAlias=alias)
    assert _code(error) == "EntityAlreadyExists"
    iam.create_account_alias(AccountAlias=alias + "-new")
    assert iam.list_account_aliases()["AccountAliases"] == [alias + "-new"]
    other.create_account_alias(AccountAlias=alias)  # the old alias is free again
    with pytest.raises(ClientError) as error:
        iam.delete_account_alias(AccountAlias=alias)
    assert _code(error) == "NoSuchEntity"
    iam.delete_account_alias(AccountAlias=alias + "-new")
    assert iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as error:
        iam.create_account_alias(AccountAlias="Not_Valid")
    assert _code(error) == "ValidationError"


def test_account_summary_counts_and_quotas(client: Any) -> None:
    iam = _iam(client, "240000000003")
    before = iam.get_account_summary()["SummaryMap"]
    assert before["Users"] == 0 and before["Roles"] == 0
    assert before["UsersQuota"] == 5000 and before["GroupsQuota"] == 300 and before["RolesQuota"] == 1000
    assert before["PolicySizeQuota"] == 6144 and before["VersionsPerPolicyQuota"] == 5
    assert before["AttachedPoliciesPerRoleQuota"] == 10 and before["AccessKeysPerUserQuota"] == 2
    iam.create_user(UserName="u1")
    iam.create_user(UserName="u2")
    iam.create_group(GroupName="g1")
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_instance_profile(InstanceProfileName="ip1")
    arn = iam.create_policy(PolicyName="p1", PolicyDocument=json.dumps(ALLOW))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="u1", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r1", PolicyArn=arn)
    after = iam.get_account_summary()["SummaryMap"]
    counts = ("Users", "Groups", "Roles", "InstanceProfiles", "Policies", "PolicyVersionsInUse")
    assert {key: after[key] for key in counts} == dict(zip(counts, (2, 1, 1, 1, 1, 2), strict=True))


def test_account_authorization_details(client: Any) -> None:
    iam = _iam(client, "240000000004")
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=json.dumps(ALLOW))
    iam.put_group_policy(GroupName="admins", PolicyName="shared", PolicyDocument=json.dumps(ALLOW))
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_instance_profile(InstanceProfileName="web-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="web")
    arn = iam.create_policy(PolicyName="objects", PolicyDocument=json.dumps(ALLOW))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW))
    iam.attach_role_policy(RoleName="web", PolicyArn=arn)
    details = iam.get_account_authorization_details()
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "alice" and user["GroupList"] == ["admins"]
    assert user["UserPolicyList"] == [{"PolicyName": "own", "PolicyDocument": ALLOW}]
    (group,) = details["GroupDetailList"]
    assert group["GroupPolicyList"] == [{"PolicyName": "shared", "PolicyDocument": ALLOW}]
    (role,) = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["web-profile"]
    assert role["AttachedManagedPolicies"] == [{"PolicyName": "objects", "PolicyArn": arn}]
    (policy,) = details["Policies"]
    assert policy["AttachmentCount"] == 1
    assert sorted(v["VersionId"] for v in policy["PolicyVersionList"]) == ["v1", "v2"]
    assert policy["PolicyVersionList"][0]["Document"] == ALLOW
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert (only_roles["UserDetailList"], len(only_roles["RoleDetailList"])) == ([], 1)
    pages = list(
        iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 2})
    )
    assert len(pages) == 2
    assert sum(len(p["UserDetailList"]) + len(p["RoleDetailList"]) + len(p["Policies"]) for p in pages) == 3
