"""SES email receiving: receipt rule sets, rules and filters, and inbound mail running the active set."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer
from tests.services.ses.conftest import Mailbox, events, refused


def _mail(to: str = "inbox@example.com", subject: str = "Hello") -> bytes:
    message = EmailMessage()
    message["From"] = "Sender <sender@outside.test>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Body text.")
    return message.as_bytes()


def deliver(server: FogbankServer, account: str, raw: bytes, **query: str) -> tuple[int, dict[str, Any]]:
    """POST /_fogbank/ses/inbound for `account`; (status, answer)."""
    params = "&".join(f"{k}={v}" for k, v in ({"account": account} | query).items())
    request = urllib.request.Request(
        f"{server.endpoint}/_fogbank/ses/inbound?{params}", data=raw, method="POST"
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def activate(ses: Any, *rules: dict[str, Any]) -> None:
    """An active rule set "s" of `rules` in order, each enabled unless it says otherwise."""
    ses.create_receipt_rule_set(RuleSetName="s")
    after: dict[str, str] = {}
    for rule in rules:
        ses.create_receipt_rule(RuleSetName="s", Rule={"Enabled": True} | rule, **after)
        after = {"After": rule["Name"]}
    ses.set_active_receipt_rule_set(RuleSetName="s")


def test_rule_sets_lifecycle(ses: Any) -> None:
    ses.create_receipt_rule_set(RuleSetName="main")
    assert refused(ses.create_receipt_rule_set, RuleSetName="main") == "AlreadyExists"
    assert refused(ses.create_receipt_rule_set, RuleSetName="-bad") == "InvalidParameterValue"
    ses.create_receipt_rule(RuleSetName="main", Rule={"Name": "first"})
    ses.clone_receipt_rule_set(RuleSetName="copy", OriginalRuleSetName="main")
    assert [s["Name"] for s in ses.list_receipt_rule_sets()["RuleSets"]] == ["copy", "main"]
    assert ses.describe_receipt_rule_set(RuleSetName="copy")["Rules"] == [
        {
            "Name": "first",
            "Enabled": False,
            "TlsPolicy": "Optional",
            "Recipients": [],
            "Actions": [],
            "ScanEnabled": False,
        }
    ]
    with pytest.raises(ClientError) as caught:
        ses.clone_receipt_rule_set(RuleSetName="other", OriginalRuleSetName="missing")
    assert caught.value.response["Error"] | {"Type": "Sender"} == {
        "Code": "RuleSetDoesNotExist",
        "Message": "Rule set does not exist: missing",
        "Type": "Sender",
        "Name": "missing",
    }

    assert "Metadata" not in ses.describe_active_receipt_rule_set()
    ses.set_active_receipt_rule_set(RuleSetName="main")
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "main"
    assert refused(ses.delete_receipt_rule_set, RuleSetName="main") == "CannotDelete"
    assert refused(ses.set_active_receipt_rule_set, RuleSetName="missing") == "RuleSetDoesNotExist"
    ses.set_active_receipt_rule_set()
    assert "Metadata" not in ses.describe_active_receipt_rule_set()
    ses.delete_receipt_rule_set(RuleSetName="main")
    assert refused(ses.describe_receipt_rule_set, RuleSetName="main") == "RuleSetDoesNotExist"


def test_rules_order_and_errors(ses: Any) -> None:
    ses.create_receipt_rule_set(RuleSetName="s")
    ses.create_receipt_rule(RuleSetName="s", Rule={"Name": "a"})
    ses.create_receipt_rule(RuleSetName="s", Rule={"Name": "c"}, After="a")
    ses.create_receipt_rule(RuleSetName="s", Rule={"Name": "b"}, After="a")

    def names() -> list[str]:
        return [r["Name"] for r in ses.describe_receipt_rule_set(RuleSetName="s")["Rules"]]

    assert names() == ["a", "b", "c"]
    assert (
        refused(ses.create_receipt_rule, RuleSetName="s", Rule={"Name": "d"}, After="zzz")
        == "RuleDoesNotExist"
    )
    assert refused(ses.create_receipt_rule, RuleSetName="s", Rule={"Name": "a"}) == "AlreadyExists"
    assert refused(ses.create_receipt_rule, RuleSetName="nope", Rule={"Name": "a"}) == "RuleSetDoesNotExist"
    ses.set_receipt_rule_position(RuleSetName="s", RuleName="a", After="c")
    assert names() == ["b", "c", "a"]
    ses.set_receipt_rule_position(RuleSetName="s", RuleName="a")
    assert names() == ["a", "b", "c"]
    ses.reorder_receipt_rule_set(RuleSetName="s", RuleNames=["c", "a", "b"])
    assert names() == ["c", "a", "b"]
    assert (
        refused(ses.reorder_receipt_rule_set, RuleSetName="s", RuleNames=["c", "x", "b"])
        == "RuleDoesNotExist"
    )
    ses.update_receipt_rule(RuleSetName="s", Rule={"Name": "a", "Enabled": True, "Recipients": ["x.test"]})
    rule = ses.describe_receipt_rule(RuleSetName="s", RuleName="a")["Rule"]
    assert rule["Enabled"] is True and rule["Recipients"] == ["x.test"]
    assert refused(ses.update_receipt_rule, RuleSetName="s", Rule={"Name": "zz"}) == "RuleDoesNotExist"
    ses.delete_receipt_rule(RuleSetName="s", RuleName="a")
    assert refused(ses.describe_receipt_rule, RuleSetName="s", RuleName="a") == "RuleDoesNotExist"


def test_rule_actions_are_checked(ses: Any) -> None:
    ses.create_receipt_rule_set(RuleSetName="s")
    assert (
        refused(
            ses.create_receipt_rule,
            RuleSetName="s",
            Rule={"Name": "r", "Actions": [{"S3Action": {"BucketName": f"no-{uuid.uuid4().hex}"}}]},
        )
        == "InvalidS3Configuration"
    )
    topic = "arn:aws:sns:us-east-1:000000000000:missing"
    assert (
        refused(
            ses.create_receipt_rule,
            RuleSetName="s",
            Rule={"Name": "r", "Actions": [{"SNSAction": {"TopicArn": topic}}]},
        )
        == "InvalidSnsTopic"
    )
    assert ses.describe_receipt_rule_set(RuleSetName="s")["Rules"] == []


def test_receipt_filters(ses: Any) -> None:
    ses.create_receipt_filter(
        Filter={"Name": "block-all", "IpFilter": {"Policy": "Block", "Cidr": "0.0.0.0/0"}}
    )
    assert (
        refused(
            ses.create_receipt_filter,
            Filter={"Name": "block-all", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.0/8"}},
        )
        == "AlreadyExists"
    )
    bad = {"Name": "bad", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.0/99"}}
    assert refused(ses.create_receipt_filter, Filter=bad) == "InvalidParameterValue"
    assert ses.list_receipt_filters()["Filters"] == [
        {"Name": "block-all", "IpFilter": {"Policy": "Block", "Cidr": "0.0.0.0/0"}}
    ]
    ses.delete_receipt_filter(FilterName="block-all")
    assert ses.list_receipt_filters()["Filters"] == []


@pytest.fixture
def receiving(client: Callable[..., Any], account: str) -> dict[str, Any]:
    """An S3 bucket, and an SNS topic with a raw SQS subscription, of the test's account."""
    s3 = client("s3", aws_access_key_id=account, aws_secret_access_key="x")
    sns = client("sns", aws_access_key_id=account, aws_secret_access_key="x")
    sqs = client("sqs", aws_access_key_id=account, aws_secret_access_key="x")
    bucket = f"inbound-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    topic = sns.create_topic(Name="inbound")["TopicArn"]
    url = sqs.create_queue(QueueName="inbound")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return {"s3": s3, "bucket": bucket, "topic": topic, "sqs": sqs, "url": url}


