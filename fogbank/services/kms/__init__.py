"""KMS: keys with real cryptography, aliases, key policies, grants, rotation, imported material."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("kms")
