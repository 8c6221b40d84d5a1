"""Wildcards for actions, resource ARNs and principals, and policy variables."""

from __future__ import annotations

import pytest

from fogbank.policy import LabelledPolicy, PolicySet, evaluate, parse_policy

from .helpers import ACCOUNT, BOB, SESSION, allow, document, policy, request


def allowed(statement: dict[str, object], **kwargs: object) -> bool:
    return evaluate(request(**kwargs), PolicySet(identity=[policy(statement)])).allowed  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("s3:GetObject", "s3:GetObject", True),
        ("s3:getobject", "S3:GETOBJECT", True),
        ("s3:Get*", "s3:GetObjectAcl", True),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:*Object", "s3:PutObject", True),
        ("s3:?etObject", "s3:GetObject", True),
        ("s3:?etObject", "s3:GGetObject", False),
        ("*", "ec2:RunInstances", True),
        ("s3:GetObject", "s3:GetObjectAcl", False),
        ("*:Get*", "iam:GetUser", True),
    ],
)
def test_actions(pattern: str, action: str, expected: bool) -> None:
    assert allowed(allow(pattern), action=action) is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-2/key", True),
        ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/k", False),
        ("arn:aws:s3:::b/?", "arn:aws:s3:::b/k", True),
        ("arn:aws:s3:::b/?", "arn:aws:s3:::b/kk", False),
        ("*", "arn:aws:s3:::anything/at:all", True),
        ("arn:aws:iam::111111111111:*", "arn:aws:iam::111111111111:user/path/bob", True),
        ("arn:aws:iam::*:user/bob", "arn:aws:iam::111111111111:user/bob", True),
        ("arn:aws:iam::1*1:user/bob", "arn:aws:iam::111111111111:user/bob", True),
        ("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-1:111111111111:instance/i-1", True),
        ("arn:aws:ec2:us-*1:*:instance/*", "arn:aws:ec2:eu-west-1:111111111111:instance/i-1", False),
        ("arn:aws:logs:*:*:log-group:g:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s", True),
        ("arn:aws:s3:::b/k", "*", False),
        ("arn:aws:sqs:*:111111111111:q", "arn:aws:sqs:us-east-1:111111111111:q", True),
        ("arn:aws:sqs:u?-east-1:111111111111:q", "arn:aws:sqs:us-east-1:111111111111:q", True),
    ],
)
def test_resources(pattern: str, resource: str, expected: bool) -> None:
    assert allowed(allow("s3:GetObject", pattern), resource=resource) is expected


def test_not_action_and_not_resource() -> None:
    statement = {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"}
    assert allowed(statement, action="s3:GetObject", resource="arn:aws:s3:::b/k")
    assert not allowed(statement, action="IAM:CreateUser", resource="arn:aws:s3:::b/k")
    assert not allowed(statement, action="s3:GetObject", resource="arn:aws:s3:::secret/k")


def test_username_and_userid_variables() -> None:
    statement = allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")
    assert allowed(statement, resource="arn:aws:s3:::home/bob/notes")
    assert not allowed(statement, resource="arn:aws:s3:::home/alice/notes")
    assert not allowed(statement, resource="arn:aws:s3:::home/bob/notes", principal=SESSION)
    by_id = allow("s3:*", "arn:aws:s3:::home/${aws:userid}")
    assert allowed(by_id, resource="arn:aws:s3:::home/AIDABOB")
    assert allowed(by_id, resource="arn:aws:s3:::home/AROAADMIN:sess", principal=SESSION)


def test_variables_from_context_tags_and_defaults() -> None:
    tagged = allow("s3:*", "arn:aws:s3:::team-${aws:PrincipalTag/team}/*")
    assert allowed(tagged, resource="arn:aws:s3:::team-red/x", **{"aws:principaltag/team": "red"})
    assert not allowed(tagged, resource="arn:aws:s3:::team-/x")
    defaulted = allow("s3:*", "arn:aws:s3:::team-${aws:PrincipalTag/team, 'none'}/*")
    assert allowed(defaulted, resource="arn:aws:s3:::team-none/x")
    assert allowed(defaulted, resource="arn:aws:s3:::team-blue/x", **{"aws:PrincipalTag/team": "blue"})
    in_condition = allow(Condition={"StringEquals": {"s3:prefix": "home/${aws:username}"}})
    assert allowed(in_condition, **{"s3:prefix": "home/bob"})
    assert not allowed(in_condition, **{"s3:prefix": "home/${aws:username}"})


def test_special_variables_are_literal_characters() -> None:
    statement = allow("s3:*", "arn:aws:s3:::b/${*}${?}${$}")
    assert allowed(statement, resource="arn:aws:s3:::b/*?$")
    assert not allowed(statement, resource="arn:aws:s3:::b/abc")
    like = allow(Condition={"StringLike": {"s3:prefix": "a${*}*"}})
    assert allowed(like, **{"s3:prefix": "a*anything"})
    assert not allowed(like, **{"s3:prefix": "anything"})


def test_variable_values_are_not_wildcards() -> None:
    statement = allow("s3:*", "arn:aws:s3:::home/${aws:PrincipalTag/dir}")
    assert not allowed(statement, resource="arn:aws:s3:::home/x", **{"aws:PrincipalTag/dir": "*"})
    assert allowed(statement, resource="arn:aws:s3:::home/*", **{"aws:PrincipalTag/dir": "*"})


@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_variables_need_version_2012(version: str | None) -> None:
    text = document(allow("s3:*", "arn:aws:s3:::home/${aws:username}"), version=version)
    policies = PolicySet(identity=[LabelledPolicy("p", parse_policy(text, "identity"))])
    assert not evaluate(request(resource="arn:aws:s3:::home/bob"), policies).allowed
    assert evaluate(request(resource="arn:aws:s3:::home/${aws:username}"), policies).allowed


def test_principal_account_id_means_root_arn() -> None:
    bucket = policy(allow(Principal={"AWS": ACCOUNT}), kind="resource")
    decision = evaluate(request(principal=BOB), PolicySet(resource=[bucket]))
    assert not decision.allowed  # naming the account delegates to its identity-based policies
    assert evaluate(request(principal=BOB), PolicySet(identity=[policy(allow())], resource=[bucket])).allowed
