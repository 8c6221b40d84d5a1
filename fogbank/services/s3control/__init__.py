"""S3 Control: account-level S3 settings. So far the account's Block Public Access configuration."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("s3control")

from fogbank.services.s3control import public_access  # noqa: E402,F401
