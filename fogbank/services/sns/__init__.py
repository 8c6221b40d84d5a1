"""SNS: topics, subscriptions, filter policies and delivery to SQS, HTTP, email and SMS."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("sns", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

# Each module registers its handlers on `service` when imported, so they are imported after it exists.
from fogbank.services.sns import (  # noqa: E402,F401
    data_protection,
    endpoints,
    http_delivery,
    messages,
    policies,
    routes,
    sms,
    sms_sandbox,
    subscriptions,
    tags,
    topics,
)
