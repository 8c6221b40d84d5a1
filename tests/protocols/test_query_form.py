"""The query codec's form decoding against the standard library's: `parse_qsl` with blank values kept
is the oracle for every field, in the body and in the query string."""

from __future__ import annotations

import io
import random
from urllib.parse import parse_qsl

import pytest

from fogbank.protocols.http import HttpRequest
from fogbank.protocols.query import form_fields

ODD_FORMS = [
    "",
    "&",
    "&&a=1&&",
    "=",
    "==",
    "a",
    "a=",
    "=b",
    "a=b=c",
    "a+b=c+d",
    "%2B=%2b",
    "TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At",
    "Message=%e2%82%ac%E2%82%AC",
    "Message=%C3",
    "Message=%C3%28",
    "Message=%80%FF%7f%7F",
    "Message=%",
    "Message=%%",
    "Message=%4",
    "Message=%zz%4g%G4",
    "Message=100%25",
    "Message=é%C3%A9%3A€",
    "Message=%00%0A%0d",
    "a.b.c=1&a.b=2&a=3",
]


def _body_request(text: str) -> HttpRequest:
    return HttpRequest("POST", "/", "", {}, io.BytesIO(text.encode()))


@pytest.mark.parametrize("text", ODD_FORMS)
def test_body_fields_decode_as_parse_qsl(text: str) -> None:
    assert form_fields(_body_request(text)) == parse_qsl(text, keep_blank_values=True)


@pytest.mark.parametrize("text", ODD_FORMS)
def test_query_string_fields_decode_as_parse_qsl(text: str) -> None:
    assert form_fields(HttpRequest("GET", "/", text)) == parse_qsl(text, keep_blank_values=True)


def test_query_string_fields_come_before_body_fields() -> None:
    request = HttpRequest("POST", "/", "Action=Publish", {}, io.BytesIO(b"Message=m%3A"))
    assert form_fields(request) == [("Action", "Publish"), ("Message", "m:")]


def test_generated_forms_decode_as_parse_qsl() -> None:
    pieces = ["a", "Z", "0", "7", "f", "F", "=", "&", "+", ".", "%", "%3A", "%3a", "%41", "%7F", "%80"]
    pieces += ["%C3%A9", "%E2%82%AC", "%C3", "%2", "é", "€", " ", "%25", "%2B"]
    chooser = random.Random(4)
    for _ in range(5000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 12)))
        assert form_fields(_body_request(text)) == parse_qsl(text, keep_blank_values=True), text
