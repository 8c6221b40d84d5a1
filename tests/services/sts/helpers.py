"""What the STS tests share: a fresh account per test, roles with trust policies, clients for credentials."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["account_client", "new_account", "policy", "role", "session_client", "trust", "unique"]


def new_account() -> str:
    """A fresh 12-digit account: a 12-digit access key acts as its root."""
    return str(random.randint(200000000000, 899999999999))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def account_client(client: Callable[..., Any], account: str, service: str, **kwargs: Any) -> Any:
    """A client signed as the root user of `account`."""
    return client(service, aws_access_key_id=account, aws_secret_access_key="x", **kwargs)


def session_client(
    client: Callable[..., Any], credentials: dict[str, Any], service: str, **kwargs: Any
) -> Any:
    """A client for temporary credentials as STS returns them."""
    return client(
        service,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        **kwargs,
    )


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: dict[str, Any], action: str | list[str] = "sts:AssumeRole", **extra: Any) -> str:
    return policy({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def role(iam: Any, trust_policy: str, **kwargs: Any) -> dict[str, Any]:
    """Create a role with a unique name; returns it as CreateRole answers."""
    return iam.create_role(RoleName=unique("role"), AssumeRolePolicyDocument=trust_policy, **kwargs)["Role"]
