"""IAM users send only as the identities their policies name: SES authorizes a send on the identity ARN."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, policy, user_with_policies
from tests.server import FogbankServer

MESSAGE = {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}


def test_send_is_authorized_on_the_sending_identity(server: FogbankServer, ses: Any, account: str) -> None:
    ses.verify_domain_identity(Domain="example.com")
    ses.verify_email_identity(EmailAddress="other@example.org")
    allowed = policy(
        {
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": f"arn:aws:ses:us-east-1:{account}:identity/example.com",
        }
    )
    make, _ = user_with_policies(server, account, "mailer", {"send": allowed})
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
