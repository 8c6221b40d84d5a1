"""The SES fixtures (a fresh account's v1 and v2 clients, the mailbox routes) for the v2 tests too."""

from __future__ import annotations

from tests.services.ses.conftest import account, mailbox, ses, sesv2, topic_queue  # noqa: F401
