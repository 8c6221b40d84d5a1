"""SES v1 templates: the store, Handlebars rendering, and templated sends into the mailbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.ses.conftest import Mailbox

WELCOME = {
    "TemplateName": "Welcome",
    "SubjectPart": "Welcome, {{name}}!",
    "TextPart": (
        "Hi {{name}}.{{#if vip}} You are VIP.{{else if trial}} Trial.{{/if}}"
        "{{#each items}} [{{this}}]{{/each}}"
    ),
    "HtmlPart": "<p>Hi {{name}}</p>",
}


def test_template_store(ses: Any) -> None:
    ses.create_template(Template=WELCOME)
    with pytest.raises(ClientError) as caught:
        ses.create_template(Template=WELCOME)
    assert caught.value.response["Error"]["Code"] == "AlreadyExists"
    assert ses.get_template(TemplateName="Welcome")["Template"] == WELCOME
    ses.update_template(Template=WELCOME | {"SubjectPart": "Hello {{name}}"})
    assert ses.get_template(TemplateName="Welcome")["Template"]["SubjectPart"] == "Hello {{name}}"
    assert [t["Name"] for t in ses.list_templates()["TemplatesMetadata"]] == ["Welcome"]
    ses.delete_template(TemplateName="Welcome")
    with pytest.raises(ClientError) as caught:
        ses.get_template(TemplateName="Welcome")
    assert caught.value.response["Error"]["Code"] == "TemplateDoesNotExist"
    with pytest.raises(ClientError) as caught:
        ses.create_template(Template={"TemplateName": "Bad", "SubjectPart": "{{#if x}}open"})
    assert caught.value.response["Error"]["Code"] == "InvalidTemplate"


def test_render_template(ses: Any) -> None:
    ses.create_template(Template=WELCOME)
    data = {"name": "Ana", "vip": True, "items": ["a", "b"]}
    rendered = ses.test_render_template(TemplateName="Welcome", TemplateData=json.dumps(data))[
        "RenderedTemplate"
    ]
    assert "Subject: Welcome, Ana!" in rendered
    assert "Hi Ana. You are VIP. [a] [b]" in rendered
    rendered = ses.test_render_template(TemplateName="Welcome", TemplateData='{"name": "Bo", "trial": true}')
    assert "Hi Bo. Trial." in rendered["RenderedTemplate"]
    with pytest.raises(ClientError) as caught:
        ses.test_render_template(TemplateName="Welcome", TemplateData="{}")
    error = caught.value.response["Error"]
    assert error["Code"] == "MissingRenderingAttribute"
    assert error["Message"] == "Attribute 'name' is not present in the rendering data."
    with pytest.raises(ClientError) as caught:
        ses.test_render_template(TemplateName="Welcome", TemplateData="not json")
    assert caught.value.response["Error"]["Code"] == "InvalidRenderingParameter"


def test_templated_sends_render_into_the_mailbox(ses: Any, mailbox: Mailbox) -> None:
    ses.verify_domain_identity(Domain="example.com")
    ses.create_template(Template=WELCOME)
    sent = ses.send_templated_email(
        Source="news@example.com",
        Destination={"ToAddresses": ["ana@example.com"]},
        Template="Welcome",
        TemplateData=json.dumps({"name": "Ana", "vip": False, "items": []}),
    )
    message = mailbox.message(sent["MessageId"])
    assert message["subject"] == "Welcome, Ana!"
    assert message["body"]["text"].strip() == "Hi Ana."
    assert message["body"]["html"].strip() == "<p>Hi Ana</p>"

    bulk = ses.send_bulk_templated_email(
        Source="news@example.com",
        Template="Welcome",
        DefaultTemplateData=json.dumps({"name": "friend"}),
        Destinations=[
            {"Destination": {"ToAddresses": ["bo@example.com"]}, "ReplacementTemplateData": '{"name": "Bo"}'},
            {"Destination": {"ToAddresses": ["cy@example.com"]}},
            {"Destination": {"ToAddresses": ["dee@elsewhere.org"]}},
        ],
    )["Status"]
    assert [s["Status"] for s in bulk] == ["Success", "Success", "MessageRejected"]
    assert mailbox.message(bulk[0]["MessageId"])["subject"] == "Welcome, Bo!"
    assert mailbox.message(bulk[1]["MessageId"])["subject"] == "Welcome, friend!"

    with pytest.raises(ClientError) as caught:
        ses.send_templated_email(
            Source="news@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Template="Missing",
            TemplateData="{}",
        )
    assert caught.value.response["Error"]["Code"] == "TemplateDoesNotExist"
