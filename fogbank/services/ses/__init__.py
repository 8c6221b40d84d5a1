"""SES (v1): identities, sending into fogbank's mailbox, templates and configuration sets."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("ses")
