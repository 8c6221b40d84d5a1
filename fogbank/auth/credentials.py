"""Who a request speaks for: the Principal value and the access-key resolver.

An access key resolves in this order:

1. a key fogbank issued (`lookup` finds it): its principal, and its secret, so the signature is verified;
   a key fogbank issued but no longer honours (`lookup` raises RefusedKey: an inactive access key) is
   refused whatever `strict` says, since treating it as a default key would make it root;
2. when not strict, any other key is a *default key*: a 12-digit key acts as the root user of that account,
   anything else (`test`) as root of 000000000000, and its signature is not verified (secret None);
3. when strict, any other key is refused with the error the request's protocol uses for it.

`Credential.secret_key is None` is the one signal, for every later stage, that signatures (header, query,
chunk and trailer) are not to be verified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from fogbank.errors import ServiceError

__all__ = [
    "DEFAULT_ACCOUNT",
    "Credential",
    "Flavour",
    "Lookup",
    "Principal",
    "RefusedKey",
    "anonymous",
    "expired_token",
    "invalid_access_key",
    "invalid_security_token",
    "resolve",
    "root",
]

DEFAULT_ACCOUNT = "000000000000"

PrincipalKind = Literal["root", "user", "assumed-role", "federated-user", "anonymous"]

# Which family of error codes a request gets: AWS spells the same failure differently per protocol.
# "s3": S3's own codes; "query": STS, IAM, SNS, SQS query...; "json": JSON, REST-JSON and CBOR services;
# "ec2": EC2's AuthFailure.
Flavour = Literal["s3", "query", "json", "ec2"]


@dataclass(frozen=True, slots=True)
class Principal:
    account: str
    arn: str
    user_id: str
    kind: PrincipalKind
    access_key: str | None = None
    role_arn: str | None = None
    session_name: str | None = None
    expires: datetime | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"


@dataclass(frozen=True, slots=True)
class Credential:
    principal: Principal
    secret_key: str | None  # None: a default key, whose signatures are not verified
    session_token: str | None = None

    @property
    def verified(self) -> bool:
        return self.secret_key is not None


class RefusedKey(Exception):
    """Raised by a Lookup for a key fogbank issued but refuses (an inactive access key)."""


Lookup = Callable[[str], Credential | None]

_ANONYMOUS = Principal(account="", arn="*", user_id="anonymous", kind="anonymous")


def anonymous() -> Credential:
    return Credential(_ANONYMOUS, None)


def root(account: str, access_key: str | None = None) -> Principal:
    return Principal(
        account=account,
        arn=f"arn:aws:iam::{account}:root",
        user_id=account,
        kind="root",
        access_key=access_key,
    )


def resolve(
    access_key: str | None, *, strict: bool, lookup: Lookup, flavour: Flavour = "query"
) -> Credential:
    """The credential an access key stands for; raises the flavour's invalid-key error for a refused key,
    and for any key fogbank did not issue when strict."""
    if access_key is None:
        return anonymous()
    try:
        found = lookup(access_key)
    except RefusedKey:
        raise invalid_access_key(flavour) from None
    if found is not None:
        return found
    if strict:
        raise invalid_access_key(flavour)
    account = access_key if len(access_key) == 12 and access_key.isdigit() else DEFAULT_ACCOUNT
    return Credential(root(account, access_key), None)


_INVALID_TOKEN = "The security token included in the request is invalid."


def invalid_access_key(flavour: Flavour) -> ServiceError:
    if flavour == "s3":
        return ServiceError(
            "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403
        )
    if flavour == "json":
        return ServiceError("UnrecognizedClientException", _INVALID_TOKEN, 403)
    if flavour == "ec2":
        return ServiceError(
            "AuthFailure", "AWS was not able to validate the provided access credentials", 401
        )
    return ServiceError("InvalidClientTokenId", _INVALID_TOKEN, 403)


def invalid_security_token(flavour: Flavour) -> ServiceError:
    """A session key used without its token, or with another one."""
    if flavour == "s3":
        return ServiceError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400)
    return invalid_access_key(flavour)


def expired_token(flavour: Flavour) -> ServiceError:
    if flavour == "s3":
        return ServiceError("ExpiredToken", "The provided token has expired.", 400)
    return ServiceError("ExpiredToken", "The security token included in the request is expired", 403)
