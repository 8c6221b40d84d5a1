"""SendEmail's ListManagementOptions: the List-Unsubscribe headers, and no mail to contacts who opted out.

As SES: the contact list must exist (NotFoundException) and so must the topic, if named; a recipient whose
subscription status is OPT_OUT (UnsubscribeAll, its own preference for the topic, or the topic's default)
is not sent the message. The rest get it with List-Unsubscribe and List-Unsubscribe-Post (one-click)
headers naming the list and topic.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fogbank.services.ses import sending
from fogbank.services.ses.compose import address_of
from fogbank.services.sesv2.common import not_found
from fogbank.services.sesv2.contacts import contact, existing_list, status_of

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["apply"]


def _opted_out(ctx: Context, doc: dict[str, Any], topic: str | None, recipient: str) -> bool:
    found = contact(ctx, doc["name"], address_of(recipient))
    if topic is None:
        return found is not None and found["unsubscribe_all"]
    return status_of(doc, found, topic) == "OPT_OUT"


def apply(ctx: Context, send: sending.Send, options: dict[str, Any]) -> sending.Send:
    """`send` with its headers added and the opted-out recipients left out."""
    doc = existing_list(ctx, options["ContactListName"])
    topic = options.get("TopicName")
    if topic is not None and topic not in {t["TopicName"] for t in doc["topics"]}:
        raise not_found(f"Topic {topic} does not exist in list {doc['name']}.")
    kept = [r for r in send.recipients if not _opted_out(ctx, doc, topic, r)]
    path = quote(doc["name"]) + (f"/{quote(topic)}" if topic else "")
    link = f"https://unsubscribe.{ctx.region}.amazonses.com/v1/{ctx.account}/{path}"
    headers = (
        ("List-Unsubscribe", f"<{link}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return dataclasses.replace(send, recipients=kept, headers=headers)
