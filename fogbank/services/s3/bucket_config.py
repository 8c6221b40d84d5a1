"""S3 bucket configuration that is stored and read back: request payment, transfer acceleration,
event notifications (delivery comes with the messaging services), and the per-Id inventory,
analytics, metrics and Intelligent-Tiering configurations.

Each lives in the bucket document under its AWS name: `RequestPayment` (the Payer), `Accelerate`
(the Status), `Notification` (the NotificationConfiguration), and `Inventory`, `Analytics`,
`Metrics`, `IntelligentTiering` ({Id: configuration}).
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.s3 import service
from fogbank.services.s3.buckets import require_bucket, save_bucket

__all__: list[str] = []

MAX_CONFIGURATIONS = 1000
PAGE = 100

_ARNS = {
    "TopicConfigurations": (
        "TopicArn",
        re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}"),
    ),
    "QueueConfigurations": (
        "QueueArn",
        re.compile(r"arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,80}"),
    ),
    "LambdaFunctionConfigurations": (
        "LambdaFunctionArn",
        re.compile(
            r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?"
        ),
    ),
}
_EVENT = re.compile(
    r"s3:(ReducedRedundancyLostObject|ObjectCreated:(\*|Put|Post|Copy|CompleteMultipartUpload)"
    r"|ObjectRemoved:(\*|Delete|DeleteMarkerCreated)|ObjectRestore:(\*|Post|Completed|Delete)"
    r"|Replication:(\*|OperationFailedReplication|OperationNotTracked|OperationMissedThreshold"
    r"|OperationReplicatedAfterThreshold)|LifecycleExpiration:(\*|Delete|DeleteMarkerCreated)"
    r"|LifecycleTransition|IntelligentTiering|ObjectTagging:(\*|Put|Delete)|ObjectAcl:Put)"
)


def _malformed() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def _save(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    save_bucket(ctx.tx, doc)
    return {}


# -- request payment and acceleration ------------------------------------------------------------


@service.handler("PutBucketRequestPayment")
def put_bucket_request_payment(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    payer = (request.get("RequestPaymentConfiguration") or {}).get("Payer")
    if payer not in ("Requester", "BucketOwner"):
        raise _malformed()
    doc["RequestPayment"] = payer
    return _save(ctx, doc)


@service.handler("GetBucketRequestPayment")
def get_bucket_request_payment(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return {"Payer": doc.get("RequestPayment", "BucketOwner")}


@service.handler("PutBucketAccelerateConfiguration")
def put_bucket_accelerate(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    if "." in doc["Name"]:
        raise ServiceError(
            "InvalidRequest",
            "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
            400,
        )
    status = (request.get("AccelerateConfiguration") or {}).get("Status")
    if status not in ("Enabled", "Suspended"):
        raise _malformed()
    doc["Accelerate"] = status
    return _save(ctx, doc)


@service.handler("GetBucketAccelerateConfiguration")
def get_bucket_accelerate(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return {"Status": doc["Accelerate"]} if doc.get("Accelerate") else {}


# -- notifications -------------------------------------------------------------------------------


def _invalid_destination(arn: str) -> ServiceError:
    return ServiceError(
        "InvalidArgument",
        "Unable to validate the following destination configurations",
        400,
        fields={"ArgumentName": arn, "ArgumentValue": "Invalid ARN"},
    )


def _check_notification(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as stored: destinations' ARNs and events checked, every entry with an Id."""
    stored: dict[str, Any] = {}
    seen: set[str] = set()
    for member, (arn_member, pattern) in _ARNS.items():
        entries = []
        for entry in config.get(member) or []:
            arn = entry.get(arn_member) or ""
            if pattern.fullmatch(arn) is None:
                raise _invalid_destination(arn)
            events = entry.get("Events") or []
            if not events:
                raise _malformed()
            for event in events:
                if _EVENT.fullmatch(event) is None:
                    raise ServiceError(
                        "InvalidArgument",
                        "The event is not supported for notifications",
                        400,
                        fields={"ArgumentName": "Event", "ArgumentValue": event},
                    )
            entry = {**entry, "Id": entry.get("Id") or secrets.token_urlsafe(36)[:48]}
            if entry["Id"] in seen:
                raise ServiceError("InvalidArgument", "Configuration Id must be unique", 400)
            seen.add(entry["Id"])
            entries.append(entry)
        if entries:
            stored[member] = entries
    if config.get("EventBridgeConfiguration") is not None:
        stored["EventBridgeConfiguration"] = {}
    return stored


@service.handler("PutBucketNotificationConfiguration")
def put_bucket_notification(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    doc["Notification"] = _check_notification(request.get("NotificationConfiguration") or {})
    return _save(ctx, doc)


@service.handler("GetBucketNotificationConfiguration")
def get_bucket_notification(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require_bucket(ctx, request["Bucket"])
    return dict(doc.get("Notification") or {})


# -- per-Id configurations -----------------------------------------------------------------------


def _no_such_configuration() -> ServiceError:
    return ServiceError("NoSuchConfiguration", "The specified configuration does not exist.", 404)


def _register(kind: str) -> None:
    """Put/Get/Delete/List handlers for one kind of per-Id configuration ("Inventory", …)."""
    store = kind
    member = f"{kind}Configuration"

    def put(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = require_bucket(ctx, request["Bucket"])
        config = request.get(member) or {}
        if config.get("Id") != request["Id"]:
            raise ServiceError(
                "InvalidArgument",
                "Configuration Id in the request body does not match the Id in the request parameter",
                400,
            )
        configurations = doc.setdefault(store, {})
        if request["Id"] not in configurations and len(configurations) >= MAX_CONFIGURATIONS:
            raise ServiceError(
                "TooManyConfigurations",
                "You are attempting to create a new configuration but have "
                "already reached the 1,000-configuration limit.",
                400,
            )
        configurations[request["Id"]] = config
        return _save(ctx, doc)

    def get(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = require_bucket(ctx, request["Bucket"])
        config = (doc.get(store) or {}).get(request["Id"])
        if config is None:
            raise _no_such_configuration()
        return {member: config}

    def delete(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = require_bucket(ctx, request["Bucket"])
        if (doc.get(store) or {}).pop(request["Id"], None) is None:
            raise _no_such_configuration()
        return _save(ctx, doc)

    def list_(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
        doc = require_bucket(ctx, request["Bucket"])
        ids = sorted(doc.get(store) or {})
        token = request.get("ContinuationToken")
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except (ValueError, UnicodeError) as exc:
                raise ServiceError("InvalidArgument", "Invalid continuation token", 400) from exc
            ids = [i for i in ids if i > after]
        page = ids[:PAGE]
        output: dict[str, Any] = {
            f"{kind}ConfigurationList": [doc[store][i] for i in page],
            "IsTruncated": len(ids) > PAGE,
        }
        if token:
            output["ContinuationToken"] = token
        if len(ids) > PAGE:
            output["NextContinuationToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
        return output

    service.handler(f"PutBucket{kind}Configuration")(put)
    service.handler(f"GetBucket{kind}Configuration")(get)
    service.handler(f"DeleteBucket{kind}Configuration")(delete)
    service.handler(f"ListBucket{kind}Configurations")(list_)


for _kind in ("Inventory", "Analytics", "Metrics", "IntelligentTiering"):
    _register(_kind)
