"""IAM's unique identifiers: a four-letter prefix naming the kind, then upper-case alphanumerics.

Resource ids (AIDA users, AROA roles, ANPA policies…) are 21 characters; access key ids (AKIA) and SSH
key ids (APKA) are 20.
"""

from __future__ import annotations

import secrets
import string

__all__ = ["unique_id"]

_ALPHABET = string.ascii_uppercase + string.digits


def unique_id(prefix: str, size: int = 17) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(size))
