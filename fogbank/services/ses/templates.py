"""SES v1 templates: Create/Get/Update/Delete/ListTemplates and TestRenderTemplate."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.ses import service, template_store
from fogbank.services.ses.compose import rendered_preview
from fogbank.services.ses.paging import page_v1
from fogbank.services.ses.templating import MissingAttribute, TemplateSyntaxError, check

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = ["missing_template"]


def missing_template(name: str) -> ServiceError:
    return ServiceError(
        "TemplateDoesNotExist", f"Template {name} does not exist.", 400, fields={"TemplateName": name}
    )


def _doc(ctx: Context, template: dict[str, Any], created: str | None = None) -> dict[str, Any]:
    name = template["TemplateName"]
    if not name or len(name) > 64 or not all(c.isalnum() or c in "_-" for c in name):
        raise ServiceError(
            "InvalidParameterValue",
            "Template name can only contain alphanumeric characters, underscores and dashes and must be "
            "at most 64 characters long.",
            400,
        )
    for part in ("SubjectPart", "TextPart", "HtmlPart"):
        try:
            check(template.get(part) or "")
        except TemplateSyntaxError as exc:
            raise ServiceError(
                "InvalidTemplate", f"Invalid template {name}: {exc}", 400, fields={"TemplateName": name}
            ) from exc
    return {
        "name": name,
        "subject": template.get("SubjectPart", ""),
        "text": template.get("TextPart"),
        "html": template.get("HtmlPart"),
        "created": created or ctx.clock.now().isoformat(),
        "tags": [],
    }


def _existing(ctx: Context, name: str) -> dict[str, Any]:
    doc = template_store.get(ctx, name)
    if doc is None:
        raise missing_template(name)
    return doc


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
    old = _existing(ctx, request["Template"]["TemplateName"])
    template_store.put(ctx, _doc(ctx, request["Template"], created=old["created"]))
    return {}


@service.handler("GetTemplate")
def get_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = _existing(ctx, request["TemplateName"])
    template: dict[str, Any] = {"TemplateName": doc["name"], "SubjectPart": doc["subject"]}
    if doc.get("text") is not None:
        template["TextPart"] = doc["text"]
    if doc.get("html") is not None:
        template["HtmlPart"] = doc["html"]
    return {"Template": template}


@service.handler("DeleteTemplate")
def delete_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    template_store.delete(ctx, request["TemplateName"])
    return {}


@service.handler("ListTemplates")
def list_templates(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {"Name": doc["name"], "CreatedTimestamp": datetime.fromisoformat(doc["created"])}
        for doc in template_store.all_templates(ctx)
    ]
    return page_v1(entries, request, "TemplatesMetadata", default=10, most=100)


@service.handler("TestRenderTemplate")
def test_render_template(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    name = request["TemplateName"]
    doc = _existing(ctx, name)
    try:
        data = template_store.parse_data(request["TemplateData"])
    except template_store.InvalidData as exc:
        raise ServiceError(
            "InvalidRenderingParameter",
            f"Template data is not valid JSON: {exc}",
            400,
            fields={"TemplateName": name},
        ) from exc
    try:
        content = template_store.render_content(doc, data)
    except MissingAttribute as exc:
        raise ServiceError(
            "MissingRenderingAttribute",
            f"Attribute '{exc.name}' is not present in the rendering data.",
            400,
            fields={"TemplateName": name},
        ) from exc
    return {"RenderedTemplate": rendered_preview(content, ctx.clock.now())}
