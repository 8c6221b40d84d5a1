"""The account password policy: Update/Get/DeleteAccountPasswordPolicy, and checking a password against it.

An account without a policy still has AWS's default rules for console passwords: at least 8
characters and at least three of upper case, lower case, numbers and symbols. A policy that is set
replaces them; what it does not specify takes AWS's documented defaults (minimum length 6, nothing
required, no expiry, reuse allowed).
"""

from __future__ import annotations

import string
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.passwords import verify_password

__all__ = ["SYMBOLS", "check_password", "password_policy"]

KEY = "default"
# The symbols AWS counts as non-alphanumeric in a password policy.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
_BOOLEANS = (
    "RequireSymbols",
    "RequireNumbers",
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "AllowUsersToChangePassword",
)


def password_policy(tx: Any, account: str) -> dict[str, Any] | None:
    return tx.get_doc(store.SERVICE, store.PASSWORD_POLICY, account, store.REGION, KEY)


def _violation(message: str) -> ServiceError:
    return ServiceError("PasswordPolicyViolation", message, 400)


def check_password(tx: Any, account: str, password: str, previous_hashes: list[str]) -> None:
    """Raise PasswordPolicyViolation, with AWS's wording for the first rule broken."""
    policy = password_policy(tx, account)
    kinds = {
        "uppercase letter": any(c in string.ascii_uppercase for c in password),
        "lowercase letter": any(c in string.ascii_lowercase for c in password),
        "number": any(c in string.digits for c in password),
        "symbol": any(c in SYMBOLS for c in password),
    }
    if policy is None:
        if len(password) < 8:
            raise _violation("Password should have a minimum length of 8")
        if sum(kinds.values()) < 3:
            raise _violation(
                "Password should include at least three of the following: uppercase letters, "
                "lowercase letters, numbers and symbols"
            )
        return
    minimum = policy["MinimumPasswordLength"]
    if len(password) < minimum:
        raise _violation(f"Password should have a minimum length of {minimum}")
    required = {
        "uppercase letter": policy["RequireUppercaseCharacters"],
        "lowercase letter": policy["RequireLowercaseCharacters"],
        "number": policy["RequireNumbers"],
        "symbol": policy["RequireSymbols"],
    }
    for kind, needed in required.items():
        if needed and not kinds[kind]:
            raise _violation(f"Password should have at least one {kind}")
    reuse = policy.get("PasswordReusePrevention")
    if reuse and any(verify_password(password, old) for old in previous_hashes[:reuse]):
        raise _violation(f"Password should not be one of the last {reuse} passwords used")


@service.handler("UpdateAccountPasswordPolicy")
def update_account_password_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    doc: dict[str, Any] = {"MinimumPasswordLength": request.get("MinimumPasswordLength", 6)}
    doc |= {name: request.get(name, False) for name in _BOOLEANS}
    for optional in ("MaxPasswordAge", "PasswordReusePrevention", "HardExpiry"):
        if optional in request:
            doc[optional] = request[optional]
    ctx.tx.put_doc(store.SERVICE, store.PASSWORD_POLICY, ctx.account, store.REGION, KEY, doc)
    return {}


def _no_policy(account: str) -> ServiceError:
    return ServiceError(
        "NoSuchEntity", f"The Password Policy with domain name {account} cannot be found.", 404
    )


@service.handler("GetAccountPasswordPolicy")
def get_account_password_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    policy = password_policy(ctx.tx, ctx.account)
    if policy is None:
        raise _no_policy(ctx.account)
    return {"PasswordPolicy": policy | {"ExpirePasswords": "MaxPasswordAge" in policy}}


@service.handler("DeleteAccountPasswordPolicy")
def delete_account_password_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    if not ctx.tx.delete_doc(store.SERVICE, store.PASSWORD_POLICY, ctx.account, store.REGION, KEY):
        raise _no_policy(ctx.account)
    return {}
