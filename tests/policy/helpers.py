"""Small builders shared by the policy tests: documents, principals and requests."""

from __future__ import annotations

import json
from typing import Any

from fogbank.policy import AuthzRequest, LabelledPolicy, PolicyKind, PrincipalContext, parse_policy

ACCOUNT = "111111111111"
OTHER = "222222222222"

BOB = PrincipalContext(
    arn=f"arn:aws:iam::{ACCOUNT}:user/bob", account=ACCOUNT, kind="user", user_id="AIDABOB", username="bob"
)
ROOT = PrincipalContext(arn=f"arn:aws:iam::{ACCOUNT}:root", account=ACCOUNT, kind="root", user_id=ACCOUNT)
SESSION = PrincipalContext(
    arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/sess",
    account=ACCOUNT,
    kind="assumed-role",
    user_id="AROAADMIN:sess",
    role_arn=f"arn:aws:iam::{ACCOUNT}:role/Admin",
)
CAROL = PrincipalContext(
    arn=f"arn:aws:iam::{OTHER}:user/carol", account=OTHER, kind="user", user_id="AIDACAROL", username="carol"
)
ANONYMOUS = PrincipalContext(arn="*", account="", kind="anonymous")


def document(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return json.dumps(body)


def policy(*statements: dict[str, Any], kind: PolicyKind = "identity", label: str = "p") -> LabelledPolicy:
    return LabelledPolicy(label, parse_policy(document(*statements), kind))


def allow(action: str | list[str] = "*", resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str] = "*", resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def request(
    action: str = "s3:GetObject",
    resource: str = "arn:aws:s3:::b/k",
    principal: PrincipalContext = BOB,
    resource_account: str | None = None,
    **context: object,
) -> AuthzRequest:
    return AuthzRequest(principal, action, resource, resource_account, context)
