"""HTTP bindings of the REST protocols (rest-json, rest-xml): members that live outside the body.

A member's `location` trait puts it in the URI path (`uri`, a `{Label}` of requestUri), the
query string (`querystring`: repeated keys for a list, every unclaimed key for a map), one
header (`header`: comma-separated for a list, base64 JSON for a `jsonvalue` string, rfc822
for a timestamp unless the member says otherwise), a prefixed family of headers (`headers`,
a map keyed by the rest of the header name), or, on output only, the status code
(`statusCode`). Everything else is the body's business, which each REST codec owns.

Text that does not fit its member's type is a `BindingError`; each codec answers it with its
own protocol's error. Header names are read lower case, as `HttpRequest` keeps them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import Shape, StructureShape

from fogbank.protocols.http import HttpRequest
from fogbank.protocols.timestamps import (
    b64decode,
    b64encode,
    format_timestamp,
    parse_timestamp,
    special_float_text,
)

__all__ = [
    "BindingError",
    "LOCATIONS",
    "body_members",
    "payload_member",
    "literal_query_keys",
    "parse_bindings",
    "serialize_bindings",
    "parse_text",
    "format_text",
]

LOCATIONS = frozenset({"uri", "querystring", "header", "headers", "statusCode"})

# Defaults when the member carries no timestampFormat, per location, as Smithy's HTTP bindings say.
_TIMESTAMP_DEFAULTS = {"uri": "iso8601", "querystring": "iso8601", "header": "rfc822"}


class BindingError(ValueError):
    """A bound value whose text does not fit its member's type."""

    def __init__(self, member: str, message: str) -> None:
        super().__init__(f"{message} for {member}")
        self.member = member


def body_members(shape: StructureShape) -> dict[str, Shape]:
    """Members carried in the body when the structure has no payload member."""
    return {
        name: member
        for name, member in shape.members.items()
        if member.serialization.get("location") not in LOCATIONS
    }


def payload_member(shape: StructureShape) -> str | None:
    return shape.serialization.get("payload")


@cache
def literal_query_keys(request_uri: str) -> frozenset[str]:
    """Query keys written into requestUri itself (`?tagging`, `?x-id=GetObject`): they select the
    operation and are no member's value."""
    _, _, query = request_uri.partition("?")
    return frozenset(part.partition("=")[0] for part in query.split("&") if part)


def parse_text(shape: Shape, text: str, location: str) -> Any:
    """One bound value from its text form. Raises ValueError when the text does not fit."""
    kind = shape.type_name
    if kind == "string":
        if shape.serialization.get("jsonvalue"):
            return json.loads(b64decode(text))
        return text
    if kind in ("integer", "long", "short", "byte"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{text!r} is not a boolean")
        return lowered == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        return b64decode(text)
    return text


def format_text(shape: Shape, value: Any, location: str) -> str:
    """One bound value as text, the inverse of parse_text."""
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double"):
        number = float(value)
        return special_float_text(number) or repr(number)
    if kind == "timestamp":
        default = _TIMESTAMP_DEFAULTS.get(location, "iso8601")
        return format_timestamp(value, shape.serialization.get("timestampFormat", default))
    if kind == "blob":
        return b64encode(value)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return b64encode(json.dumps(value, separators=(",", ":")))
    return str(value)


def _split_header_list(text: str, member: Shape) -> list[str]:
    # Items are comma separated; an item holding a comma or quote is quoted, with \" inside.
    items = [
        m.group(1).replace('\\"', '"') if m.group(1) is not None else m.group(2).strip()
        for m in re.finditer(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)', text)
        if m.group(0)
    ]
    if member.type_name == "timestamp" and member.serialization.get("timestampFormat", "rfc822") == "rfc822":
        # An rfc822 date has a comma of its own ("Mon, 01 Jan 2024 ..."): rejoin the halves.
        items = [f"{items[i]}, {items[i + 1]}" for i in range(0, len(items) - 1, 2)]
    return items


def _parse_located(name: str, member: Shape, location: str, text: str) -> Any:
    try:
        return parse_text(member, text, location)
    except ValueError as exc:
        raise BindingError(name, str(exc) or "invalid value") from exc


def parse_bindings(
    shape: StructureShape, request: HttpRequest, uri_params: Mapping[str, str], request_uri: str = ""
) -> dict[str, Any]:
    """The input members bound to the URI, query string and headers.

    `uri_params` holds the label values, already percent-decoded, keyed by label name (with or
    without a greedy label's "+"); `request_uri` is the operation's template, whose literal
    query keys belong to no member.
    """
    out: dict[str, Any] = {}
    query = request.query_params()
    claimed = set(literal_query_keys(request_uri))
    query_map: str | None = None
    for name, member in shape.members.items():
        serialization = member.serialization
        location = serialization.get("location")
        wire = serialization.get("name", name)
        if location == "uri":
            text = uri_params.get(wire, uri_params.get(wire + "+"))
            if text is not None:
                out[name] = _parse_located(name, member, location, text)
        elif location == "querystring":
            if member.type_name == "map":
                query_map = name
                continue
            claimed.add(wire)
            values = [v for k, v in query if k == wire]
            if not values:
                continue
            if member.type_name == "list":
                out[name] = [_parse_located(name, member.member, location, v) for v in values]
            else:
                out[name] = _parse_located(name, member, location, values[-1])
        elif location == "header":
            text = request.headers.get(wire.lower())
            if text is None:
                continue
            if member.type_name == "list":
                out[name] = [
                    _parse_located(name, member.member, location, item)
                    for item in _split_header_list(text, member.member)
                ]
            else:
                out[name] = _parse_located(name, member, location, text)
        elif location == "headers":
            prefix = wire.lower()
            found = {k[len(prefix) :]: v for k, v in request.headers.items() if k.startswith(prefix)}
            if found:
                out[name] = found
    if query_map is not None:
        member = shape.members[query_map]
        collected: dict[str, Any] = {}
        for key, value in query:
            if key in claimed:
                continue
            if member.value.type_name == "list":
                collected.setdefault(key, []).append(value)
            else:
                collected[key] = value
        if collected:
            out[query_map] = collected
    return out


def serialize_bindings(
    shape: StructureShape, output: Mapping[str, Any]
) -> tuple[int | None, list[tuple[str, str]]]:
    """The status code (when a member is bound to it) and the headers of an output or error."""
    status: int | None = None
    headers: list[tuple[str, str]] = []
    for name, member in shape.members.items():
        value = output.get(name)
        if value is None:
            continue
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            if member.type_name == "list":
                if value:
                    headers.append((wire, ",".join(format_text(member.member, v, location) for v in value)))
            else:
                headers.append((wire, format_text(member, value, location)))
        elif location == "headers":
            headers.extend((wire + key, str(item)) for key, item in value.items())
    return status, headers
