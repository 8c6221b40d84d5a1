"""AWS's evaluation logic, rule by rule, with the decision's reasons, traces and explanation."""

from __future__ import annotations

import json

from fogbank.policy import LabelledPolicy, PolicySet, PrincipalContext, evaluate, parse_policy, render

from .helpers import (
    ACCOUNT,
    ANONYMOUS,
    BOB,
    CAROL,
    OTHER,
    ROOT,
    SESSION,
    allow,
    deny,
    policy,
    request,
)

BUCKET = "arn:aws:s3:::b/k"


def test_curriculum_example_source_ip() -> None:
    text = (
        '{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1494509737040","Action":"cloudtrail:*",'
        '"Effect":"Allow","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.10.0.0/16"}}}]}'
    )
    policies = PolicySet(identity=[LabelledPolicy("user/bob inline trail", parse_policy(text, "identity"))])
    inside = evaluate(request("cloudtrail:LookupEvents", "*", **{"aws:SourceIp": "10.10.3.4"}), policies)
    assert inside.allowed and inside.reason == "allowed" and inside.because() == ""
    outside = evaluate(request("cloudtrail:LookupEvents", "*", **{"aws:SourceIp": "192.168.0.1"}), policies)
    assert not outside.allowed and outside.reason == "no-identity-allow"
    assert outside.because() == "because no identity-based policy allows the cloudtrail:LookupEvents action"
    (trace,) = outside.traces
    assert trace.label == "user/bob inline trail" and trace.kind == "identity-based policy"
    (statement,) = trace.statements
    assert statement.sid == "Stmt1494509737040" and not statement.matched
    assert statement.why == "Condition IpAddress aws:SourceIp 192.168.0.1 not in 10.10.0.0/16"


def test_implicit_deny_without_policies() -> None:
    decision = evaluate(request(), PolicySet())
    assert (decision.allowed, decision.reason, decision.denied_by) == (False, "no-identity-allow", None)


def test_explicit_deny_wins_everywhere() -> None:
    admin = policy(allow())
    cases = [
        (PolicySet(identity=[admin, policy(deny("s3:*"))]), "identity-based policy"),
        (
            PolicySet(identity=[admin], resource=[policy(deny(Principal="*"), kind="resource")]),
            "resource-based policy",
        ),
        (PolicySet(identity=[admin], boundary=policy(deny("s3:Get*"), allow())), "permissions boundary"),
        (PolicySet(identity=[admin], session=[policy(allow(), deny("s3:GetObject"))]), "session policy"),
    ]
    for policies, where in cases:
        decision = evaluate(request(), policies)
        assert (decision.allowed, decision.reason, decision.denied_by) == (False, "explicit-deny", where)
    assert evaluate(request(), cases[0][0]).because() == "with an explicit deny in an identity-based policy"
    assert evaluate(request(), cases[2][0]).because() == "with an explicit deny in a permissions boundary"


def test_deny_matches_only_what_it_names() -> None:
    policies = PolicySet(
        identity=[policy(allow(), deny("s3:PutObject"), deny("s3:*", "arn:aws:s3:::other/*"))]
    )
    assert evaluate(request("s3:GetObject", BUCKET), policies).allowed


def test_root_of_the_resource_account_skips_identity_policies() -> None:
    assert evaluate(request(principal=ROOT), PolicySet()).allowed
    denied = PolicySet(resource=[policy(deny(Principal={"AWS": ACCOUNT}), kind="resource")])
    decision = evaluate(request(principal=ROOT), denied)
    assert decision.reason == "explicit-deny" and decision.denied_by == "resource-based policy"
    assert not evaluate(request(principal=ROOT, resource_account=OTHER), PolicySet()).allowed
    grant = PolicySet(resource=[policy(allow(Principal={"AWS": ACCOUNT}), kind="resource")])
    assert evaluate(request(principal=ROOT, resource_account=OTHER), grant).allowed


def test_boundary_caps_an_administrator() -> None:
    policies = PolicySet(identity=[policy(allow())], boundary=policy(allow(["s3:Get*", "s3:List*"])))
    assert evaluate(request("s3:GetObject"), policies).allowed
    decision = evaluate(request("iam:CreateUser", "arn:aws:iam::111111111111:user/x"), policies)
    assert decision.reason == "no-boundary-allow"
    assert decision.because() == "because no permissions boundary allows the iam:CreateUser action"
    boundary_only = PolicySet(boundary=policy(allow()))
    assert evaluate(request(), boundary_only).reason == "no-identity-allow"


def test_session_policies_intersect() -> None:
    admin = policy(allow())
    assert not evaluate(request(principal=SESSION), PolicySet(identity=[admin], session=[])).allowed
    scoped = PolicySet(identity=[admin], session=[policy(allow("s3:GetObject"))])
    assert evaluate(request(principal=SESSION), scoped).allowed
    decision = evaluate(request("s3:PutObject", principal=SESSION), scoped)
    assert decision.reason == "no-session-allow"
    assert decision.because() == "because no session policy allows the s3:PutObject action"
    assert not evaluate(request(principal=SESSION), PolicySet(session=[policy(allow())])).allowed


