"""SES (v1): identities, sending into fogbank's mailbox, templates, configuration sets and email receiving."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("ses", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

# Each module registers its handlers (and routes, consumers) on `service` when imported.
from fogbank.services.ses import (  # noqa: E402,F401
    account,
    authz,
    bounces,
    config_set_options,
    config_sets,
    custom_verification,
    identities,
    identity_policies,
    identity_settings,
    inbound,
    receipt_rules,
    relay,
    routes,
    sends,
    templates,
)
