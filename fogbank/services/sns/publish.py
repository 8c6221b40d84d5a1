"""Publishing to a topic: deduplication on FIFO topics, fan-out to subscriptions, filter policies.

`publish` is what other services call (SES event destinations and identity notifications): it publishes
in the caller's transaction as Publish does and returns the MessageId. The Publish handlers (messages.py)
validate a request and call `fan_out`.

Fan-out reads the topic's confirmed subscriptions and, for each one whose filter policy matches, hands the
message to its protocol: SQS synchronously in this transaction (fogbank.services.sqs.deliver), HTTP/HTTPS
through the outbox after commit (http_delivery.py), email into the SES mailbox (email_delivery.py), SMS
recorded (sms.py). Protocols fogbank does not run (lambda, firehose, application) are accepted and not
delivered. A subscription whose SQS queue is gone or refuses the message sends it to the subscription's
dead-letter queue when it has one, and the publish still succeeds, as AWS's does.

The envelope is signed once per message text (the canonical string has no per-subscription field), so a
publish costs one RSA signature however many subscriptions it reaches.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring_ascii as _json_string
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.sns import dedup, filter_policy, signing, store, urls
from fogbank.services.sns.queue_access import may_send
from fogbank.state import Transaction, new_id

__all__ = ["Outgoing", "fan_out", "publish", "envelope_attributes", "dead_letter_arn", "SNS_SENDER_ID"]

# The SenderId SQS reports for messages SNS delivers.
SNS_SENDER_ID = "AIDAIT2UOQQY3AUEKVGXU"


def publish(
    tx: Transaction,
    now: datetime,
    account: str,
    region: str,
    topic_arn: str,
    message: str,
    *,
    subject: str | None = None,
    attributes: dict | None = None,
    group_id: str | None = None,
    dedup_id: str | None = None,
) -> str:
    """Publish `message` to the topic `topic_arn` in `tx`, as Publish does; return the MessageId.

    `attributes` are SNS MessageAttributes ({"Name": {"DataType": "String", "StringValue": "x"}}).
    A FIFO topic needs `group_id`, and `dedup_id` unless it has ContentBasedDeduplication. Raises the
    ServiceError Publish would answer with (NotFound for a missing topic). `account` and `region` are
    the publisher's: the topic's own come from its ARN. An encrypted topic's key must be usable (the KMS
    errors Publish answers); the calling service is not a principal whose access to the key is judged.
    """

    from fogbank.services.sns import encryption, messages

    topic, subs = store.publishing(tx, topic_arn)
    out = messages.outgoing(topic, message, None, subject, attributes or {}, group_id, dedup_id)
    encryption.check_key(tx, now, topic)
    return fan_out(tx, now, topic, subs, out)


def _message_id() -> str:
    """A random (version 4) UUID as text, as `str(uuid.uuid4())` makes it at a third of the cost: every
    publish names its message with one."""
    value = int.from_bytes(os.urandom(16)) & _UUID_CLEARED | _UUID_VERSION_4
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# The bits a version 4 UUID fixes: the version nibble (4) and the variant's top two bits (10).
_UUID_CLEARED = 0xFFFFFFFF_FFFF_0FFF_3FFF_FFFFFFFFFFFF
_UUID_VERSION_4 = 0x00000000_0000_4000_8000_000000000000


@dataclass
class Outgoing:
    """One message on its way: validated, with its id, and per-protocol texts for MessageStructure json."""

    message: str
    subject: str | None = None
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_protocol: dict[str, str] | None = None
    group_id: str | None = None
    dedup_id: str | None = None
    message_id: str = field(default_factory=_message_id)
    sequence_number: str | None = None

    def text_for(self, protocol: str) -> str:
        if self.per_protocol is None:
            return self.message
        return self.per_protocol.get(protocol, self.per_protocol["default"])


def fan_out(
    tx: Transaction, now: datetime, topic: dict[str, Any], subs: list[dict[str, Any]], out: Outgoing
) -> str:
    """Deliver `out` to `subs`, the topic's subscriptions (store.publishing); return its MessageId (the
    first one's, for a duplicate)."""
    region = topic["TopicArn"].split(":")[3]
    if topic.get("Fifo"):
        duplicate = _deduplicate(tx, now, topic, out)
        if duplicate is not None:
            return duplicate
        out.sequence_number = f"{new_id():020d}"
    if not subs:
        return out.message_id
    envelopes = _Envelopes(tx, now, region, topic, out)
    bodies: dict[str, Any] = {}
    for sub in subs:
        if sub.get("Pending"):
            continue
        protocol = sub["Protocol"]
        attrs = sub["Attributes"]
        policy = attrs.get("FilterPolicy")
        if policy:
            compiled = filter_policy.compiled(policy, attrs.get("FilterPolicyScope", "MessageAttributes"))
            if compiled.on_body:
                text = out.text_for(protocol)
                if text not in bodies:
                    bodies[text] = filter_policy.parse_body(text)
                if not compiled.matches_body(bodies[text]):
                    continue
            elif not compiled.matches_attributes(out.attributes):
                continue
        _deliver(tx, now, region, topic, sub, out, envelopes)
    return out.message_id