def test_resource_policy_naming_the_user_is_enough_in_the_same_account() -> None:
    bucket = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": BOB.arn}), kind="resource")
    assert evaluate(request(), PolicySet(resource=[bucket])).allowed
    capped = PolicySet(resource=[bucket], boundary=policy(allow("ec2:*")))
    assert evaluate(request(), capped).allowed  # a boundary does not limit a grant to the user ARN itself
    assert evaluate(request("s3:PutObject"), PolicySet(resource=[bucket])).reason == "no-identity-allow"


def test_resource_policy_naming_the_session_or_the_role() -> None:
    scoped = [policy(allow("ec2:*"))]
    by_session = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": SESSION.arn}), kind="resource")
    assert evaluate(request(principal=SESSION), PolicySet(resource=[by_session], session=scoped)).allowed
    by_role = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": SESSION.role_arn}), kind="resource")
    assert evaluate(request(principal=SESSION), PolicySet(resource=[by_role])).allowed
    decision = evaluate(request(principal=SESSION), PolicySet(resource=[by_role], session=scoped))
    assert decision.reason == "no-session-allow"
    decision = evaluate(request(principal=SESSION), PolicySet(resource=[by_role], boundary=scoped[0]))
    assert decision.reason == "no-boundary-allow"


def test_resource_policy_naming_the_account_delegates() -> None:
    bucket = policy(allow("s3:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), kind="resource")
    assert evaluate(request(), PolicySet(resource=[bucket])).reason == "no-identity-allow"
    assert evaluate(request(), PolicySet(identity=[policy(allow("s3:*"))], resource=[bucket])).allowed


def test_cross_account_needs_both_sides() -> None:
    identity = policy(allow("s3:GetObject"))
    bucket = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": CAROL.arn}), kind="resource")
    carol = dict(principal=CAROL, resource_account=ACCOUNT)
    assert evaluate(request(**carol), PolicySet(identity=[identity], resource=[bucket])).allowed  # type: ignore[arg-type]
    decision = evaluate(request(**carol), PolicySet(identity=[identity]))  # type: ignore[arg-type]
    assert decision.reason == "no-resource-allow"
    assert decision.because() == "because no resource-based policy allows the s3:GetObject action"
    assert evaluate(request(**carol), PolicySet(resource=[bucket])).reason == "no-identity-allow"  # type: ignore[arg-type]
    account = policy(allow("s3:*", "*", Principal={"AWS": OTHER}), kind="resource")
    assert evaluate(request(**carol), PolicySet(identity=[identity], resource=[account])).allowed  # type: ignore[arg-type]
    capped = PolicySet(identity=[identity], resource=[bucket], boundary=policy(allow("ec2:*")))
    assert evaluate(request(**carol), capped).reason == "no-boundary-allow"  # type: ignore[arg-type]


def test_key_policies_must_allow_in_their_own_account() -> None:
    admin = policy(allow())
    key = "arn:aws:kms:us-east-1:111111111111:key/k"
    assert evaluate(request("kms:Decrypt", key), PolicySet(identity=[admin])).allowed
    decision = evaluate(request("kms:Decrypt", key), PolicySet(identity=[admin], resource_required=True))
    assert decision.reason == "no-resource-allow"
    delegating = policy(allow("kms:*", Principal={"AWS": ACCOUNT}), kind="resource")
    policies = PolicySet(identity=[admin], resource=[delegating], resource_required=True)
    assert evaluate(request("kms:Decrypt", key), policies).allowed


def test_anonymous_and_service_principals_need_a_resource_policy() -> None:
    public = policy(allow("s3:GetObject", BUCKET, Principal="*"), kind="resource")
    assert evaluate(request(principal=ANONYMOUS), PolicySet(resource=[public])).allowed
    assert evaluate(request(principal=ANONYMOUS), PolicySet()).reason == "no-resource-allow"
    aws_star = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": "*"}), kind="resource")
    assert evaluate(request(principal=ANONYMOUS), PolicySet(resource=[aws_star])).allowed
    lam = PrincipalContext(
        arn="lambda.amazonaws.com", account="", kind="service", service="lambda.amazonaws.com"
    )
    trust = policy(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}},
        kind="trust",
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/fn"
    assert evaluate(request("sts:AssumeRole", role, lam, ACCOUNT), PolicySet(resource=[trust])).allowed
    ec2 = PrincipalContext(arn="ec2.amazonaws.com", account="", kind="service", service="ec2.amazonaws.com")
    assert not evaluate(request("sts:AssumeRole", role, ec2, ACCOUNT), PolicySet(resource=[trust])).allowed


def test_trust_policies_for_users_and_web_identities() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/R"
    same = policy(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}},
        kind="trust",
    )
    assert evaluate(request("sts:AssumeRole", role), PolicySet(resource=[same])).reason == "no-identity-allow"
    may_assume = policy(allow("sts:AssumeRole", role))
    assert evaluate(
        request("sts:AssumeRole", role), PolicySet(identity=[may_assume], resource=[same])
    ).allowed
    others = policy(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": CAROL.arn}}, kind="trust"
    )
    # A trust policy must allow even in its own account: an identity-based allow is not enough.
    decision = evaluate(request("sts:AssumeRole", role), PolicySet(identity=[may_assume], resource=[others]))
    assert decision.reason == "no-resource-allow"
    named = policy(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": BOB.arn}}, kind="trust"
    )
    assert evaluate(request("sts:AssumeRole", role), PolicySet(resource=[named])).allowed
    web = PrincipalContext(arn="*", account="", kind="web-identity", federated="accounts.google.com")
    federated = policy(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "accounts.google.com"},
            "Condition": {"StringEquals": {"accounts.google.com:aud": "app"}},
        },
        kind="trust",
    )
    ok = request("sts:AssumeRoleWithWebIdentity", role, web, ACCOUNT, **{"accounts.google.com:aud": "app"})
    assert evaluate(ok, PolicySet(resource=[federated])).allowed
    wrong = request("sts:AssumeRoleWithWebIdentity", role, web, ACCOUNT, **{"accounts.google.com:aud": "x"})
    assert not evaluate(wrong, PolicySet(resource=[federated])).allowed


