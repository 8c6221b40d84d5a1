"""KMS: keys with real cryptography, aliases, key policies, grants, rotation, imported material."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("kms")

# Each module registers its handlers on `service` when imported, so they are imported after it exists.
from fogbank.services.kms import (  # noqa: E402,F401
    aliases,
    asymmetric,
    authz,
    crypto,
    grants,
    imported,
    jobs,
    keys,
    policies,
    rotation,
    tags,
)
