"""Managed policies through boto3: customer policies and their versions, AWS managed policies, attachments
to users, groups and roles, and who a policy is attached to."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _document(action: str | list[str] = "s3:GetObject") -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def _name(prefix: str = "p") -> str:
    return f"{prefix}-" + uuid.uuid4().hex[:10]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _policy(iam: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(
        iam.create_policy(PolicyName=_name(), PolicyDocument=json.dumps(_document()), **kwargs)["Policy"]
    )


def test_create_get_delete_policy(client: Any) -> None:
    iam = client("iam")
    name = _name()
    created = iam.create_policy(
        PolicyName=name, Path="/team/", PolicyDocument=json.dumps(_document()), Description="read objects"
    )["Policy"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:policy/team/{name}"
    assert created["PolicyId"].startswith("ANPA")
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == (
        "v1",
        0,
        True,
    )
    got = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert got["Description"] == "read objects"
    version = iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == _document()
    assert version["IsDefaultVersion"] is True
    with pytest.raises(ClientError) as error:
        iam.create_policy(PolicyName=name.upper(), PolicyDocument=json.dumps(_document()))
    assert _code(error) == "EntityAlreadyExists"
    iam.delete_policy(PolicyArn=created["Arn"])
    with pytest.raises(ClientError) as error:
        iam.get_policy(PolicyArn=created["Arn"])
    assert _code(error) == "NoSuchEntity"
    assert (
        error.value.response["Error"]["Message"]
        == f"Policy {created['Arn']} does not exist or is not attachable."
    )


def test_malformed_and_oversized_policies_are_refused(client: Any) -> None:
    iam = client("iam")
    with_principal = {**_document(), "Statement": [{**_document()["Statement"][0], "Principal": "*"}]}
    for text in ("{nope", json.dumps(with_principal), json.dumps({"Version": "2012-10-17"})):
        with pytest.raises(ClientError) as error:
            iam.create_policy(PolicyName=_name(), PolicyDocument=text)
        assert _code(error) == "MalformedPolicyDocument"
    big = _document([f"s3:GetObject{i:04d}" for i in range(400)])
    with pytest.raises(ClientError) as error:
        iam.create_policy(PolicyName=_name(), PolicyDocument=json.dumps(big))
    assert _code(error) == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == "Cannot exceed quota for PolicySize: 6144"


def test_policy_versions(client: Any) -> None:
    iam = client("iam")
    arn = _policy(iam)["Arn"]
    for index in range(2, 6):
        version = iam.create_policy_version(
            PolicyArn=arn, PolicyDocument=json.dumps(_document(f"s3:Action{index}")), SetAsDefault=index == 3
        )["PolicyVersion"]
        assert version["VersionId"] == f"v{index}"
    with pytest.raises(ClientError) as error:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(_document()))
    assert _code(error) == "LimitExceeded"
    assert "up to 5 versions" in error.value.response["Error"]["Message"]
    listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in listed] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["VersionId"] for v in listed if v["IsDefaultVersion"]] == ["v3"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    with pytest.raises(ClientError) as error:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert _code(error) == "DeleteConflict"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
    assert (
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(_document()))["PolicyVersion"][
            "VersionId"
        ]
        == "v6"
    )
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v6")
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v6")["PolicyVersion"]["IsDefaultVersion"] is True
    with pytest.raises(ClientError) as error:
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    assert _code(error) == "NoSuchEntity"
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=arn)
    assert _code(error) == "DeleteConflict"
    for version_id in ("v1", "v2", "v3", "v4"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version_id)
    iam.delete_policy(PolicyArn=arn)


def test_attach_detach_list_for_users_groups_roles(client: Any) -> None:
    iam = client("iam")
    policy = _policy(iam)
    arn = policy["Arn"]
    user, group, role = _name("u"), _name("g"), _name("r")
    iam.create_user(UserName=user, Path="/people/")
    iam.create_group(GroupName=group)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)  # attaching twice changes nothing
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    expected = [{"PolicyName": policy["PolicyName"], "PolicyArn": arn}]
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == expected
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == expected
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == expected
    assert iam.list_attached_role_policies(RoleName=role, PathPrefix="/other/")["AttachedPolicies"] == []
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    only_roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
    assert (only_roles["PolicyUsers"], len(only_roles["PolicyRoles"])) == ([], 1)
    by_path = iam.list_entities_for_policy(PolicyArn=arn, PathPrefix="/people/")
    assert (len(by_path["PolicyUsers"]), by_path["PolicyRoles"]) == (1, [])
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=arn)
    assert _code(error) == "DeleteConflict"
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError) as error:
        iam.detach_user_policy(UserName=user, PolicyArn=arn)
    assert _code(error) == "NoSuchEntity"
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == []
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1


def test_attach_unknown_policy_and_the_ten_policy_quota(client: Any) -> None:
    iam = client("iam")
    user = _name("u")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as error:
        iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::000000000000:policy/does-not-exist")
    assert _code(error) == "NoSuchEntity"
    with pytest.raises(ClientError) as error:
        iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/NoSuchManagedPolicyAtAll")
    assert _code(error) == "NoSuchEntity"
    arns = [_policy(iam)["Arn"] for _ in range(11)]
    for arn in arns[:10]:
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError) as error:
        iam.attach_user_policy(UserName=user, PolicyArn=arns[10])
    assert _code(error) == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == "Cannot exceed quota for PoliciesPerUser: 10"


def test_aws_managed_policies(client: Any) -> None:
    iam = client("iam")
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == "AmazonS3ReadOnlyAccess"
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["Document"]["Statement"]
    group = _name("g")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    pages = iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={"PageSize": 1000})
    names = [p["PolicyName"] for page in pages for p in page["Policies"]]
    assert "AmazonS3ReadOnlyAccess" in names and "ReadOnlyAccess" in names
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=arn)
    assert _code(error) == "AccessDenied"


def test_list_policies_scopes_and_filters(client: Any) -> None:
    iam = client("iam", aws_access_key_id="230000000001", aws_secret_access_key="x")
    attached = _policy(iam, Path="/scoped/")
    loose = _policy(iam, Path="/scoped/")
    bounding = _policy(iam)
    user = _name("u")
    iam.create_user(UserName=user, PermissionsBoundary=bounding["Arn"])
    iam.attach_user_policy(UserName=user, PolicyArn=attached["Arn"])
    local = iam.list_policies(Scope="Local")["Policies"]
    assert sorted(p["PolicyName"] for p in local) == sorted(
        p["PolicyName"] for p in (attached, loose, bounding)
    )
    assert "Description" not in local[0] and "Tags" not in local[0]
    scoped = iam.list_policies(Scope="Local", PathPrefix="/scoped/")["Policies"]
    assert sorted(p["PolicyName"] for p in scoped) == sorted([attached["PolicyName"], loose["PolicyName"]])
    only = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert sorted(p["PolicyName"] for p in only) == sorted([attached["PolicyName"], bounding["PolicyName"]])
    boundaries = iam.list_policies(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
    assert [p["PolicyName"] for p in boundaries["Policies"]] == [bounding["PolicyName"]]
    assert boundaries["Policies"][0]["PermissionsBoundaryUsageCount"] == 1
    pages = list(iam.get_paginator("list_policies").paginate(Scope="Local", PaginationConfig={"PageSize": 2}))
    assert sum(len(page["Policies"]) for page in pages) == 3 and len(pages) == 2
    with pytest.raises(ClientError) as error:
        iam.delete_policy(PolicyArn=bounding["Arn"])
    assert _code(error) == "DeleteConflict"


def test_policy_tags(client: Any) -> None:
    iam = client("iam")
    arn = _policy(iam, Tags=[{"Key": "a", "Value": "1"}])["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "b", "Value": "2"}]


def test_the_curriculums_policies_are_accepted(client: Any) -> None:
    iam = client("iam")
    cloudtrail_from_the_office = {
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
    several_sids = {
        "Version": "2012-10-17",
        "Statement": [
            cloudtrail_from_the_office["Statement"][0],
            {"Sid": "Stmt1494512658702", "Action": "autoscaling:*", "Effect": "Allow", "Resource": "*"},
            {
                "Sid": "Stmt1494515449405",
                "Action": ["s3:CreateBucket", "s3:DeleteBucket"],
                "Effect": "Allow",
                "Resource": "arn:aws:s3:::iam-course-ca",
            },
        ],
    }
    read_only_and_create = _document(["s3:Get*", "s3:List", "s3:CreateBucket"])
    for document in (cloudtrail_from_the_office, several_sids, read_only_and_create):
        arn = iam.create_policy(PolicyName=_name(), PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == document
