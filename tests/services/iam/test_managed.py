"""The AWS managed policy catalogue: the shipped documents load, and name and ARN look-ups are exact."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from fogbank.services.iam.managed import list_managed_policies, managed_policy

EXPECTED = {
    "AdministratorAccess": "/",
    "PowerUserAccess": "/",
    "ReadOnlyAccess": "/",
    "IAMReadOnlyAccess": "/",
    "AmazonS3FullAccess": "/",
    "AmazonS3ReadOnlyAccess": "/",
    "AmazonDynamoDBFullAccess": "/",
    "AmazonSQSFullAccess": "/",
    "AmazonSNSFullAccess": "/",
    "AWSLambda_FullAccess": "/",
    "AWSLambdaBasicExecutionRole": "/service-role/",
    "AWSKeyManagementServicePowerUser": "/",
    "CloudWatchLogsFullAccess": "/",
}


@pytest.mark.parametrize("name,path", EXPECTED.items())
def test_the_common_policies_are_there_with_their_paths(name: str, path: str) -> None:
    policy = managed_policy(name)
    assert policy is not None
    assert policy.PolicyName == name
    assert policy.Path == path
    assert policy.Arn == f"arn:aws:iam::aws:policy{path}{name}"
    assert managed_policy(policy.Arn) == policy


def test_administrator_access_allows_everything() -> None:
    policy = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert policy is not None
    document = json.loads(policy.Document)
    assert document["Version"] == "2012-10-17"
    assert document["Statement"] == [{"Action": "*", "Effect": "Allow", "Resource": "*"}]
    assert re.fullmatch(r"v\d+", policy.DefaultVersionId)


def test_lambda_basic_execution_role_grants_logging() -> None:
    policy = managed_policy("AWSLambdaBasicExecutionRole")
    assert policy is not None
    actions = {a for s in json.loads(policy.Document)["Statement"] for a in s["Action"]}
    assert {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"} <= actions


def test_an_arn_must_name_the_policy_with_its_path() -> None:
    assert managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None
    assert managed_policy("arn:aws:iam::aws:policy/service-role/AdministratorAccess") is None
    assert managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere") is None
    assert managed_policy("NoSuchPolicyAnywhere") is None


def test_ids_are_stable_and_shaped_as_iam_ids() -> None:
    policies = list_managed_policies()
    ids = [p.PolicyId for p in policies]
    assert all(re.fullmatch(r"ANPA[A-Z0-9]{17}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert managed_policy("ReadOnlyAccess") == next(p for p in policies if p.PolicyName == "ReadOnlyAccess")


def test_every_document_is_a_policy_and_dates_are_iso_utc() -> None:
    policies = list_managed_policies()
    assert len(policies) > 1000
    for policy in policies:
        document = json.loads(policy.Document)
        assert document["Statement"], policy.PolicyName
        assert policy.CreateDate.endswith("+00:00") and policy.UpdateDate >= policy.CreateDate


def test_listing_filters_by_path_prefix() -> None:
    service_roles = list_managed_policies("/service-role/")
    names = {p.PolicyName for p in service_roles}
    assert "AWSLambdaBasicExecutionRole" in names and "AdministratorAccess" not in names
    assert all(p.Path.startswith("/service-role/") for p in service_roles)
    assert [p.PolicyName for p in service_roles] == sorted(names)


def test_the_catalogue_is_not_read_at_server_start() -> None:
    code = (
        "import fogbank.server, fogbank.authorization\n"
        "from fogbank.services import registry\n"
        "from fogbank.services.iam import managed\n"
        "list(registry().values())  # every service package imported\n"
        "assert managed._catalogue.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
