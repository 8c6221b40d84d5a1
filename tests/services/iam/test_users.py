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
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 20
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
