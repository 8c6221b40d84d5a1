"""SES v2 email templates: the same store as v1's templates (fogbank.services.ses.template_store)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import template_store
from fogbank.services.ses.compose import rendered_preview
from fogbank.services.ses.templating import MissingAttribute, TemplateSyntaxError, check
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import bad_request, not_found, page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["existing"]


def existing(ctx: Context, name: str) -> dict[str, Any]:
    doc = template_store.get(ctx, name)
    if doc is None:
        raise not_found(f"Template {name} does not exist.")
    return doc


def _doc(
    ctx: Context, name: str, content: dict[str, Any], created: str | None, tags: list[Any]
) -> dict[str, Any]:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "_-" for c in name):
        raise bad_request(
            "Template name can only contain alphanumeric characters, underscores and dashes and must be "
            "at most 64 characters long."
        )
    for part in ("Subject", "Text", "Html"):
        try:
            check(content.get(part) or "")
        except TemplateSyntaxError as exc:
            raise bad_request(f"Invalid template {name}: {exc}") from exc
    return {
        "name": name,
        "subject": content.get("Subject", ""),
        "text": content.get("Text"),
        "html": content.get("Html"),
        "created": created or ctx.clock.now().isoformat(),
        "tags": tags,
    }


@service.handler("CreateEmailTemplate")
def create_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _doc(ctx, request["TemplateName"], request["TemplateContent"], None, request.get("Tags", []))
    if template_store.get(ctx, doc["name"]) is not None:
        raise ServiceError("AlreadyExistsException", f"Template {doc['name']} already exists.", 400)
    template_store.put(ctx, doc)
    return {}


@service.handler("UpdateEmailTemplate")
def update_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    old = existing(ctx, request["TemplateName"])
    template_store.put(ctx, _doc(ctx, old["name"], request["TemplateContent"], old["created"], old["tags"]))
    return {}


@service.handler("GetEmailTemplate")
def get_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["TemplateName"])
    content: dict[str, Any] = {"Subject": doc["subject"]}
    if doc.get("text") is not None:
        content["Text"] = doc["text"]
    if doc.get("html") is not None:
        content["Html"] = doc["html"]
    return {"TemplateName": doc["name"], "TemplateContent": content, "Tags": doc.get("tags", [])}


@service.handler("DeleteEmailTemplate")
def delete_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    existing(ctx, request["TemplateName"])
    template_store.delete(ctx, request["TemplateName"])
    return {}


@service.handler("ListEmailTemplates")
def list_email_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {"TemplateName": doc["name"], "CreatedTimestamp": datetime.fromisoformat(doc["created"])}
        for doc in template_store.all_templates(ctx)
    ]
    return page(entries, request, "TemplatesMetadata", default=10, most=100)


@service.handler("TestRenderEmailTemplate")
def test_render_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = existing(ctx, request["TemplateName"])
    try:
        content = template_store.render_content(doc, template_store.parse_data(request["TemplateData"]))
    except template_store.InvalidData as exc:
        raise bad_request(f"Template data is not valid JSON: {exc}") from exc
    except MissingAttribute as exc:
        raise bad_request(f"Attribute '{exc.name}' is not present in the rendering data.") from exc
    return {"RenderedTemplate": rendered_preview(content, ctx.clock.now())}
