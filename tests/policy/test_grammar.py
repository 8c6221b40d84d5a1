"""parse_policy: the grammar's rules and AWS's MalformedPolicyDocument messages."""

from __future__ import annotations

import json

import pytest

from fogbank.policy import PolicyError, parse_policy

from .helpers import allow, document


def error(text: str, kind: str = "identity") -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, kind)  # type: ignore[arg-type]
    return caught.value.message


def test_statement_as_object_or_list_with_ids() -> None:
    single = parse_policy(json.dumps({"Version": "2012-10-17", "Id": "x", "Statement": allow()}), "identity")
    assert single.id == "x" and len(single.statements) == 1
    listed = parse_policy(document(allow(Sid="A"), allow(Sid="B")), "identity")
    assert [s.sid for s in listed.statements] == ["A", "B"]


def test_parse_is_cached_by_text_and_kind() -> None:
    text = document(allow("s3:GetObject"))
    assert parse_policy(text, "identity") is parse_policy(text, "identity")
    assert parse_policy(text, "identity") is not parse_policy(text, "session")


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",}]}',
        "not json",
        "[]",
        '{"Version": "2012-10-17"}',
        document(allow(), version="2010-01-01"),
        json.dumps({"Statement": [allow()], "Extra": 1}),
        document({**allow(), "Bogus": 1}),
        document({**allow(), "NotAction": "s3:*"}),
        document({**allow(), "NotResource": "*"}),
        document({**allow(), "Effect": "allow"}),
        document(allow(action=["s3:GetObject", 3])),
        document(allow(Condition={"StringEquals": "x"})),
        document(allow(Condition={"StringEquals": {"aws:username": {"a": 1}}})),
    ],
)
def test_syntax_errors(text: str) -> None:
    assert error(text) == "Syntax errors in policy."


def test_missing_effect() -> None:
    assert error(document({"Action": "*", "Resource": "*"})) == "Missing required field Effect"


def test_principal_rules_per_kind() -> None:
    named = document(allow(Principal={"AWS": "111111111111"}))
    assert error(named) == "Policy document should not specify a principal."
    assert error(named, "session") == "Has prohibited field Principal"
    assert error(named, "boundary") == "Has prohibited field Principal"
    assert error(document(allow()), "resource") == "Missing required field Principal"
    trust = document({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert error(trust, "trust") == "Missing required field Principal"
    assert parse_policy(named, "resource").statements[0].principal is not None
    assert error(document(allow("sts:AssumeRole", Principal="*")), "trust") == "Has prohibited field Resource"


def test_trust_policy_actions_are_sts() -> None:
    good = document(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}
    )
    assert parse_policy(good, "trust").statements[0].resources is None
    bad = document({"Effect": "Allow", "Action": "s3:GetObject", "Principal": "*"})
    assert error(bad, "trust") == "AssumeRole policy may only specify STS AssumeRole actions."


@pytest.mark.parametrize(
    "principal",
    [{"AWS": "bob"}, {"AWS": "arn:aws:iam::111111111111:user/*"}, {"Bogus": "x"}, "bob", {"AWS": []}],
)
def test_invalid_principals(principal: object) -> None:
    assert error(document(allow(Principal=principal)), "resource") == "Invalid principal in policy"


def test_principal_forms() -> None:
    text = document(
        allow(Principal={"AWS": ["111111111111", "arn:aws:sts::111111111111:assumed-role/R/s"]}),
        allow(Principal={"Service": "Lambda.amazonaws.com", "Federated": "accounts.google.com"}),
        allow(
            Principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}
        ),
        allow(Principal={"AWS": "*"}),
    )
    compiled = parse_policy(text, "resource")
    first, second, _, fourth = (s.principal for s in compiled.statements)
    assert first is not None and second is not None and fourth is not None
    assert "arn:aws:iam::111111111111:root" in first.aws
    assert second.service == {"lambda.amazonaws.com"} and second.federated == {"accounts.google.com"}
    assert fourth.everyone
    assert compiled.principal_arns() == (
        "arn:aws:iam::111111111111:root",
        "arn:aws:sts::111111111111:assumed-role/R/s",
    )


def test_actions_required_and_prefaced() -> None:
    assert error(document({"Effect": "Allow", "Resource": "*"})) == "Policy statement must contain actions."
    assert error(document(allow(action=[]))) == "Policy statement must contain actions."
    vendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    assert error(document(allow("GetObject"))) == vendor
    assert error(document(allow("s3:Get:Object"))) == "Actions/Condition can contain only one colon."
    assert error(document(allow("s 3:GetObject"))) == "Vendor s 3 is not valid"
    assert error(document(allow(Condition={"StringEquals": {"SourceIp": "x"}}))) == vendor


def test_resources_required_and_shaped() -> None:
    assert error(document({"Effect": "Allow", "Action": "*"})) == "Policy statement must contain resources."
    assert error(document(allow(resource="bucket"))) == 'Resource bucket must be in ARN format or "*".'
    assert error(document(allow(resource="arn:foo:s3:::b"))) == (
        'Partition "foo" is not valid for resource "arn:foo:s3:::b".'
    )
    assert error(document(allow(resource="arn:aws:s3*:::b"))) == (
        "Resource vendor must be fully qualified and cannot contain regexes."
    )
    assert error(document(allow(resource="arn:aws:s3::b"))) == "The policy failed legacy parsing"
    parse_policy(
        document(allow(resource=["arn:aws:iam::111111111111:*", "arn:aws:s3:::*/*", "arn:*"])), "identity"
    )


def test_sids() -> None:
    assert error(document(allow(Sid="A"), allow(Sid="A"))) == (
        "Statement IDs (SID) in a single policy must be unique."
    )
    assert error(document(allow(Sid="has space"))).startswith("Statement IDs (SID) must be alpha-numeric.")
    parse_policy(document(allow(Sid="has space", Principal="*")), "resource")


def test_conditions_are_checked() -> None:
    assert error(document(allow(Condition={"StringEqualz": {"aws:username": "x"}}))) == (
        "Invalid Condition type : StringEqualz"
    )
    assert error(document(allow(Condition={"NullIfExists": {"aws:username": "true"}}))) == (
        "Invalid Condition type : NullIfExists"
    )
    for operator, value in [
        ("DateGreaterThan", "yesterday"),
        ("NumericLessThan", "ten"),
        ("IpAddress", "10.0.0.0/33"),
        ("BinaryEquals", "not base64!"),
    ]:
        text = document(allow(Condition={operator: {"aws:x": value}}))
        assert error(text) == "The policy failed legacy parsing", operator
    parse_policy(
        document(
            allow(
                Condition={
                    "ForAllValues:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]},
                    "ForAnyValue:NumericEquals": {"s3:max-keys": [1, 2.5]},
                    "Bool": {"aws:SecureTransport": True},
                }
            )
        ),
        "identity",
    )


def test_versions() -> None:
    assert parse_policy(document(allow(), version="2008-10-17"), "identity").version == "2008-10-17"
    assert parse_policy(document(allow(), version=None), "identity").version is None


def test_statements_indexed_by_service() -> None:
    compiled = parse_policy(
        document(
            allow("s3:Get*"),
            allow(["ec2:*", "S3:Put*"]),
            allow("*"),
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        ),
        "identity",
    )
    statements = compiled.statements
    assert [s.services for s in statements] == [{"s3"}, {"ec2", "s3"}, None, None]
    assert compiled.candidates("s3") == statements
    assert compiled.candidates("ec2") == statements[1:]
    assert compiled.candidates("sqs") == statements[2:]
