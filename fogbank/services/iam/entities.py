"""What IAM's handlers share about the entities of store.py: loading them, their ARNs, timestamps and
policy documents.

Every entity is read by (kind, account, lower(name)); a missing one is AWS's NoSuchEntity in the words
AWS uses for that kind. Timestamps are stored as ISO 8601 text and answered as aware datetimes. Policy
documents are stored as the caller's text and answered URL-encoded (RFC 3986), as IAM answers them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import PolicyError, PolicyKind, parse_policy
from fogbank.services.iam import store
from fogbank.state import Transaction

__all__ = [
    "NOT_FOUND",
    "already_exists",
    "as_time",
    "check_document",
    "document_size",
    "encoded",
    "delete",
    "find",
    "get",
    "name_of",
    "now",
    "path_of",
    "put",
    "scan",
    "tx_of",
]

# How AWS says "not found", by kind.
NOT_FOUND = {
    store.USER: "The user with name {} cannot be found.",
    store.GROUP: "The group with name {} cannot be found.",
    store.ROLE: "The role with name {} cannot be found.",
    store.INSTANCE_PROFILE: "Instance Profile {} cannot be found.",
}

_EXISTS = {
    store.USER: "User with name {} already exists.",
    store.GROUP: "Group with name {} already exists.",
    store.ROLE: "Role with name {} already exists.",
    store.INSTANCE_PROFILE: "Instance Profile {} already exists.",
    store.POLICY: "A policy called {} already exists. Duplicate names are not allowed.",
}


def tx_of(ctx: Context) -> Transaction:
    assert ctx.tx is not None
    return ctx.tx


def now(ctx: Context) -> str:
    return ctx.clock.now().replace(microsecond=0).isoformat()


def as_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def find(tx: Transaction, kind: str, account: str, name: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, kind, account, store.REGION, name.lower())


def get(tx: Transaction, kind: str, account: str, name: str) -> dict[str, Any]:
    """The entity, or AWS's NoSuchEntity for its kind."""
    doc = find(tx, kind, account, name)
    if doc is None:
        raise ServiceError("NoSuchEntity", NOT_FOUND[kind].format(name), 404)
    return doc


def put(tx: Transaction, kind: str, account: str, name: str, doc: dict[str, Any]) -> None:
    tx.put_doc(store.SERVICE, kind, account, store.REGION, name.lower(), doc)


def delete(tx: Transaction, kind: str, account: str, name: str) -> None:
    tx.delete_doc(store.SERVICE, kind, account, store.REGION, name.lower())


def scan(tx: Transaction, kind: str, account: str) -> list[dict[str, Any]]:
    """Every entity of a kind in the account, by lower-cased name."""
    return [doc for _, doc in tx.list_docs(store.SERVICE, kind, account, store.REGION)]


def already_exists(kind: str, name: str) -> ServiceError:
    return ServiceError("EntityAlreadyExists", _EXISTS[kind].format(name), 409)


def name_of(arn: str) -> str:
    """The entity name an IAM ARN ends with: arn:aws:iam::1:policy/path/Name -> Name."""
    return arn.rsplit("/", 1)[-1]


def path_of(arn: str) -> str:
    """The path of an IAM ARN: arn:aws:iam::1:policy/a/b/Name -> /a/b/."""
    resource = arn.split(":", 5)[-1]
    return "/" + resource.split("/", 1)[1][: -len(name_of(arn))] if "/" in resource else "/"


def check_document(text: str, kind: PolicyKind) -> None:
    """Refuse a policy document the policy engine cannot parse as `kind`, with the engine's reason."""
    try:
        parse_policy(text, kind)
    except PolicyError as error:
        raise ServiceError("MalformedPolicyDocument", str(error), 400) from None


def document_size(text: str) -> int:
    """A policy's size as IAM's quotas count it: characters other than whitespace."""
    return sum(1 for c in text if not c.isspace())


def encoded(text: str) -> str:
    return quote(text, safe="")
