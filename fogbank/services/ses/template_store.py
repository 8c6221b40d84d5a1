"""SES's one template store, for v1 (Template: SubjectPart/TextPart/HtmlPart) and v2 (TemplateContent).

A document is {name, subject, text?, html?, created, tags}. Rendering takes TemplateData (a JSON object in a
string) and raises `templating.MissingAttribute` for a variable the data lacks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import store
from fogbank.services.ses.compose import Content
from fogbank.services.ses.templating import render

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["get", "put", "delete", "all_templates", "render_content", "parse_data", "InvalidData"]


class InvalidData(Exception):
    """TemplateData is not a JSON object."""


def get(ctx: Context, name: str) -> dict[str, Any] | None:
    return store.tx_of(ctx).get_doc(store.SERVICE, store.TEMPLATE, ctx.account, ctx.region, name)


def put(ctx: Context, doc: dict[str, Any]) -> None:
    store.tx_of(ctx).put_doc(store.SERVICE, store.TEMPLATE, ctx.account, ctx.region, doc["name"], doc)


def delete(ctx: Context, name: str) -> bool:
    return store.tx_of(ctx).delete_doc(store.SERVICE, store.TEMPLATE, ctx.account, ctx.region, name)


def all_templates(ctx: Context) -> list[dict[str, Any]]:
    """Every template, oldest first, as ListTemplates orders them."""
    docs = [
        doc for _, doc in store.tx_of(ctx).list_docs(store.SERVICE, store.TEMPLATE, ctx.account, ctx.region)
    ]
    return sorted(docs, key=lambda doc: (doc["created"], doc["name"]))


def parse_data(data: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise InvalidData(str(exc)) from exc
    if not isinstance(value, dict):
        raise InvalidData("not an object")
    return value


def render_content(doc: dict[str, Any], data: dict[str, Any]) -> Content:
    """The template rendered with `data`; raises templating.MissingAttribute."""
    return Content(
        subject=render(doc["subject"], data),
        text=render(doc["text"], data) if doc.get("text") is not None else None,
        html=render(doc["html"], data, html_part=True) if doc.get("html") is not None else None,
    )
