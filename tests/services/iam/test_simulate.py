"""IAM's policy simulator through boto3: custom policies, a principal's own policies, and their details."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account

READ_ONLY_S3 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {
                "Sid": "NoSecrets",
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::secrets/*",
            },
        ],
    },
    indent=2,
)


def _results(response: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["EvalActionName"], r["EvalResourceName"]): r for r in response["EvaluationResults"]}


def test_custom_policy_decisions_and_matched_statements(client: Any) -> None:
    iam = client("iam")
    response = iam.simulate_custom_policy(
        PolicyInputList=[READ_ONLY_S3],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::photos/cat.jpg", "arn:aws:s3:::secrets/key"],
    )
    results = _results(response)
    allowed = results[("s3:GetObject", "arn:aws:s3:::photos/cat.jpg")]
    assert allowed["EvalDecision"] == "allowed"
    assert allowed["MatchedStatements"] == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 4, "Column": 5},
            "EndPosition": {"Line": 12, "Column": 5},
        }
    ]
    denied = results[("s3:GetObject", "arn:aws:s3:::secrets/key")]
    assert denied["EvalDecision"] == "explicitDeny"
    assert denied["MatchedStatements"][0]["StartPosition"] == {"Line": 13, "Column": 5}
    assert results[("s3:PutObject", "arn:aws:s3:::photos/cat.jpg")]["EvalDecision"] == "implicitDeny"
    assert results[("s3:PutObject", "arn:aws:s3:::photos/cat.jpg")]["MatchedStatements"] == []
    assert response["IsTruncated"] is False


def test_context_entries_and_missing_context_values(client: Any) -> None:
    office = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "cloudtrail:*",
                    "Resource": "*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.10.0.0/16"}},
                }
            ],
        }
    )
    iam = client("iam")

    def decide(address: str | None) -> dict[str, Any]:
        entries = [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [address], "ContextKeyType": "ip"}]
        response = iam.simulate_custom_policy(
            PolicyInputList=[office],
            ActionNames=["cloudtrail:DescribeTrails"],
            ContextEntries=entries if address else [],
        )
        return response["EvaluationResults"][0]

    assert decide("10.10.3.4")["EvalDecision"] == "allowed"
    assert decide("192.168.0.1")["EvalDecision"] == "implicitDeny"
    missing = decide(None)
    assert missing["EvalDecision"] == "implicitDeny"
    assert missing["MissingContextValues"] == ["aws:SourceIp"]


def test_boundary_detail(client: Any) -> None:
    iam = client("iam")
    admin = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    iam_only = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}
    )
    result = iam.simulate_custom_policy(
        PolicyInputList=[admin],
        PermissionsBoundaryPolicyInputList=[iam_only],
        ActionNames=["s3:ListAllMyBuckets", "iam:ListUsers"],
    )["EvaluationResults"]
    by_action = {r["EvalActionName"]: r for r in result}
    assert by_action["s3:ListAllMyBuckets"]["EvalDecision"] == "implicitDeny"
    assert by_action["s3:ListAllMyBuckets"]["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": False
    }
    assert by_action["iam:ListUsers"]["EvalDecision"] == "allowed"


def test_principal_policy_of_a_user_with_group_and_managed_policies(client: Any) -> None:
    account = new_account()
    iam = client("iam", aws_access_key_id=account, aws_secret_access_key="x")
    iam.create_user(UserName="bob")
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="bob")
    iam.put_group_policy(
        GroupName="ops",
        PolicyName="no-delete",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}],
            }
        ),
    )
    iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    results = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account}:user/bob",
        ActionNames=["s3:PutObject", "s3:DeleteBucket", "iam:CreateUser"],
    )["EvaluationResults"]
    by_action = {r["EvalActionName"]: r for r in results}
    put = by_action["s3:PutObject"]
    assert put["EvalDecision"] == "allowed"
    assert put["MatchedStatements"][0]["SourcePolicyId"] == "AmazonS3FullAccess"
    assert put["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    delete = by_action["s3:DeleteBucket"]
    assert delete["EvalDecision"] == "explicitDeny"
    assert delete["MatchedStatements"][0]["SourcePolicyId"] == "no-delete"
    assert delete["MatchedStatements"][0]["SourcePolicyType"] == "group"
    assert by_action["iam:CreateUser"]["EvalDecision"] == "implicitDeny"

    group = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account}:group/ops", ActionNames=["s3:DeleteBucket"]
    )["EvaluationResults"][0]
    assert group["EvalDecision"] == "explicitDeny"


def test_principal_policy_errors(client: Any) -> None:
    iam = client("iam")
    with pytest.raises(ClientError) as error:
        iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::000000000000:user/nobody-here", ActionNames=["s3:*"]
        )
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as error:
        iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["s3:GetObject"])
    assert error.value.response["Error"]["Code"] == "InvalidInput"
