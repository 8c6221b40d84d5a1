"""IAM's unique identifiers: a four-letter prefix naming the kind, then 16 upper-case alphanumerics."""

from __future__ import annotations

import secrets
import string

__all__ = ["unique_id"]

_ALPHABET = string.ascii_uppercase + string.digits


def unique_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(16))
