"""Changes to identity documents and reads of several at once, for v1 and v2 alike; errors in the
calling API's codes (`v2`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import errors, store

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["attributes_of", "delete", "set_mail_from", "set_dkim_enabled", "update"]


def attributes_of(
    ctx: Context, names: list[str], describe: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """{name: describe(identity)} for each name that is an identity (v1's Get*Attributes skip the rest)."""
    found: dict[str, Any] = {}
    for name in names:
        doc = store.identity(ctx, name)
        if doc is not None:
            found[name] = describe(doc)
    return found


def delete(ctx: Context, name: str, *, v2: bool) -> None:
    """Delete an identity: v1 succeeds for one that does not exist, v2 refuses it."""
    if not store.delete_identity(ctx, name) and v2:
        raise errors.missing(v2, "InvalidParameterValue", f"Email identity {name} does not exist.")


def update(ctx: Context, name: str, changes: dict[str, Any], *, v2: bool) -> dict[str, Any]:
    """Set members of an existing identity's document."""
    doc = store.existing_identity(ctx, name, v2=v2)
    doc.update(changes)
    store.put_identity(ctx, doc)
    return doc


def set_mail_from(ctx: Context, name: str, mail_from: str | None, behavior: str, *, v2: bool) -> None:
    """Set (or with no domain, clear) the custom MAIL FROM domain: a subdomain of the identity's domain.
    `behavior` is v1's BehaviorOnMXFailure spelling, which the documents keep."""
    doc = store.existing_identity(ctx, name, v2=v2)
    if mail_from:
        domain = doc["name"] if store.is_domain(doc["name"]) else store.domain_of(doc["name"])
        if not mail_from.lower().endswith("." + domain.lower()):
            raise errors.invalid(
                v2,
                "InvalidParameterValue",
                f"Provided MAIL-FROM domain <{mail_from}> is not subdomain of the domain of the identity "
                f"<{doc['name']}>.",
            )
        doc["mail_from"] = mail_from
    else:
        doc.pop("mail_from", None)
    doc["behavior"] = behavior
    store.put_identity(ctx, doc)


def set_dkim_enabled(ctx: Context, name: str, enabled: bool, *, v2: bool) -> None:
    doc = store.existing_identity(ctx, name, v2=v2)
    if "dkim_tokens" not in doc:
        message = f"Identity <{doc['name']}> has no DKIM tokens to sign with."
        raise errors.invalid(v2, "InvalidParameterValue", message)
    doc["dkim_enabled"] = enabled
    store.put_identity(ctx, doc)
