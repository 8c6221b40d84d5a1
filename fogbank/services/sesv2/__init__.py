"""SES v2: the same identities and mailbox as SES v1, through the v2 API."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("sesv2")

# Each module registers its handlers on `service` when imported; the state they share is SES v1's.
from fogbank.services.ses.authz import send_requirements  # noqa: E402
from fogbank.services.sesv2 import (  # noqa: E402,F401
    account,
    config_sets,
    contacts,
    custom_verification,
    dedicated_ips,
    deliverability,
    identities,
    identity_policies,
    sends,
    suppression,
    tags,
    templates,
)

service.authorize("SendEmail")(send_requirements("ses:SendEmail"))
service.authorize("SendBulkEmail")(send_requirements("ses:SendBulkEmail"))
