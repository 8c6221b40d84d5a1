"""SES v2 email templates: the same store as v1's templates (fogbank.services.ses.template_store), in v2's
shapes (TemplateContent: Subject/Text/Html)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import template_store
from fogbank.services.sesv2 import service
from fogbank.services.sesv2.common import page

if TYPE_CHECKING:
    from fogbank.context import Context

__all__: list[str] = []

PARTS = ("Subject", "Text", "Html")


def _doc(
    ctx: Context, name: str, content: dict[str, Any], created: str | None, tags: list[Any]
) -> dict[str, Any]:
    parts = (content.get("Subject"), content.get("Text"), content.get("Html"))
    return template_store.new_doc(ctx, name, parts, created=created, tags=tags, v2=True)


@service.handler("CreateEmailTemplate")
def create_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _doc(ctx, request["TemplateName"], request["TemplateContent"], None, request.get("Tags", []))
    if template_store.get(ctx, doc["name"]) is not None:
        raise ServiceError("AlreadyExistsException", f"Template {doc['name']} already exists.", 400)
    template_store.put(ctx, doc)
    return {}


@service.handler("UpdateEmailTemplate")
def update_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    old = template_store.existing(ctx, request["TemplateName"], v2=True)
    template_store.put(ctx, _doc(ctx, old["name"], request["TemplateContent"], old["created"], old["tags"]))
    return {}


@service.handler("GetEmailTemplate")
def get_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = template_store.existing(ctx, request["TemplateName"], v2=True)
    content = template_store.shown(doc, PARTS)
    return {"TemplateName": doc["name"], "TemplateContent": content, "Tags": doc.get("tags", [])}


@service.handler("DeleteEmailTemplate")
def delete_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    template_store.existing(ctx, request["TemplateName"], v2=True)
    template_store.delete(ctx, request["TemplateName"])
    return {}


@service.handler("ListEmailTemplates")
def list_email_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    return page(
        template_store.listing(ctx, "TemplateName"), request, "TemplatesMetadata", default=10, most=100
    )


@service.handler("TestRenderEmailTemplate")
def test_render_email_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = template_store.existing(ctx, request["TemplateName"], v2=True)
    return {"RenderedTemplate": template_store.test_render(ctx, doc, request["TemplateData"], v2=True)}
