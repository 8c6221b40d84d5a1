"""Server-side encryption with a fogbank KMS key: the key a queue names must be usable when messages
are sent or received, and SQS answers with its own Kms* errors when it is not."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.errors import ServiceError
from fogbank.services.sqs.queues import Queue
from fogbank.state import Transaction

__all__ = ["check_key"]


def check_key(tx: Transaction, queue: Queue, now: float) -> None:
    """KmsNotFound, KmsDisabled, KmsInvalidState or KmsInvalidKeyUsage for a key SQS cannot use."""
    key = queue.attributes.get("KmsMasterKeyId")
    if not key:
        return
    from fogbank.services.kms.resolve import home, resolve_key

    account, region = home(queue.account, queue.region, key)
    try:
        doc = resolve_key(tx, account, region, key, datetime.fromtimestamp(now, UTC), write=False)
    except ServiceError as error:
        raise ServiceError("KmsNotFound", error.message, 400) from error
    state = doc["KeyState"]
    if state == "Disabled":
        raise ServiceError("KmsDisabled", f"{doc['Arn']} is disabled.", 400)
    if state != "Enabled":
        raise ServiceError("KmsInvalidState", f"{doc['Arn']} is {state}.", 400)
    if (
        doc.get("KeyUsage") != "ENCRYPT_DECRYPT"
        or doc.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT"
    ):
        raise ServiceError(
            "KmsInvalidKeyUsage", f"{doc['Arn']} key usage is {doc.get('KeyUsage')} which is not valid.", 400
        )
