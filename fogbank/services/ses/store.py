"""SES's control-plane state, shared by v1 and v2: identities, templates, configuration sets, account.

Every document lives under service "ses" whichever API wrote it, so an identity verified through v1 is
the same document v2 reads. Identity documents hold both APIs' settings in one shape:
{type: "EmailAddress"|"Domain", created, token?, dkim_tokens?, dkim_enabled, topics {Bounce, Complaint,
Delivery}, headers {Bounce, Complaint, Delivery}, forwarding, mail_from?, behavior, tags, config_set?}.
The account document holds the sandbox flag and the sending switch, per account and region as AWS keeps
them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import errors

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.state import Transaction

__all__ = [
    "SERVICE",
    "IDENTITY",
    "TEMPLATE",
    "CONFIG_SET",
    "ACCOUNT",
    "tx_of",
    "account_state",
    "put_account_state",
    "identity",
    "identity_in",
    "IdentityRef",
    "parse_identity_arn",
    "identities",
    "new_identity",
    "is_domain",
    "domain_of",
    "verified_identity_for",
    "config_set",
    "existing_config_set",
    "existing_identity",
    "put_config_set",
    "put_identity",
    "delete_identity",
    "identity_arn",
    "suppressed",
    "SUPPRESSED",
]

SERVICE = "ses"
IDENTITY = "identity"
TEMPLATE = "template"
CONFIG_SET = "configset"
ACCOUNT = "account"
SUPPRESSED = "suppressed"
_ACCOUNT_NAME = "account"


def tx_of(ctx: Context) -> Transaction:
    assert ctx.tx is not None
    return ctx.tx


def account_state(tx: Transaction, account: str, region: str) -> dict[str, Any]:
    """{sandbox, sending_enabled, suppressed_reasons, details?}: every account starts in the sandbox,
    sending enabled, its suppression list on for bounces and complaints (AWS's default for new accounts)."""
    doc = tx.get_doc(SERVICE, ACCOUNT, account, region, _ACCOUNT_NAME)
    return {"sandbox": True, "sending_enabled": True, "suppressed_reasons": ["BOUNCE", "COMPLAINT"]} | (
        doc or {}
    )


def put_account_state(tx: Transaction, account: str, region: str, doc: dict[str, Any]) -> None:
    tx.put_doc(SERVICE, ACCOUNT, account, region, _ACCOUNT_NAME, doc)


def is_domain(name: str) -> bool:
    return "@" not in name


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


@dataclass(frozen=True, slots=True)
class IdentityRef:
    """An identity by owner and name: the caller's own, or another account's named by its ARN."""

    account: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:aws:ses:{self.region}:{self.account}:identity/{self.name}"


_IDENTITY_ARN = re.compile(r"arn:aws:ses:([a-z0-9-]+):(\d{12}):identity/(.+)")


def parse_identity_arn(arn: str) -> IdentityRef | None:
    match = _IDENTITY_ARN.fullmatch(arn)
    return IdentityRef(match[2], match[1], match[3]) if match else None


def identity_in(tx: Transaction, ref: IdentityRef) -> dict[str, Any] | None:
    return tx.get_doc(SERVICE, IDENTITY, ref.account, ref.region, _key(ref.name))


def identity(ctx: Context, name: str) -> dict[str, Any] | None:
    return identity_in(tx_of(ctx), IdentityRef(ctx.account, ctx.region, name))


def existing_identity(ctx: Context, name: str, *, v2: bool) -> dict[str, Any]:
    """The caller's identity `name`, or the API's error for a missing one."""
    doc = identity(ctx, name)
    if doc is None:
        message = f"Email identity {name} does not exist." if v2 else f"Identity <{name}> does not exist."
        raise errors.missing(v2, "InvalidParameterValue", message)
    return doc


def identities(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """(name, document) of every identity, in name order."""
    return [(doc["name"], doc) for _, doc in tx_of(ctx).list_docs(SERVICE, IDENTITY, ctx.account, ctx.region)]


def new_identity(ctx: Context, name: str) -> dict[str, Any]:
    """Create (or return unchanged) the identity `name`; fogbank verifies it at once.

    A domain gets its verification token and three Easy DKIM tokens, as VerifyDomainIdentity and
    VerifyDomainDkim hand out; DKIM signing is on from the start, as AWS turns it on once verified.
    """
    existing = identity(ctx, name)
    if existing is not None:
        return existing
    doc: dict[str, Any] = {
        "name": name,
        "type": "Domain" if is_domain(name) else "EmailAddress",
        "created": ctx.clock.now().isoformat(),
        "topics": {},
        "headers": {},
        "forwarding": True,
        "behavior": "UseDefaultValue",
        "tags": [],
    }
    if is_domain(name):
        doc["token"] = _token(44)
        doc["dkim_tokens"] = [_token(32).lower() for _ in range(3)]
        doc["dkim_enabled"] = True
    put_identity(ctx, doc)
    return doc


def put_identity(ctx: Context, doc: dict[str, Any]) -> None:
    tx_of(ctx).put_doc(SERVICE, IDENTITY, ctx.account, ctx.region, _key(doc["name"]), doc)


def delete_identity(ctx: Context, name: str) -> bool:
    return tx_of(ctx).delete_doc(SERVICE, IDENTITY, ctx.account, ctx.region, _key(name))


def verified_identity_for(ctx: Context, address: str) -> dict[str, Any] | None:
    """The identity that verifies `address`: the address itself, else its domain."""
    return identity(ctx, address) or identity(ctx, domain_of(address))


def config_set(ctx: Context, name: str) -> dict[str, Any] | None:
    return tx_of(ctx).get_doc(SERVICE, CONFIG_SET, ctx.account, ctx.region, name)


def put_config_set(ctx: Context, doc: dict[str, Any]) -> None:
    tx_of(ctx).put_doc(SERVICE, CONFIG_SET, ctx.account, ctx.region, doc["name"], doc)


def existing_config_set(ctx: Context, name: str, *, v2: bool) -> dict[str, Any]:
    """The configuration set, or the API's error for a missing one."""
    doc = config_set(ctx, name)
    if doc is None:
        message = f"Configuration set <{name}> does not exist."
        raise errors.missing(v2, "ConfigurationSetDoesNotExist", message, ConfigurationSetName=name)
    return doc


def suppressed(ctx: Context, address: str) -> dict[str, Any] | None:
    """The account-level suppression list's entry for `address` ({EmailAddress, Reason, LastUpdateTime})."""
    return tx_of(ctx).get_doc(SERVICE, SUPPRESSED, ctx.account, ctx.region, address.lower())


def identity_arn(ctx: Context, name: str) -> str:
    return f"arn:aws:ses:{ctx.region}:{ctx.account}:identity/{name}"


def _key(name: str) -> str:
    # Domains are case-insensitive; an address's domain part is too, its local part is kept as given.
    if is_domain(name):
        return name.lower()
    local, domain = name.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _token(length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
