"""Property: for generated policy sets, live enforcement, SimulateCustomPolicy and the explanation agree.

Each case gives an IAM user generated inline policies, makes a real request signed with the user's key,
simulates the same action and resource with the same context, and reads the recorded decision back from
/_fogbank/explain. The three answers must be the same decision.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scenarios.iam_helpers import client_for, new_account, user_with_policies
from tests.server import FogbankServer

ACCOUNT = new_account()
NAMES = ["alpha", "beta", "gamma-1"]
CALLS: dict[str, tuple[str, str, str]] = {
    # action: (method, parameter, resource type)
    "iam:GetUser": ("get_user", "UserName", "user"),
    "iam:GetRole": ("get_role", "RoleName", "role"),
    "iam:GetGroup": ("get_group", "GroupName", "group"),
    "iam:GetInstanceProfile": ("get_instance_profile", "InstanceProfileName", "instance-profile"),
}
ACTIONS = ["iam:GetUser", "iam:Get*", "iam:*", "iam:GetRole", "iam:Get?ser", "s3:*", "*", "iam:List*"]
RESOURCES = [
    "*",
    f"arn:aws:iam::{ACCOUNT}:user/*",
    f"arn:aws:iam::{ACCOUNT}:user/a*",
    f"arn:aws:iam::{ACCOUNT}:role/beta",
    "arn:aws:iam::*:group/*",
    f"arn:aws:iam::{ACCOUNT}:*",
]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
    {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"Bool": {"aws:SecureTransport": "false"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
    {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.1/32"]}},
    {"StringLike": {"aws:username": "sub*"}},
    {"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}},
]
CONTEXT = [
    {"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["us-east-1"], "ContextKeyType": "string"},
    {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["false"], "ContextKeyType": "boolean"},
    {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["127.0.0.1"], "ContextKeyType": "ip"},
    {"ContextKeyName": "aws:username", "ContextKeyValues": ["subject"], "ContextKeyType": "string"},
]


def _element(values: list[str]) -> Any:
    return st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True).map(
        lambda chosen: chosen[0] if len(chosen) == 1 else chosen
    )


@st.composite
def statement(draw: st.DrawFn) -> dict[str, Any]:
    generated: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    generated[draw(st.sampled_from(["Action", "Action", "NotAction"]))] = draw(_element(ACTIONS))
    generated[draw(st.sampled_from(["Resource", "Resource", "NotResource"]))] = draw(_element(RESOURCES))
    if draw(st.booleans()):
        generated["Condition"] = draw(st.sampled_from(CONDITIONS))
    return generated


policy = st.lists(statement(), min_size=1, max_size=3).map(
    lambda statements: json.dumps({"Version": "2012-10-17", "Statement": statements})
)


@pytest.fixture(scope="module")
def subject(server: FogbankServer) -> Iterator[tuple[Any, Any]]:
    make, _ = user_with_policies(server, ACCOUNT, "subject")
    root = client_for(server, "iam", ACCOUNT, "x")
    root.create_user(UserName="alpha")
    root.create_role(
        RoleName="beta",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
            }
        ),
    )
    yield make("iam"), root


def _explained(server: FogbankServer, request_id: str) -> str:
    with urllib.request.urlopen(f"{server.endpoint}/_fogbank/explain/{request_id}", timeout=5) as response:
        decisions = json.loads(response.read())["decisions"]
    return "allowed" if all(d["decision"] == "allowed" for d in decisions) else "denied"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    policies=st.lists(policy, min_size=1, max_size=2),
    action=st.sampled_from(sorted(CALLS)),
    name=st.sampled_from(NAMES),
)
def test_enforcement_simulation_and_explanation_agree(
    server: FogbankServer, subject: tuple[Any, Any], policies: list[str], action: str, name: str
) -> None:
    user, root = subject
    for index in range(2):
        if index < len(policies):
            root.put_user_policy(UserName="subject", PolicyName=f"p{index}", PolicyDocument=policies[index])
        else:
            try:
                root.delete_user_policy(UserName="subject", PolicyName=f"p{index}")
            except ClientError:
                pass
    method, parameter, kind = CALLS[action]
    try:
        response = getattr(user, method)(**{parameter: name})
        live, request_id = "allowed", response["ResponseMetadata"]["RequestId"]
    except ClientError as error:
        code = error.response["Error"]["Code"]
        live = "denied" if code == "AccessDenied" else "allowed"  # NoSuchEntity: allowed, then not found
        request_id = error.response["ResponseMetadata"]["RequestId"]

    resource = f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"
    simulated = root.simulate_custom_policy(
        PolicyInputList=policies,
        ActionNames=[action],
        ResourceArns=[resource],
        CallerArn=f"arn:aws:iam::{ACCOUNT}:user/subject",
        ContextEntries=CONTEXT,
    )["EvaluationResults"][0]["EvalDecision"]
    assert (live == "allowed") == (simulated == "allowed"), (policies, action, resource, simulated)
    assert _explained(server, request_id) == live, (policies, action, resource)
