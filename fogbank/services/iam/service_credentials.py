"""Service-specific credentials (CodeCommit HTTPS Git, Amazon Keyspaces): create, list, reset, update, delete.

A credential is a user name "{user}-at-{account}" and a generated password, answered on create and
reset only and kept as a hash. A user has at most two per service; they are listed oldest first.
`check_service_credential` is how a service's own endpoint (CodeCommit's git server) signs a user in
with one.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, now, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.owners import named_user, users_by_id
from fogbank.services.iam.passwords import hash_password, verify_password
from fogbank.state import Transaction

__all__ = ["MAX_PER_SERVICE", "SERVICES", "ServiceUser", "check_service_credential"]

SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")
MAX_PER_SERVICE = 2
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "+/="


@dataclass(frozen=True, slots=True)
class ServiceUser:
    """Who a service-specific credential signs in as."""

    account: str
    user_name: str
    user_id: str
    arn: str
    service_name: str


def check_service_credential(tx: Transaction, service_user_name: str, password: str) -> ServiceUser | None:
    """The IAM user behind an active credential with this user name and password, or None."""
    _, _, account = service_user_name.rpartition("-at-")
    if not (len(account) == 12 and account.isdigit()):
        return None
    for doc in scan(tx, store.SERVICE_CREDENTIAL, account):
        if (
            doc["ServiceUserName"] == service_user_name
            and doc["Status"] == "Active"
            and verify_password(password, doc["PasswordHash"])
        ):
            users = [u for u in scan(tx, store.USER, account) if u["UserId"] == doc["UserId"]]
            if not users:
                return None
            user = users[0]
            return ServiceUser(account, user["UserName"], user["UserId"], user["Arn"], doc["ServiceName"])
    return None


def _not_supported(name: str) -> ServiceError:
    return ServiceError("NotSupportedService", f"The specified service {name} is not supported.", 404)


def _metadata(user_name: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "UserName": user_name,
        "Status": doc["Status"],
        "ServiceUserName": doc["ServiceUserName"],
        "CreateDate": as_time(doc["CreateDate"]),
        "ServiceSpecificCredentialId": doc["ServiceSpecificCredentialId"],
        "ServiceName": doc["ServiceName"],
    }


def _with_password(ctx: Context, user_name: str, doc: dict[str, Any]) -> dict[str, Any]:
    """Set a new password on the credential, save it, and answer it in the clear this once."""
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(44))
    doc["PasswordHash"] = hash_password(password)
    key = f"{doc['UserId']}/{doc['ServiceSpecificCredentialId']}"
    tx_of(ctx).put_doc(store.SERVICE, store.SERVICE_CREDENTIAL, ctx.account, store.REGION, key, doc)
    return {"ServiceSpecificCredential": _metadata(user_name, doc) | {"ServicePassword": password}}


def _credentials_of(tx: Transaction, account: str, user_id: str) -> list[dict[str, Any]]:
    rows = tx.list_docs(store.SERVICE, store.SERVICE_CREDENTIAL, account, store.REGION, prefix=user_id + "/")
    return [doc for _, doc in rows]


def _require(ctx: Context, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    user = named_user(ctx, request)
    credential_id = request["ServiceSpecificCredentialId"]
    key = f"{user['UserId']}/{credential_id}"
    doc = tx_of(ctx).get_doc(store.SERVICE, store.SERVICE_CREDENTIAL, ctx.account, store.REGION, key)
    if doc is None:
        raise ServiceError(
            "NoSuchEntity", f"No such credential {credential_id} exists for user {user['UserName']}.", 404
        )
    return user, doc


@service.handler("CreateServiceSpecificCredential")
def create_service_specific_credential(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user = named_user(ctx, request)
    name = request["ServiceName"]
    if name not in SERVICES:
        raise _not_supported(name)
    existing = [
        d for d in _credentials_of(tx_of(ctx), ctx.account, user["UserId"]) if d["ServiceName"] == name
    ]
    if len(existing) >= MAX_PER_SERVICE:
        raise ServiceError(
            "LimitExceeded",
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_PER_SERVICE}",
            409,
        )
    doc = {
        "UserId": user["UserId"],
        "ServiceSpecificCredentialId": unique_id("ACCA"),
        "ServiceName": name,
        "ServiceUserName": f"{user['UserName']}-at-{ctx.account}",
        "Status": "Active",
        "CreateDate": now(ctx),
    }
    return _with_password(ctx, user["UserName"], doc)


@service.handler("ResetServiceSpecificCredential")
def reset_service_specific_credential(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    user, doc = _require(ctx, request)
    return _with_password(ctx, user["UserName"], doc)


@service.handler("ListServiceSpecificCredentials")
def list_service_specific_credentials(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    service_name = request.get("ServiceName")
    if service_name is not None and service_name not in SERVICES:
        raise _not_supported(service_name)
    tx = tx_of(ctx)
    if request.get("AllUsers"):
        users = users_by_id(ctx)
        docs = [d for d in scan(tx, store.SERVICE_CREDENTIAL, ctx.account) if d["UserId"] in users]
    else:
        user = named_user(ctx, request)
        users = {user["UserId"]: user}
        docs = _credentials_of(tx, ctx.account, user["UserId"])
    entries = (
        (
            f"{doc['CreateDate']}/{doc['ServiceSpecificCredentialId']}",
            _metadata(users[doc["UserId"]]["UserName"], doc),
        )
        for doc in docs
        if service_name is None or doc["ServiceName"] == service_name
    )
    return page(entries, request, "ServiceSpecificCredentials")


@service.handler("UpdateServiceSpecificCredential")
def update_service_specific_credential(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, doc = _require(ctx, request)
    doc["Status"] = request["Status"]
    key = f"{doc['UserId']}/{doc['ServiceSpecificCredentialId']}"
    tx_of(ctx).put_doc(store.SERVICE, store.SERVICE_CREDENTIAL, ctx.account, store.REGION, key, doc)
    return {}


@service.handler("DeleteServiceSpecificCredential")
def delete_service_specific_credential(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _, doc = _require(ctx, request)
    key = f"{doc['UserId']}/{doc['ServiceSpecificCredentialId']}"
    tx_of(ctx).delete_doc(store.SERVICE, store.SERVICE_CREDENTIAL, ctx.account, store.REGION, key)
    return {}
