"""Sending authorization: an identity's policies let another account send as it (v1 and v2 policy APIs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import new_account

MESSAGE = {"Subject": {"Data": "on behalf"}, "Body": {"Text": {"Data": "x"}}}


def _allow(account: str, sender: str, identity: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{sender}:root"},
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": f"arn:aws:ses:us-east-1:{account}:identity/{identity}",
                }
            ],
        }
    )


def test_identity_policy_lets_another_account_send(
    ses: Any, account: str, client: Callable[..., Any]
) -> None:
    ses.verify_domain_identity(Domain="example.com")
    other = new_account()
    delegate = client("ses", aws_access_key_id=other, aws_secret_access_key="x")
    delegate_v2 = client("sesv2", aws_access_key_id=other, aws_secret_access_key="x")
    arn = f"arn:aws:ses:us-east-1:{account}:identity/example.com"
    destination = {"ToAddresses": ["success@simulator.amazonses.com"]}
    with pytest.raises(ClientError) as caught:
        delegate.send_email(Source="app@example.com", SourceArn=arn, Destination=destination, Message=MESSAGE)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"

    ses.put_identity_policy(
        Identity="example.com", PolicyName="delegate", Policy=_allow(account, other, "example.com")
    )
    assert ses.list_identity_policies(Identity="example.com")["PolicyNames"] == ["delegate"]
    assert json.loads(
        ses.get_identity_policies(Identity="example.com", PolicyNames=["delegate"])["Policies"]["delegate"]
    )
    delegate.send_email(Source="app@example.com", SourceArn=arn, Destination=destination, Message=MESSAGE)
    delegate_v2.send_email(
        FromEmailAddress="app@example.com",
        FromEmailAddressIdentityArn=arn,
        Destination=destination,
        Content={"Simple": MESSAGE},
    )
    # The delegate's own quota counts the sends, as AWS counts a delegate sender's.
    assert delegate.get_send_quota()["SentLast24Hours"] == 2.0
    assert ses.get_send_quota()["SentLast24Hours"] == 0.0

    with pytest.raises(ClientError) as caught:
        ses.put_identity_policy(Identity="example.com", PolicyName="bad", Policy="{}")
    assert caught.value.response["Error"]["Code"] == "InvalidPolicy"
    ses.delete_identity_policy(Identity="example.com", PolicyName="delegate")
    with pytest.raises(ClientError) as caught:
        delegate.send_email(Source="app@example.com", SourceArn=arn, Destination=destination, Message=MESSAGE)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_v2_identity_policies(sesv2: Any, ses: Any, account: str) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com")
    policy = _allow(account, "111122223333", "example.com")
    sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="p", Policy=policy)
    with pytest.raises(ClientError) as caught:
        sesv2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="p", Policy=policy)
    assert caught.value.response["Error"]["Code"] == "AlreadyExistsException"
    assert sesv2.get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {"p": policy}
    assert sesv2.get_email_identity(EmailIdentity="example.com")["Policies"] == {"p": policy}
    updated = _allow(account, "444455556666", "example.com")
    sesv2.update_email_identity_policy(EmailIdentity="example.com", PolicyName="p", Policy=updated)
    assert ses.get_identity_policies(Identity="example.com", PolicyNames=["p"])["Policies"] == {"p": updated}
    with pytest.raises(ClientError) as caught:
        sesv2.update_email_identity_policy(EmailIdentity="example.com", PolicyName="q", Policy=updated)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    sesv2.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="p")
    assert sesv2.get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {}
