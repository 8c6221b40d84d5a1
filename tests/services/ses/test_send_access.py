"""IAM users send only as the identities their policies name: SES authorizes a send on the identity ARN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, policy, user_with_policies
from tests.server import FogbankServer

MESSAGE = {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}


def allowed_on_example_com(
    server: FogbankServer, ses: Any, account: str, user: str, actions: list[str]
) -> Callable[[str], Any]:
    """Identities example.com and other@example.org, and a user allowed `actions` on example.com only;
    returns the user's client factory."""
    ses.verify_domain_identity(Domain="example.com")
    ses.verify_email_identity(EmailAddress="other@example.org")
    resource = f"arn:aws:ses:us-east-1:{account}:identity/example.com"
    allowed = policy({"Effect": "Allow", "Action": actions, "Resource": resource})
    make, _ = user_with_policies(server, account, user, {"allowed": allowed})
    return make


def test_send_is_authorized_on_the_sending_identity(server: FogbankServer, ses: Any, account: str) -> None:
    make = allowed_on_example_com(server, ses, account, "mailer", ["ses:SendEmail", "ses:SendRawEmail"])
    mailer, mailer_v2 = make("ses"), make("sesv2")
    destination = {"ToAddresses": ["success@simulator.amazonses.com"]}
    mailer.send_email(Source="app@example.com", Destination=destination, Message=MESSAGE)
    mailer.send_raw_email(
        RawMessage={"Data": b"From: app@example.com\r\nTo: success@simulator.amazonses.com\r\n\r\nx"}
    )
    mailer_v2.send_email(
        FromEmailAddress="app@example.com", Destination=destination, Content={"Simple": MESSAGE}
    )
    with pytest.raises(ClientError) as caught:
        mailer.send_email(Source="other@example.org", Destination=destination, Message=MESSAGE)
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert f"arn:aws:ses:us-east-1:{account}:identity/other@example.org" in error["Message"]
    assert client_for(server, "ses", account, "x").get_send_quota()["SentLast24Hours"] == 3.0


def test_send_bounce_is_authorized_on_the_bounce_sender(
    server: FogbankServer, ses: Any, account: str
) -> None:
    bouncer = allowed_on_example_com(server, ses, account, "bouncer", ["ses:SendBounce"])("ses")
    info = [{"Recipient": "a@example.com", "BounceType": "DoesNotExist"}]
    for sender, code in (
        ("postmaster@example.com", "MessageRejected"),
        ("other@example.org", "AccessDenied"),
    ):
        with pytest.raises(ClientError) as caught:
            # No such received message: an authorized caller gets as far as SES's own check.
            bouncer.send_bounce(OriginalMessageId="none", BounceSender=sender, BouncedRecipientInfoList=info)
        assert caught.value.response["Error"]["Code"] == code
