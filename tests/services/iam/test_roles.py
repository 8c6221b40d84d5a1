"""IAM roles and instance profiles through boto3: trust policies, updates, service-linked roles, deletion
conflicts, tags and boundaries."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ALLOW_S3 = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'


def _name(prefix: str = "r") -> str:
    return f"{prefix}-" + uuid.uuid4().hex[:10]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _role(iam: Any, **kwargs: Any) -> str:
    name = _name()
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), **kwargs)
    return name


def test_create_get_list_role(client: Any) -> None:
    iam = client("iam")
    name = _name()
    created = iam.create_role(
        RoleName=name,
        Path="/app/",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="for the web tier",
        MaxSessionDuration=7200,
        Tags=[{"Key": "tier", "Value": "web"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:role/app/{name}"
    assert created["RoleId"].startswith("AROA")
    assert created["AssumeRolePolicyDocument"] == TRUST  # URL-encoded on the wire, decoded by boto3
    role = iam.get_role(RoleName=name)["Role"]
    assert role["Description"] == "for the web tier"
    assert role["MaxSessionDuration"] == 7200
    assert role["Tags"] == [{"Key": "tier", "Value": "web"}]
    assert role["AssumeRolePolicyDocument"] == TRUST
    listed = [r for r in iam.list_roles(PathPrefix="/app/")["Roles"] if r["RoleName"] == name]
    assert listed and listed[0]["AssumeRolePolicyDocument"] == TRUST and "Tags" not in listed[0]


def test_trust_policy_must_be_a_trust_policy(client: Any) -> None:
    iam = client("iam")
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    for document in (json.dumps(no_principal), "{not json"):
        with pytest.raises(ClientError) as error:
            iam.create_role(RoleName=_name(), AssumeRolePolicyDocument=document)
        assert _code(error) == "MalformedPolicyDocument"
        assert error.value.response["Error"]["Message"]


def test_max_session_duration_is_one_to_twelve_hours(client: Any) -> None:
    # Without boto3's own checks, so that the server's answer is what is tested.
    iam = client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 0}))
    for seconds in (3599, 43201):
        with pytest.raises(ClientError) as error:
            iam.create_role(
                RoleName=_name(), AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=seconds
            )
        assert _code(error) == "ValidationError"
    name = _role(iam)
    with pytest.raises(ClientError) as error:
        iam.update_role(RoleName=name, MaxSessionDuration=50000)
    assert _code(error) == "ValidationError"


def test_update_role_description_and_trust_policy(client: Any) -> None:
    iam = client("iam")
    name = _role(iam)
    iam.update_role(RoleName=name, Description="first", MaxSessionDuration=43200)
    role = iam.get_role(RoleName=name)["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("first", 43200)
    answered = iam.update_role_description(RoleName=name, Description="second")["Role"]
    assert answered["Description"] == "second"
    trust = {
        **TRUST,
        "Statement": [{**TRUST["Statement"][0], "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}],
    }
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == trust
    with pytest.raises(ClientError) as error:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=ALLOW_S3)
    assert _code(error) == "MalformedPolicyDocument"


def test_delete_role_refuses_while_policies_or_profiles_hold_it(client: Any) -> None:
    iam = client("iam")
    name, profile = _role(iam), _name("ip")
    policy = iam.create_policy(PolicyName=_name("p"), PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=ALLOW_S3)
    iam.attach_role_policy(RoleName=name, PolicyArn=policy)
    steps = [
        (
            "instance profile",
            lambda: iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=name),
        ),
        ("delete policies", lambda: iam.delete_role_policy(RoleName=name, PolicyName="inline")),
        ("detach all policies", lambda: iam.detach_role_policy(RoleName=name, PolicyArn=policy)),
    ]
    for what, undo in steps:
        with pytest.raises(ClientError) as error:
            iam.delete_role(RoleName=name)
        assert _code(error) == "DeleteConflict"
        assert what in error.value.response["Error"]["Message"]
        undo()
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as error:
        iam.get_role(RoleName=name)
    assert _code(error) == "NoSuchEntity"
    assert error.value.response["Error"]["Message"] == f"The role with name {name} cannot be found."


def test_role_tags_and_boundary(client: Any) -> None:
    iam = client("iam")
    name = _role(iam)
    iam.tag_role(RoleName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_role(RoleName=name, TagKeys=["a"])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "b", "Value": "2"}]
    policy = iam.create_policy(PolicyName=_name("p"), PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=policy)
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == policy
    iam.delete_role_permissions_boundary(RoleName=name)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=name)["Role"]


def test_service_linked_role_is_only_aws_to_change(client: Any) -> None:
    iam = client("iam", aws_access_key_id="220000000001", aws_secret_access_key="x")
    role = iam.create_service_linked_role(AWSServiceName="lex.amazonaws.com", Description="bots")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForLexBots"
    assert role["Path"] == "/aws-service-role/lex.amazonaws.com/"
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": ["lex.amazonaws.com"]}
    suffixed = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="web")
    assert suffixed["Role"]["RoleName"] == "AWSServiceRoleForAutoScaling_web"
    with pytest.raises(ClientError) as error:
        iam.create_service_linked_role(AWSServiceName="lex.amazonaws.com")
    assert _code(error) == "EntityAlreadyExists"
    for change in (
        lambda: iam.delete_role(RoleName=role["RoleName"]),
        lambda: iam.put_role_policy(RoleName=role["RoleName"], PolicyName="p", PolicyDocument=ALLOW_S3),
        lambda: iam.update_assume_role_policy(RoleName=role["RoleName"], PolicyDocument=json.dumps(TRUST)),
    ):
        with pytest.raises(ClientError) as error:
            change()
        assert _code(error) == "UnmodifiableEntity"


def test_instance_profiles(client: Any) -> None:
    iam = client("iam")
    profile, role, other = _name("ip"), _role(iam), _role(iam)
    created = iam.create_instance_profile(
        InstanceProfileName=profile, Path="/web/", Tags=[{"Key": "k", "Value": "v"}]
    )["InstanceProfile"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:instance-profile/web/{profile}"
    assert created["InstanceProfileId"].startswith("AIPA") and created["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    with pytest.raises(ClientError) as error:
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=other)
    assert _code(error) == "LimitExceeded"
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == TRUST
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    for_role = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == [profile]
    assert profile in [
        p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/web/")["InstanceProfiles"]
    ]
    with pytest.raises(ClientError) as error:
        iam.delete_instance_profile(InstanceProfileName=profile)
    assert _code(error) == "DeleteConflict"
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.tag_instance_profile(InstanceProfileName=profile, Tags=[{"Key": "k2", "Value": "v2"}])
    iam.untag_instance_profile(InstanceProfileName=profile, TagKeys=["k"])
    assert iam.list_instance_profile_tags(InstanceProfileName=profile)["Tags"] == [
        {"Key": "k2", "Value": "v2"}
    ]
    iam.delete_instance_profile(InstanceProfileName=profile)
    with pytest.raises(ClientError) as error:
        iam.get_instance_profile(InstanceProfileName=profile)
    assert _code(error) == "NoSuchEntity"
    assert error.value.response["Error"]["Message"] == f"Instance Profile {profile} cannot be found."