def _deduplicate(tx: Transaction, now: datetime, topic: dict[str, Any], out: Outgoing) -> str | None:
    out.dedup_id = out.dedup_id or hashlib.sha256(out.message.encode()).hexdigest()
    scope = out.group_id if topic["Attributes"].get("FifoThroughputScope") == "MessageGroup" else ""
    return dedup.seen(tx, now, topic["TopicArn"], f"{scope}:{out.dedup_id}", out.message_id)


def envelope_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """MessageAttributes as the JSON envelope carries them: {"Name": {"Type": ..., "Value": ...}}."""
    import base64

    shown = {}
    for name, value in attributes.items():
        if value["DataType"].startswith("Binary"):
            text = base64.b64encode(value["BinaryValue"]).decode()
        else:
            text = value["StringValue"]
        shown[name] = {"Type": value["DataType"], "Value": text}
    return shown


@dataclass
class _Envelopes:
    """The signed JSON notifications of one message, made once per (text, signature version)."""

    tx: Transaction
    now: datetime
    region: str
    topic: dict[str, Any]
    out: Outgoing
    _signed: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    _signed_json: dict[tuple[str, str], str] = field(default_factory=dict)
    _attributes: dict[str, dict[str, str]] | None = None

    def notification(self, text: str, sub_arn: str) -> dict[str, Any]:
        envelope = dict(self._signed_fields(text))
        envelope["UnsubscribeURL"] = urls.unsubscribe_url(sub_arn)
        if self.out.attributes:
            envelope["MessageAttributes"] = self._envelope_attributes()
        return envelope

    def notification_json(self, text: str, sub_arn: str) -> str:
        """`json.dumps(self.notification(text, sub_arn))`, with the signed fields (the message among them)
        encoded once per text, not once per subscription."""
        version = self.topic["Attributes"].get("SignatureVersion", "1")
        head = self._signed_json.get((text, version))
        if head is None:
            head = ", ".join(
                [f"{_json_string(k)}: {_json_string(v)}" for k, v in self._signed_fields(text).items()]
            )
            self._signed_json[(text, version)] = head
        tail = _json_string(urls.unsubscribe_url(sub_arn))
        if self.out.attributes:
            tail += f', "MessageAttributes": {json.dumps(self._envelope_attributes())}'
        return f'{{{head}, "UnsubscribeURL": {tail}}}'

    def _envelope_attributes(self) -> dict[str, dict[str, str]]:
        if self._attributes is None:
            self._attributes = envelope_attributes(self.out.attributes)
        return self._attributes

    def _signed_fields(self, text: str) -> dict[str, str]:
        """The notification's fields up to SigningCertURL: the same for every subscription."""
        version = self.topic["Attributes"].get("SignatureVersion", "1")
        signed = self._signed.get((text, version))
        if signed is None:
            signed = {"Type": "Notification", "MessageId": self.out.message_id}
            if self.out.sequence_number is not None:
                signed["SequenceNumber"] = self.out.sequence_number
            signed["TopicArn"] = self.topic["TopicArn"]
            if self.out.subject is not None:
                signed["Subject"] = self.out.subject
            signed["Message"] = text
            signed["Timestamp"] = signing.timestamp(self.now)
            key = signing.signer(self.tx, self.region, self.now)
            signed["SignatureVersion"] = version
            signed["Signature"] = key.sign(signed, version)
            signed["SigningCertURL"] = urls.cert_url(key.cert_id)
            self._signed[(text, version)] = signed
        return signed


