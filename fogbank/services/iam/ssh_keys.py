"""SSH public keys for CodeCommit: Upload/Get/List/Update/DeleteSSHPublicKey.

A key is an RSA public key of at least 2048 bits in ssh-rsa or PEM form, as AWS documents; it is kept
in OpenSSH form (without a comment) and answered in either form. Its fingerprint is the MD5 of the key
blob in colon hex, as AWS shows it. A user has at most five keys, each once; they are listed in upload
order.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.owners import named_user
from fogbank.state import Transaction

__all__ = ["MAX_KEYS", "ssh_keys_of"]

MAX_KEYS = 5
MIN_RSA_BITS = 2048


def ssh_keys_of(tx: Transaction, account: str, user_id: str) -> list[dict[str, Any]]:
    """The SSH public keys of one user, oldest first."""
    rows = tx.list_docs(store.SERVICE, store.SSH_KEY, account, store.REGION, prefix=user_id + "/")
    return sorted((doc for _, doc in rows), key=lambda doc: (doc["UploadDate"], doc["SSHPublicKeyId"]))


def _invalid_key() -> ServiceError:
    return ServiceError("InvalidPublicKey", "The public key is malformed or otherwise invalid.", 400)


def _unrecognized_encoding() -> ServiceError:
    return ServiceError(
        "UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized.", 400
    )


def _parse(body: str) -> str:
    """The key in OpenSSH form (type and base64 blob), or AWS's error for a key it does not take."""
    # Imported on first use, not at server start.
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    text = body.strip()
    if not text.startswith(("ssh-rsa ", "-----BEGIN")):
        raise _unrecognized_encoding()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_ssh_public_key(text.encode())
    except UnsupportedAlgorithm:
        raise _unrecognized_encoding() from None
    except (ValueError, TypeError, IndexError):
        raise _invalid_key() from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _unrecognized_encoding()
    if key.key_size < MIN_RSA_BITS:
        raise _invalid_key()
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return openssh.decode()


def _fingerprint(openssh: str) -> str:
    digest = hashlib.md5(base64.b64decode(openssh.split()[1])).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _require_key(ctx: Context, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    user = named_user(ctx, request)
    key_id = request["SSHPublicKeyId"]
    doc = tx_of(ctx).get_doc(
        store.SERVICE, store.SSH_KEY, ctx.account, store.REGION, f"{user['UserId']}/{key_id}"
    )
    if doc is None:
        raise ServiceError("NoSuchEntity", f"The Public Key with id {key_id} cannot be found.", 404)
    return user, doc


def _save(ctx: Context, doc: dict[str, Any]) -> None:
    key = f"{doc['UserId']}/{doc['SSHPublicKeyId']}"
    tx_of(ctx).put_doc(store.SERVICE, store.SSH_KEY, ctx.account, store.REGION, key, doc)


def _public(user: dict[str, Any], doc: dict[str, Any], body: str) -> dict[str, Any]:
    return {
        "UserName": user["UserName"],
        "SSHPublicKeyId": doc["SSHPublicKeyId"],
        "Fingerprint": doc["Fingerprint"],
        "SSHPublicKeyBody": body,
        "Status": doc["Status"],
        "UploadDate": as_time(doc["UploadDate"]),
    }


@service.handler("UploadSSHPublicKey")
def upload_ssh_public_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    body = _parse(request["SSHPublicKeyBody"])
    existing = ssh_keys_of(tx_of(ctx), ctx.account, user["UserId"])
    if any(doc["SSHPublicKeyBody"] == body for doc in existing):
        raise ServiceError(
            "DuplicateSSHPublicKey", "The public key is already associated with the user.", 400
        )
    if len(existing) >= MAX_KEYS:
        raise ServiceError("LimitExceeded", f"Cannot exceed quota for PublicKeysPerUser: {MAX_KEYS}", 409)
    doc = {
        "UserId": user["UserId"],
        "SSHPublicKeyId": unique_id("APKA", 16),
        "Fingerprint": _fingerprint(body),
        "SSHPublicKeyBody": body,
        "Status": "Active",
        "UploadDate": now(ctx),
    }
    _save(ctx, doc)
    return {"SSHPublicKey": _public(user, doc, body)}


@service.handler("GetSSHPublicKey")
def get_ssh_public_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user, doc = _require_key(ctx, request)
    body = doc["SSHPublicKeyBody"]
    if request["Encoding"] == "PEM":
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_ssh_public_key(body.encode())
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        body = pem.decode()
    return {"SSHPublicKey": _public(user, doc, body)}


@service.handler("ListSSHPublicKeys")
def list_ssh_public_keys(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    entries = (
        (
            f"{doc['UploadDate']}/{doc['SSHPublicKeyId']}",
            {
                "UserName": user["UserName"],
                "SSHPublicKeyId": doc["SSHPublicKeyId"],
                "Status": doc["Status"],
                "UploadDate": as_time(doc["UploadDate"]),
            },
        )
        for doc in ssh_keys_of(tx_of(ctx), ctx.account, user["UserId"])
    )
    return page(entries, request, "SSHPublicKeys")


@service.handler("UpdateSSHPublicKey")
def update_ssh_public_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, doc = _require_key(ctx, request)
    doc["Status"] = request["Status"]
    _save(ctx, doc)
    return {}


@service.handler("DeleteSSHPublicKey")
def delete_ssh_public_key(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user, doc = _require_key(ctx, request)
    key = f"{user['UserId']}/{doc['SSHPublicKeyId']}"
    tx_of(ctx).delete_doc(store.SERVICE, store.SSH_KEY, ctx.account, store.REGION, key)
    return {}
