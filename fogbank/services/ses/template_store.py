"""SES's one template store, for v1 (Template: SubjectPart/TextPart/HtmlPart) and v2 (TemplateContent).

A document is {name, subject, text?, html?, created, tags}. Rendering takes TemplateData (a JSON object in a
string) and raises `templating.MissingAttribute` for a variable the data lacks.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.services.ses import errors, store
from fogbank.services.ses.compose import Content, rendered_preview
from fogbank.services.ses.templating import MissingAttribute, TemplateSyntaxError, check, render

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = [
    "get",
    "existing",
    "new_doc",
    "shown",
    "listing",
    "put",
    "delete",
    "all_templates",
    "render_content",
    "parse_data",
    "data_of",
    "test_render",
    "InvalidData",
]


class InvalidData(Exception):
    """TemplateData is not a JSON object."""


def get(ctx: Context, name: str) -> dict[str, Any] | None:
    return store.tx_of(ctx).get_doc(store.SERVICE, store.TEMPLATE, ctx.account, ctx.region, name)


def existing(ctx: Context, name: str, *, v2: bool) -> dict[str, Any]:
    doc = get(ctx, name)
    if doc is None:
        raise errors.missing(
            v2, "TemplateDoesNotExist", f"Template {name} does not exist.", TemplateName=name
        )
    return doc


def new_doc(
    ctx: Context,
    name: str,
    parts: tuple[str | None, str | None, str | None],
    *,
    created: str | None,
    tags: list[Any],
    v2: bool,
) -> dict[str, Any]:
    """A template document from its name and (subject, text, html), each checked as AWS checks them."""
    if not name or len(name) > 64 or not all(c.isalnum() or c in "_-" for c in name):
        raise errors.invalid(
            v2,
            "InvalidParameterValue",
            "Template name can only contain alphanumeric characters, underscores and dashes and must be "
            "at most 64 characters long.",
        )
    for part in parts:
        try:
            check(part or "")
        except TemplateSyntaxError as exc:
            raise errors.invalid(
                v2, "InvalidTemplate", f"Invalid template {name}: {exc}", TemplateName=name
            ) from exc
    subject, text, html = parts
    return {
        "name": name,
        "subject": subject or "",
        "text": text,
        "html": html,
        "created": created or ctx.clock.now().isoformat(),
        "tags": tags,
    }


def shown(doc: dict[str, Any], keys: tuple[str, str, str]) -> dict[str, Any]:
    """The template's parts under the API's (subject, text, html) member names."""
    out = {keys[0]: doc["subject"]}
    for key, value in zip(keys[1:], (doc.get("text"), doc.get("html")), strict=True):
        if value is not None:
            out[key] = value
    return out


def listing(ctx: Context, name_key: str) -> list[dict[str, Any]]:
    """Every template's metadata, oldest first, its name under `name_key`."""
    return [
        {name_key: doc["name"], "CreatedTimestamp": datetime.fromisoformat(doc["created"])}
        for doc in all_templates(ctx)
    ]


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


def data_of(text: str | None, template: str, *, v2: bool) -> dict[str, Any]:
    """TemplateData (absent: none) read as a JSON object, or the API's invalid-data error."""
    try:
        return parse_data(text or "{}")
    except InvalidData as exc:
        message = f"Template data is not valid JSON: {exc}"
        raise errors.invalid(v2, "InvalidRenderingParameter", message, TemplateName=template) from exc


def test_render(ctx: Context, doc: dict[str, Any], data: str, *, v2: bool) -> str:
    """TestRenderTemplate: the rendered message, or the error rendering it for real would meet."""
    values = data_of(data, doc["name"], v2=v2)
    try:
        content = render_content(doc, values)
    except MissingAttribute as exc:
        message = f"Attribute '{exc.name}' is not present in the rendering data."
        raise errors.invalid(v2, "MissingRenderingAttribute", message, TemplateName=doc["name"]) from exc
    return rendered_preview(content, ctx.clock.now())


def render_content(doc: dict[str, Any], data: dict[str, Any]) -> Content:
    """The template rendered with `data`; raises templating.MissingAttribute."""
    return Content(
        subject=render(doc["subject"], data),
        text=render(doc["text"], data) if doc.get("text") is not None else None,
        html=render(doc["html"], data, html_part=True) if doc.get("html") is not None else None,
    )
