"""IAM groups through boto3: members, renames, the groups-per-user quota, and AWS's errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _name(prefix: str = "g") -> str:
    return f"{prefix}-" + uuid.uuid4().hex[:10]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_create_get_with_members_list_delete(client: Any) -> None:
    iam = client("iam")
    group, alice, bob = _name(), _name("u"), _name("u")
    created = iam.create_group(GroupName=group, Path="/teams/")["Group"]
    assert created["Arn"] == f"arn:aws:iam::000000000000:group/teams/{group}"
    assert created["GroupId"].startswith("AGPA")
    for user in (alice, bob):
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=alice)  # adding twice changes nothing
    got = iam.get_group(GroupName=group)
    assert got["Group"]["GroupId"] == created["GroupId"]
    assert sorted(u["UserName"] for u in got["Users"]) == sorted([alice, bob])
    assert group in [g["GroupName"] for g in iam.list_groups(PathPrefix="/teams/")["Groups"]]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=alice)["Groups"]] == [group]
    with pytest.raises(ClientError) as error:
        iam.delete_group(GroupName=group)
    assert _code(error) == "DeleteConflict"
    for user in (alice, bob):
        iam.remove_user_from_group(GroupName=group, UserName=user)
    assert iam.get_group(GroupName=group)["Users"] == []
    iam.delete_group(GroupName=group)
    with pytest.raises(ClientError) as error:
        iam.get_group(GroupName=group)
    assert _code(error) == "NoSuchEntity"
    assert error.value.response["Error"]["Message"] == f"The group with name {group} cannot be found."


def test_duplicate_group_is_entity_already_exists(client: Any) -> None:
    iam = client("iam")
    group = _name()
    iam.create_group(GroupName=group)
    with pytest.raises(ClientError) as error:
        iam.create_group(GroupName=group.upper())
    assert _code(error) == "EntityAlreadyExists"


def test_update_group_renames_and_members_follow(client: Any) -> None:
    iam = client("iam")
    group, new_group, user = _name(), _name(), _name("u")
    iam.create_group(GroupName=group)
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.update_group(GroupName=group, NewGroupName=new_group, NewPath="/renamed/")
    got = iam.get_group(GroupName=new_group)
    assert got["Group"]["Arn"].endswith(f":group/renamed/{new_group}")
    assert [u["UserName"] for u in got["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [new_group]
    with pytest.raises(ClientError) as error:
        iam.get_group(GroupName=group)
    assert _code(error) == "NoSuchEntity"


def test_remove_a_user_who_is_not_a_member(client: Any) -> None:
    iam = client("iam")
    group, user = _name(), _name("u")
    iam.create_group(GroupName=group)
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as error:
        iam.remove_user_from_group(GroupName=group, UserName=user)
    assert _code(error) == "NoSuchEntity"
    with pytest.raises(ClientError) as error:
        iam.add_user_to_group(GroupName=group, UserName=user + "-missing")
    assert _code(error) == "NoSuchEntity"


def test_a_user_is_in_at_most_ten_groups(client: Any) -> None:
    iam = client("iam")
    user = _name("u")
    iam.create_user(UserName=user)
    groups = [_name() for _ in range(11)]
    for group in groups:
        iam.create_group(GroupName=group)
    for group in groups[:10]:
        iam.add_user_to_group(GroupName=group, UserName=user)
    with pytest.raises(ClientError) as error:
        iam.add_user_to_group(GroupName=groups[10], UserName=user)
    assert _code(error) == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == "Cannot exceed quota for GroupsPerUser: 10"


def test_get_group_paginates_its_members(client: Any) -> None:
    iam = client("iam", aws_access_key_id="210000000001", aws_secret_access_key="x")
    group = _name()
    iam.create_group(GroupName=group)
    users = sorted(_name("u") for _ in range(5))
    for user in users:
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
    seen: list[str] = []
    for page in iam.get_paginator("get_group").paginate(GroupName=group, PaginationConfig={"PageSize": 2}):
        seen += [u["UserName"] for u in page["Users"]]
    assert seen == users