def test_not_principal_excludes_only_fully_listed_callers() -> None:
    listed = [SESSION.arn, SESSION.role_arn]
    partial = policy({**deny(), "NotPrincipal": {"AWS": listed}}, kind="resource")
    admin = policy(allow())
    assert evaluate(request(principal=SESSION), PolicySet(identity=[admin], resource=[partial])).reason == (
        "explicit-deny"
    )
    full = policy({**deny(), "NotPrincipal": {"AWS": [*listed, ACCOUNT]}}, kind="resource")
    assert evaluate(request(principal=SESSION), PolicySet(identity=[admin], resource=[full])).allowed
    assert not evaluate(request(), PolicySet(identity=[admin], resource=[full])).allowed


def test_traces_explain_every_statement() -> None:
    policies = PolicySet(
        identity=[
            policy(allow("s3:Get*", Sid="Read"), label="user/bob inline Read"),
            policy(
                deny("s3:*", "arn:aws:s3:::secret/*", Sid="Secret"), label="arn:aws:iam::aws:policy/X (v1)"
            ),
        ],
        resource=[
            policy(allow("s3:*", Principal={"AWS": CAROL.arn}), kind="resource", label="bucket policy of b")
        ],
        boundary=policy(
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"}, label="b"
        ),
    )
    decision = evaluate(request("s3:PutObject", BUCKET), policies)
    assert decision.reason == "no-identity-allow"
    whys = [(t.kind, s.matched, s.why) for t in decision.traces for s in t.statements]
    assert whys == [
        ("identity-based policy", False, "Action s3:PutObject not in [s3:Get*]"),
        ("identity-based policy", False, f"Resource {BUCKET} not in [arn:aws:s3:::secret/*]"),
        ("resource-based policy", False, f"Principal {BOB.arn} not in [{CAROL.arn}]"),
        (
            "permissions boundary",
            True,
            "Action s3:PutObject not in NotAction [iam:*]; "
            f"Resource {BUCKET} not in NotResource [arn:aws:s3:::x]",
        ),
    ]
    allowed = evaluate(request("s3:GetObject", BUCKET), policies)
    assert (
        allowed.traces[0].statements[0].why
        == f"Action s3:GetObject matched s3:Get*; Resource {BUCKET} matched *"
    )


def test_as_dict_and_render() -> None:
    policies = PolicySet(identity=[policy(allow("s3:Get*", Sid="Read"), label="user/bob inline Read")])
    decision = evaluate(request("s3:PutObject", BUCKET), policies)
    as_dict = decision.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["reason"] == "no-identity-allow" and as_dict["principal"] == BOB.arn
    assert as_dict["traces"] == [
        {
            "label": "user/bob inline Read",
            "kind": "identity-based policy",
            "statements": [
                {
                    "index": 0,
                    "sid": "Read",
                    "effect": "Allow",
                    "matched": False,
                    "why": "Action s3:PutObject not in [s3:Get*]",
                }
            ],
        }
    ]
    text = render(as_dict)
    assert text.startswith(f"DENIED  s3:PutObject on {BUCKET}\n")
    assert "because no identity-based policy allows the s3:PutObject action" in text
    assert "identity-based policy: user/bob inline Read" in text
    assert "Read: Action s3:PutObject not in [s3:Get*]" in text
    assert render(evaluate(request(principal=ROOT), PolicySet()).as_dict()).startswith("ALLOWED")