def _deliver(
    tx: Transaction,
    now: datetime,
    region: str,
    topic: dict[str, Any],
    sub: dict[str, Any],
    out: Outgoing,
    envelopes: _Envelopes,
) -> None:
    protocol = sub["Protocol"]
    text = out.text_for(protocol)
    raw = sub["Attributes"].get("RawMessageDelivery") == "true"
    if protocol in ("sqs", "http", "https"):
        body = text if raw else envelopes.notification_json(text, sub["SubscriptionArn"])
        if protocol == "sqs":
            _to_sqs(tx, now, topic, sub, out, body, raw)
        else:
            from fogbank.services.sns import http_delivery

            http_delivery.enqueue(tx, topic, sub, "Notification", out.message_id, body, raw)
    elif protocol in ("email", "email-json"):
        from fogbank.services.sns import email_delivery

        if protocol == "email":
            mail = email_delivery.notification(sub, out.subject, text)
        else:
            mail = email_delivery.json_mail(
                json.dumps(envelopes.notification(text, sub["SubscriptionArn"]), indent=2)
            )
        email_delivery.send(tx, now, topic, sub, mail)
    elif protocol == "sms":
        from fogbank.services.sns import sms

        sms.record(
            tx, now, sub["SubscriptionArn"].split(":")[4], region, sub["Endpoint"], text, out.message_id
        )


def _to_sqs(
    tx: Transaction,
    now: datetime,
    topic: dict[str, Any],
    sub: dict[str, Any],
    out: Outgoing,
    body: str,
    raw: bool,
) -> None:
    from fogbank.services.sqs.deliver import QueueUnavailable, deliver

    attributes = _sqs_attributes(out.attributes) if raw and out.attributes else None
    queue_arn = sub["Endpoint"]
    fifo_queue = queue_arn.endswith(".fifo")
    group_id = out.group_id if (fifo_queue or not topic.get("Fifo")) else None
    dedup_id = out.dedup_id if fifo_queue else None

    def send(arn: str) -> None:
        deliver(
            tx,
            now,
            arn,
            body,
            attributes=attributes,
            group_id=group_id,
            dedup_id=dedup_id,
            sender_id=SNS_SENDER_ID,
        )

    try:
        if not may_send(tx, topic["TopicArn"], queue_arn):
            raise QueueUnavailable(queue_arn)
        send(queue_arn)
    except (QueueUnavailable, ServiceError):
        dead_letter = dead_letter_arn(sub)
        if dead_letter is None:
            return  # AWS drops what it cannot deliver when the subscription has no dead-letter queue
        try:
            send(dead_letter)
        except (QueueUnavailable, ServiceError):
            return


def dead_letter_arn(sub: dict[str, Any]) -> str | None:
    policy = sub["Attributes"].get("RedrivePolicy")
    if not policy:
        return None
    return json.loads(policy).get("deadLetterTargetArn")


def _sqs_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """SNS message attributes as SQS ones (raw delivery): same names, types and values."""
    converted = {}
    for name, value in attributes.items():
        if value["DataType"].startswith("Binary"):
            converted[name] = {"DataType": value["DataType"], "BinaryValue": value["BinaryValue"]}
        else:
            converted[name] = {"DataType": value["DataType"], "StringValue": value["StringValue"]}
    return converted
