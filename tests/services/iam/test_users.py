"""IAM users through boto3: create, read, list with paths, delete, and AWS's errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _name() -> str:
    return "user-" + uuid.uuid4().hex[:10]


def test_create_get_list_delete(client: Any) -> None:
    iam = client("iam")
    name = _name()
    created = iam.create_user(UserName=name, Path="/engineering/")["User"]
    assert created["UserName"] == name
    assert created["Arn"] == f"arn:aws:iam::000000000000:user/engineering/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    fetched = iam.get_user(UserName=name)["User"]
    assert fetched["UserId"] == created["UserId"]
    assert fetched["CreateDate"] == created["CreateDate"]
    listed = iam.list_users(PathPrefix="/engineering/")["Users"]
    assert name in [u["UserName"] for u in listed]
    iam.delete_user(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.get_user(UserName=name)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_duplicate_name_is_entity_already_exists_case_insensitively(client: Any) -> None:
    iam = client("iam")
    name = _name()
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.create_user(UserName=name.upper())
    assert error.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_users_are_per_account(client: Any) -> None:
    name = _name()
    client("iam").create_user(UserName=name)
    other = client("iam", aws_access_key_id="111122223333", aws_secret_access_key="x")
    with pytest.raises(ClientError) as error:
        other.get_user(UserName=name)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"


def test_list_users_paginates_with_marker(client: Any) -> None:
    iam = client("iam", aws_access_key_id="444455556666", aws_secret_access_key="x")
    names = sorted(_name() for _ in range(5))
    for name in names:
        iam.create_user(UserName=name)
    seen: list[str] = []
    for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2}):
        seen += [u["UserName"] for u in page["Users"]]
    assert seen == names


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_update_user_renames_and_moves_and_keeps_its_keys(client: Any) -> None:
    iam = client("iam")
    name, new_name = _name(), _name()
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.update_user(UserName=name, NewUserName=new_name, NewPath="/moved/")
    user = iam.get_user(UserName=new_name)["User"]
    assert user["Path"] == "/moved/"
    assert user["Arn"].endswith(f":user/moved/{new_name}")
    with pytest.raises(ClientError) as error:
        iam.get_user(UserName=name)
    assert _code(error) == "NoSuchEntity"
    keys = iam.list_access_keys(UserName=new_name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [key]


def test_update_user_to_a_taken_name_is_entity_already_exists(client: Any) -> None:
    iam = client("iam")
    first, second = _name(), _name()
    iam.create_user(UserName=first)
    iam.create_user(UserName=second)
    with pytest.raises(ClientError) as error:
        iam.update_user(UserName=first, NewUserName=second.upper())
    assert _code(error) == "EntityAlreadyExists"


def test_delete_user_refuses_while_things_hang_off_it(client: Any) -> None:
    iam = client("iam")
    name, group = _name(), _name()
    iam.create_user(UserName=name)
    iam.create_group(GroupName=group)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.add_user_to_group(UserName=name, GroupName=group)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=_ALLOW_ALL)
    steps = [
        ("access keys", lambda: iam.delete_access_key(UserName=name, AccessKeyId=key)),
        ("policies", lambda: iam.delete_user_policy(UserName=name, PolicyName="p")),
        ("all groups", lambda: iam.remove_user_from_group(UserName=name, GroupName=group)),
    ]
    for what, undo in steps:
        with pytest.raises(ClientError) as error:
            iam.delete_user(UserName=name)
        assert _code(error) == "DeleteConflict"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        assert what in error.value.response["Error"]["Message"]
        undo()
    iam.delete_user(UserName=name)


_ALLOW_ALL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'


def test_user_tags(client: Any) -> None:
    iam = client("iam")
    name = _name()
    iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "a"}])
    iam.tag_user(UserName=name, Tags=[{"Key": "Team", "Value": "b"}, {"Key": "cost", "Value": "1"}])
    assert iam.list_user_tags(UserName=name)["Tags"] == [
        {"Key": "Team", "Value": "b"},
        {"Key": "cost", "Value": "1"},
    ]
    assert iam.get_user(UserName=name)["User"]["Tags"] == iam.list_user_tags(UserName=name)["Tags"]
    iam.untag_user(UserName=name, TagKeys=["team", "absent"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "cost", "Value": "1"}]


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ([{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}], "InvalidInput"),
        ([{"Key": "aws:thing", "Value": "1"}], "InvalidInput"),
        ([{"Key": "bad#key", "Value": "1"}], "ValidationError"),
        ([{"Key": "k" * 129, "Value": "1"}], "ValidationError"),
    ],
)
def test_bad_tags_are_refused(client: Any, tags: list[dict[str, str]], code: str) -> None:
    iam = client("iam")
    name = _name()
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.tag_user(UserName=name, Tags=tags)
    assert _code(error) == code


def test_more_than_fifty_tags_is_limit_exceeded(client: Any) -> None:
    iam = client("iam")
    name = _name()
    iam.create_user(UserName=name, Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
    iam.tag_user(UserName=name, Tags=[{"Key": "k1", "Value": "replaced"}])
    with pytest.raises(ClientError) as error:
        iam.tag_user(UserName=name, Tags=[{"Key": "one-more", "Value": ""}])
    assert _code(error) == "LimitExceeded"


def test_user_permissions_boundary(client: Any) -> None:
    iam = client("iam")
    name = _name()
    policy = iam.create_policy(PolicyName=_name(), PolicyDocument=_ALLOW_ALL)["Policy"]["Arn"]
    iam.create_user(UserName=name)
    iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=policy)
    assert iam.get_user(UserName=name)["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": policy,
    }
    assert "PermissionsBoundary" not in [u for u in iam.list_users()["Users"] if u["UserName"] == name][0]
    iam.delete_user_permissions_boundary(UserName=name)
    assert "PermissionsBoundary" not in iam.get_user(UserName=name)["User"]
    with pytest.raises(ClientError) as error:
        iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=policy + "-gone")
    assert _code(error) == "NoSuchEntity"
