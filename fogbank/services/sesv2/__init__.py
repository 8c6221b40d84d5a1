"""SES v2: the same identities and mailbox as SES v1, through the v2 API."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("sesv2")
