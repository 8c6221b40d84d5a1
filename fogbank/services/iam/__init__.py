"""IAM: users, so far. IAM is global: its resources live in region "" of their account."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("iam")

from fogbank.services.iam import users  # noqa: E402,F401  (registers its handlers)
