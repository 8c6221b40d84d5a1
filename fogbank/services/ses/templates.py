"""SES v1 templates: Create/Get/Update/Delete/ListTemplates and TestRenderTemplate, over the shared store
(template_store.py) in v1's shapes (Template: SubjectPart/TextPart/HtmlPart)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import service, template_store
from fogbank.services.ses.paging import page_v1

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["PARTS"]

PARTS = ("SubjectPart", "TextPart", "HtmlPart")


def _doc(ctx: Context, template: dict[str, Any], created: str | None = None) -> dict[str, Any]:
    parts = (template.get("SubjectPart"), template.get("TextPart"), template.get("HtmlPart"))
    return template_store.new_doc(ctx, template["TemplateName"], parts, created=created, tags=[], v2=False)


@service.handler("CreateTemplate")
def create_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _doc(ctx, request["Template"])
    if template_store.get(ctx, doc["name"]) is not None:
        raise ServiceError(
            "AlreadyExists", f"Template {doc['name']} already exists.", 400, fields={"Name": doc["name"]}
        )
    template_store.put(ctx, doc)
    return {}


@service.handler("UpdateTemplate")
def update_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    old = template_store.existing(ctx, request["Template"]["TemplateName"], v2=False)
    template_store.put(ctx, _doc(ctx, request["Template"], created=old["created"]))
    return {}


@service.handler("GetTemplate")
def get_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = template_store.existing(ctx, request["TemplateName"], v2=False)
    return {"Template": {"TemplateName": doc["name"]} | template_store.shown(doc, PARTS)}


@service.handler("DeleteTemplate")
def delete_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    template_store.delete(ctx, request["TemplateName"])
    return {}


@service.handler("ListTemplates")
def list_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = template_store.listing(ctx, "Name")
    return page_v1(entries, request, "TemplatesMetadata", default=10, most=100)


@service.handler("TestRenderTemplate")
def test_render_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = template_store.existing(ctx, request["TemplateName"], v2=False)
    return {"RenderedTemplate": template_store.test_render(ctx, doc, request["TemplateData"], v2=False)}
