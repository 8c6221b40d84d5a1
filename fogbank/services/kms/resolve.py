"""Finding a key by what a request names (key id, key ARN, alias name, alias ARN) and judging its state.

`resolve_key` is the one way a handler (and the authorization of KMS requests) turns a KeyId parameter
into the key's document: it follows aliases, reads another account's key by its ARN, makes an AWS
managed key on first mention of its `alias/aws/…` name, and applies the key's due timed transitions
(lifecycle.py) when given the time; in a read-only transaction (`write=False`) it only judges them.
The state checks answer with AWS's errors and messages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.kms import lifecycle, store
from fogbank.state import Transaction

__all__ = [
    "INTERNAL",
    "check_customer_managed",
    "check_not_pending_deletion",
    "check_present",
    "check_usable",
    "check_usage",
    "home",
    "key_arn",
    "key_of",
    "metadata",
    "now",
    "resolve_key",
    "tx_of",
]

# Members of a key's document that are not KeyMetadata.
INTERNAL = ("Policy", "Tags", "Material", "Rotation", "Import")
_TIMES = ("CreationDate", "DeletionDate", "ValidTo")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ARN = re.compile(r"^arn:aws[\w-]*:kms:([\w-]+):(\d{12}):(key/.+|alias/.+)$")


def tx_of(ctx: Context) -> Transaction:
    assert ctx.tx is not None
    return ctx.tx


def now(ctx: Context) -> datetime:
    return ctx.clock.now().replace(microsecond=0)


def key_arn(account: str, region: str, key_id: str) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def _key_not_found(account: str, region: str, key_id: str) -> ServiceError:
    return ServiceError("NotFoundException", f"Key '{key_arn(account, region, key_id)}' does not exist", 400)


def resolve_key(
    tx: Transaction,
    account: str,
    region: str,
    key_id_or_alias_or_arn: str,
    now: datetime | None = None,
    *,
    write: bool = True,
) -> dict[str, Any]:
    """The key's document, or NotFoundException as AWS words it.

    `write=False` (a read-only transaction) changes nothing: a key past its DeletionDate is gone all the
    same, but other due transitions wait for a writer, and a first-use AWS managed key is answered as the
    key its first use will make (managed.py `unmade_managed_key`).
    """
    ref = key_id_or_alias_or_arn
    match = _ARN.match(ref)
    if match:
        region, account, ref = match.group(1), match.group(2), match.group(3)
    if ref.startswith("alias/"):
        alias = tx.get_doc(store.SERVICE, store.ALIAS, account, region, ref)
        if alias is None and ref.startswith("alias/aws/"):
            from fogbank.services.kms.managed import managed_key, unmade_managed_key

            service = ref.removeprefix("alias/aws/")
            if not write:
                return unmade_managed_key(account, region, service, now or datetime.now(UTC))
            return managed_key(tx, account, region, service, now)
        if alias is None or not alias.get("TargetKeyId"):
            raise ServiceError(
                "NotFoundException", f"Alias arn:aws:kms:{region}:{account}:{ref} is not found.", 400
            )
        ref = alias["TargetKeyId"]
    elif ref.startswith("key/"):
        ref = ref.removeprefix("key/")
    if not _UUID.match(ref):
        raise ServiceError("NotFoundException", f"Invalid keyId '{key_id_or_alias_or_arn}'", 400)
    doc = tx.get_doc(store.SERVICE, store.KEY, account, region, ref)
    if doc is not None and now is not None:
        if not write:
            check_present(doc, now)
        else:
            doc = lifecycle.settle(tx, doc, now)
    if doc is None:
        raise _key_not_found(account, region, ref)
    return doc


def home(account: str, region: str, key_id_or_alias_or_arn: str) -> tuple[str, str]:
    """The account and region of the key a reference names: the ARN's, or the request's."""
    match = _ARN.match(key_id_or_alias_or_arn)
    return (match.group(2), match.group(1)) if match else (account, region)


def check_present(doc: dict[str, Any], now: datetime) -> None:
    """NotFoundException for a key whose deletion window has ended, though it is not deleted yet."""
    if lifecycle.gone(doc, now):
        raise _key_not_found(doc["AWSAccountId"], lifecycle.region_of(doc), doc["KeyId"])


def key_of(ctx: Context, ref: str) -> dict[str, Any]:
    """The key a request names, in the request's account and region, as of fogbank's clock now."""
    return resolve_key(tx_of(ctx), ctx.account, ctx.region, ref, now(ctx))


def check_not_pending_deletion(doc: dict[str, Any]) -> None:
    if doc["KeyState"] == "PendingDeletion":
        raise ServiceError("KMSInvalidStateException", f"{doc['Arn']} is pending deletion.", 400)


def check_usable(doc: dict[str, Any]) -> None:
    """A cryptographic operation needs an enabled key."""
    state = doc["KeyState"]
    if state == "Disabled":
        raise ServiceError("DisabledException", f"{doc['Arn']} is disabled.", 400)
    check_not_pending_deletion(doc)
    if state == "PendingImport":
        raise ServiceError("KMSInvalidStateException", f"{doc['Arn']} is pending import.", 400)
    if state != "Enabled":
        raise ServiceError("KMSInvalidStateException", f"{doc['Arn']} is {state}.", 400)


def check_usage(doc: dict[str, Any], usage: str, operation: str) -> None:
    if doc["KeyUsage"] != usage:
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{doc['Arn']} key usage is {doc['KeyUsage']} which is not valid for {operation}.",
            400,
        )


def check_customer_managed(ctx: Context, doc: dict[str, Any], action: str) -> None:
    """AWS managed keys are AWS's to manage: their key policy allows the customer no management."""
    if doc.get("KeyManager") == "AWS":
        who = ctx.principal.arn if ctx.principal else f"arn:aws:iam::{ctx.account}:root"
        raise ServiceError(
            "AccessDeniedException",
            f"User: {who} is not authorized to perform: kms:{action} on resource: {doc['Arn']} "
            f"because no resource-based policy allows the kms:{action} action",
            400,
        )


def metadata(doc: dict[str, Any]) -> dict[str, Any]:
    """KeyMetadata as DescribeKey answers it."""
    out = {k: v for k, v in doc.items() if k not in INTERNAL}
    for name in _TIMES:
        if name in out:
            out[name] = datetime.fromisoformat(out[name])
    return out