def test_inbound_mail_runs_the_active_rule_set(
    ses: Any, server: FogbankServer, account: str, receiving: dict[str, Any]
) -> None:
    actions = [
        {"AddHeaderAction": {"HeaderName": "X-Rule", "HeaderValue": "store"}},
        {"S3Action": {"BucketName": receiving["bucket"], "ObjectKeyPrefix": "mail/"}},
        {"SNSAction": {"TopicArn": receiving["topic"], "Encoding": "Base64"}},
    ]
    activate(ses, {"Name": "store", "Recipients": ["example.com"], "ScanEnabled": True, "Actions": actions})
    status, answer = deliver(server, account, _mail(to="inbox@example.com, other@elsewhere.test"))
    assert status == 200
    assert answer["accepted"] == ["inbox@example.com"] and answer["rejected"] == ["other@elsewhere.test"]
    mid = answer["messageId"]

    stored = receiving["s3"].get_object(Bucket=receiving["bucket"], Key=f"mail/{mid}")
    assert stored["ServerSideEncryption"] == "AES256"  # delivered objects are encrypted like any other
    body = stored["Body"].read()
    assert b"X-Rule: store" in body and b"X-SES-Spam-Verdict: PASS" in body and b"Subject: Hello" in body
    (notification,) = events(receiving["sqs"], receiving["url"])
    assert notification["notificationType"] == "Received"
    assert notification["mail"]["messageId"] == mid
    assert notification["mail"]["commonHeaders"]["subject"] == "Hello"
    receipt = notification["receipt"]
    assert receipt["recipients"] == ["inbox@example.com"]
    assert receipt["spamVerdict"] == {"status": "PASS"}
    assert receipt["action"] == {"type": "SNS", "topicArn": receiving["topic"], "encoding": "BASE64"}
    assert base64.b64decode(notification["content"]) == body


