"""A receipt rule's actions on one received message: S3, SNS, AddHeader, Stop, Bounce (and Lambda, WorkMail
and Connect recorded, not run: fogbank has none of them).

S3 writes the message (as modified by earlier AddHeader actions) to BucketName at ObjectKeyPrefix + the
message id through S3's own store; SNS, and any action's TopicArn, publish SES's receiving notification
({notificationType: "Received", mail, receipt, content?}) through SNS's publish. An action whose bucket or
topic has gone since the rule was written fails and is recorded as failed; the others still run.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import bounces, mailbox, receipt_store
from fogbank.services.ses.events import headers_of, iso

if TYPE_CHECKING:
    from fogbank.state import Transaction

__all__ = ["Run", "apply"]

_NOT_RUN = {"LambdaAction": "Lambda", "WorkmailAction": "WorkMail", "ConnectAction": "Connect"}
_ENCODING = {"UTF-8": "UTF8", "Base64": "BASE64"}


@dataclass(slots=True)
class Run:
    """One received message on its way through the rule set."""

    tx: Transaction
    now: datetime
    where: tuple[str, str]  # account, region
    message_id: str
    source: str
    recipients: list[str]
    ip: str
    raw: bytes
    scanned: bool = False
    log: list[dict[str, Any]] = field(default_factory=list)


def apply(run: Run, rule: dict[str, Any], recipients: list[str]) -> bool:
    """Run the rule's actions for `recipients`; True when a StopAction ends the rule set for them."""
    if rule["ScanEnabled"] and not run.scanned:
        run.raw = b"X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n" + run.raw
        run.scanned = True
    done: list[dict[str, Any]] = []
    run.log.append(
        {
            "rule": rule["Name"],
            "recipients": recipients,
            "tlsPolicy": rule["TlsPolicy"],
            "scanEnabled": rule["ScanEnabled"],
            "actions": done,
        }
    )
    for action in rule["Actions"]:
        ((kind, spec),) = action.items()
        if kind in _NOT_RUN:
            done.append(
                {"type": _NOT_RUN[kind], "status": "skipped", "reason": f"{_NOT_RUN[kind]} is not available"}
            )
            continue
        try:
            done.append(_ACTIONS[kind](run, rule, recipients, spec))
        except ServiceError as exc:
            done.append({"type": kind.removesuffix("Action"), "status": "failed", "reason": exc.message})
        if kind == "StopAction":
            return True
    return False


def _notify(
    run: Run, rule: dict[str, Any], recipients: list[str], action: dict[str, Any], content: str | None
) -> None:
    from fogbank.services.sns.publish import publish

    message = mailbox.parse(run.raw)
    receipt: dict[str, Any] = {"timestamp": iso(run.now), "processingTimeMillis": 0, "recipients": recipients}
    if rule["ScanEnabled"]:
        receipt |= {"spamVerdict": {"status": "PASS"}, "virusVerdict": {"status": "PASS"}}
    receipt |= {
        "spfVerdict": {"status": "GRAY"},
        "dkimVerdict": {"status": "GRAY"},
        "dmarcVerdict": {"status": "GRAY"},
        "action": action,
    }
    mail = {
        "timestamp": iso(run.now),
        "source": run.source,
        "messageId": run.message_id,
        "destination": run.recipients,
    } | headers_of([(k, str(v)) for k, v in message.items()], run.message_id, str(message.get("Subject", "")))
    notification = {"notificationType": "Received", "mail": mail, "receipt": receipt}
    if content is not None:
        notification["content"] = content
    publish(
        run.tx,
        run.now,
        *run.where,
        action["topicArn"],
        json.dumps(notification),
        subject="Amazon SES Email Receipt Notification",
    )


def _s3(run: Run, rule: dict[str, Any], recipients: list[str], spec: dict[str, Any]) -> dict[str, Any]:
    from fogbank.services.s3.sse import put_delivered
    from fogbank.services.s3.store import BUCKET, SERVICE

    name = spec["BucketName"]
    bucket = run.tx.get_doc(SERVICE, BUCKET, "", "", name)
    if bucket is None:
        raise receipt_store.unwritable(name)
    key = spec.get("ObjectKeyPrefix", "") + run.message_id
    # Sealed under SSE-S3 like every stored object. (A KmsKeyArn asks SES for client-side encryption in the
    # S3 encryption client's format, which fogbank does not produce: the key is kept in the action record.)
    put_delivered(
        run.tx,
        bucket,
        key,
        run.raw,
        content_type="application/octet-stream",
        owner=run.where[0],
        now=run.now.timestamp(),
    )
    action = {
        "type": "S3",
        "bucketName": name,
        "objectKeyPrefix": spec.get("ObjectKeyPrefix", ""),
        "objectKey": key,
    }
    if "KmsKeyArn" in spec:
        action["kmsKeyArn"] = spec["KmsKeyArn"]
    if "TopicArn" in spec:
        _notify(run, rule, recipients, action | {"topicArn": spec["TopicArn"]}, None)
    return action | {"status": "done"}


def _sns(run: Run, rule: dict[str, Any], recipients: list[str], spec: dict[str, Any]) -> dict[str, Any]:
    encoding = spec.get("Encoding", "UTF-8")
    content = (
        run.raw.decode("utf-8", "replace") if encoding == "UTF-8" else base64.b64encode(run.raw).decode()
    )
    action = {"type": "SNS", "topicArn": spec["TopicArn"], "encoding": _ENCODING[encoding]}
    _notify(run, rule, recipients, action, content)
    return action | {"status": "done"}


def _add_header(
    run: Run, rule: dict[str, Any], recipients: list[str], spec: dict[str, Any]
) -> dict[str, Any]:
    run.raw = f"{spec['HeaderName']}: {spec['HeaderValue']}\r\n".encode() + run.raw
    return {
        "type": "AddHeader",
        "headerName": spec["HeaderName"],
        "headerValue": spec["HeaderValue"],
        "status": "done",
    }


def _stop(run: Run, rule: dict[str, Any], recipients: list[str], spec: dict[str, Any]) -> dict[str, Any]:
    action = {"type": "Stop", "scope": "RuleSet"}
    if "TopicArn" in spec:
        _notify(run, rule, recipients, action | {"topicArn": spec["TopicArn"]}, None)
    return action | {"status": "done"}


def _bounce(run: Run, rule: dict[str, Any], recipients: list[str], spec: dict[str, Any]) -> dict[str, Any]:
    status = spec.get("StatusCode", "5.0.0")
    bounce_id = mailbox.message_id(run.now)
    raw = bounces.dsn(
        sender=spec["Sender"],
        to=run.source,
        explanation=spec["Message"],
        recipients=[
            bounces.Failed(r, status, diagnostic=f"{spec['SmtpReplyCode']} {status} {spec['Message']}")
            for r in recipients
        ],
        now=run.now,
        message_id=bounce_id,
    )
    mailbox.store(
        run.tx,
        run.now,
        *run.where,
        source=spec["Sender"],
        destinations=[run.source],
        raw=raw,
        origin="inbound",
    )
    action = {
        "type": "Bounce",
        "smtpReplyCode": spec["SmtpReplyCode"],
        "statusCode": status,
        "message": spec["Message"],
        "sender": spec["Sender"],
    }
    if "TopicArn" in spec:
        _notify(run, rule, recipients, action | {"topicArn": spec["TopicArn"]}, None)
    return action | {"status": "done", "bounceMessageId": bounce_id}


_ACTIONS = {
    "S3Action": _s3,
    "SNSAction": _sns,
    "AddHeaderAction": _add_header,
    "StopAction": _stop,
    "BounceAction": _bounce,
}
