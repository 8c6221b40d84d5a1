"""Helpers for enforcement scenarios: a private account per test, IAM users with keys, policies."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from tests.server import FogbankServer

__all__ = ["new_account", "user_with_policies", "client_for", "policy"]


def new_account() -> str:
    """A fresh 12-digit account: the default keys act as its root."""
    return str(random.randint(200000000000, 899999999999))


def client_for(
    server: FogbankServer, service: str, key: str, secret: str, token: str | None = None, **kw: Any
) -> Any:
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=kw.pop("region_name", "us-east-1"),
        config=Config(retries={"max_attempts": 0}),
        **kw,
    )


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def user_with_policies(
    server: FogbankServer,
    account: str,
    name: str,
    inline: dict[str, str] | None = None,
    managed: list[str] = (),
) -> tuple[Callable[..., Any], dict[str, str]]:
    """Create user `name` in `account` with inline and attached policies; return (client factory, key)."""
    iam = client_for(server, "iam", account, "x")
    iam.create_user(UserName=name)
    for policy_name, document in (inline or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
    for arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]

    def make(service: str, **kw: Any) -> Any:
        return client_for(server, service, key["AccessKeyId"], key["SecretAccessKey"], **kw)

    return make, key