def test_rules_match_subdomains_and_stop(
    ses: Any, server: FogbankServer, account: str, receiving: dict[str, Any]
) -> None:
    activate(
        ses,
        {"Name": "stop", "Recipients": [".corp.test"], "Actions": [{"StopAction": {"Scope": "RuleSet"}}]},
        {"Name": "all", "Actions": [{"SNSAction": {"TopicArn": receiving["topic"]}}]},
    )
    status, answer = deliver(server, account, _mail(to="a@mail.corp.test, b@corp.test"))
    assert status == 200 and answer["accepted"] == ["a@mail.corp.test", "b@corp.test"]
    (notification,) = events(receiving["sqs"], receiving["url"])
    # The subdomain's recipient stopped at the first rule; only the other reached the SNS action.
    assert notification["receipt"]["recipients"] == ["b@corp.test"]
    assert "Body text." in notification["content"]


def test_ip_filters_block_unless_allowed(ses: Any, server: FogbankServer, account: str) -> None:
    ses.create_receipt_filter(Filter={"Name": "block", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.0/8"}})
    ses.create_receipt_filter(
        Filter={"Name": "allow", "IpFilter": {"Policy": "Allow", "Cidr": "10.1.0.0/16"}}
    )
    status, answer = deliver(server, account, _mail(), **{"from": "10.2.3.4"})
    assert status == 403 and answer["error"]["code"] == "Blocked"
    status, answer = deliver(server, account, _mail(), **{"from": "10.1.3.4"})
    # Admitted, but no active rule set: every recipient is rejected.
    assert status == 200 and answer["rejected"] == ["inbox@example.com"]


def test_bounce_action_and_send_bounce(
    ses: Any, server: FogbankServer, account: str, mailbox: Mailbox
) -> None:
    ses.verify_email_identity(EmailAddress="postmaster@example.com")
    bounce = {
        "SmtpReplyCode": "550",
        "StatusCode": "5.1.1",
        "Message": "No such user",
        "Sender": "postmaster@example.com",
    }
    activate(
        ses,
        {"Name": "b", "Recipients": ["gone@example.com"], "Actions": [{"BounceAction": bounce}]},
        {"Name": "keep", "Recipients": ["example.com"]},
    )
    _, answer = deliver(server, account, _mail(to="gone@example.com"))
    (bounced,) = [m for m in mailbox.messages() if m["destinations"] == ["sender@outside.test"]]
    assert bounced["source"] == "postmaster@example.com"
    raw = mailbox.message(bounced["id"], raw=True)
    assert (
        b"multipart/report" in raw
        and b"Final-Recipient: rfc822; gone@example.com" in raw
        and b"Status: 5.1.1" in raw
    )

    _, answer = deliver(server, account, _mail(to="kept@example.com"))
    sent = ses.send_bounce(
        OriginalMessageId=answer["messageId"],
        BounceSender="postmaster@example.com",
        Explanation="Nobody here by that name.",
        MessageDsn={"ReportingMta": "dns; mx.example.com"},
        BouncedRecipientInfoList=[{"Recipient": "kept@example.com", "BounceType": "DoesNotExist"}],
    )
    found = mailbox.message(sent["MessageId"], raw=True)
    assert b"Reporting-MTA: dns; mx.example.com" in found and b"Status: 5.1.1" in found
    assert b"Nobody here by that name." in found
    info = [{"Recipient": "kept@example.com", "BounceType": "DoesNotExist"}]
    assert (
        refused(
            ses.send_bounce,
            OriginalMessageId="unknown",
            BounceSender="postmaster@example.com",
            BouncedRecipientInfoList=info,
        )
        == "MessageRejected"
    )
    assert (
        refused(
            ses.send_bounce,
            OriginalMessageId=answer["messageId"],
            BounceSender="nobody@unverified.test",
            BouncedRecipientInfoList=info,
        )
        == "MessageRejected"
    )


def test_actions_that_cannot_run_are_recorded(
    ses: Any, server: FogbankServer, account: str, receiving: dict[str, Any]
) -> None:
    lambda_arn = "arn:aws:lambda:us-east-1:000000000000:function:mail"
    activate(
        ses,
        {
            "Name": "r",
            "TlsPolicy": "Require",
            "Actions": [
                {"S3Action": {"BucketName": receiving["bucket"]}},
                {"LambdaAction": {"FunctionArn": lambda_arn}},
                {"SNSAction": {"TopicArn": receiving["topic"]}},
            ],
        },
    )
    receiving["s3"].delete_bucket(Bucket=receiving["bucket"])
    status, answer = deliver(server, account, _mail())
    assert status == 200
    (rule,) = answer["actions"]
    assert rule["tlsPolicy"] == "Require" and rule["scanEnabled"] is False
    assert [(a["type"], a["status"]) for a in rule["actions"]] == [
        ("S3", "failed"),
        ("Lambda", "skipped"),
        ("SNS", "done"),
    ]
    (notification,) = events(receiving["sqs"], receiving["url"])
    assert "spamVerdict" not in notification["receipt"]
