"""SNS: topics, subscriptions, filter policies and delivery to SQS, HTTP, email and SMS."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("sns")
