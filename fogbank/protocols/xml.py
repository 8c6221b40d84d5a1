"""Shapes as XML, both ways, for the query, ec2 and rest-xml codecs; and scalars as text.

Writing builds strings directly (it is on every response's path); reading uses ElementTree over
a document with no DTD, so entity expansion and external entities cannot happen. The XML names
follow the model the way botocore reads them: a member's locationName, a flattened list named
after its member's locationName, `member`/`entry`/`key`/`value` by default, xmlAttribute members
as attributes, xmlNamespace as an `xmlns` attribute. A value of the wrong type raises ValueError,
which each codec turns into its protocol's error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols.rest import LOCATIONS
from fogbank.protocols.timestamps import (
    b64decode,
    b64encode,
    format_timestamp,
    parse_timestamp,
    special_float_text,
)

__all__ = [
    "escape",
    "write_value",
    "write_members",
    "namespace_attributes",
    "member_xml_name",
    "scalar_text",
    "parse_scalar",
    "parse_document",
    "read_value",
    "read_members",
    "malformed_xml",
    "error_shape",
    "service_namespace",
]


_INTEGER = re.compile(r"[+-]?\d+")


def escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        # A literal CR would be normalized away by the reader's XML parser.
        text = text.replace("\r", "&#13;")
    return text


def _escape_attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def scalar_text(shape: Shape, value: Any, timestamp_format: str = "iso8601") -> str:
    """The text form of a scalar: booleans lower case, floats with Infinity/NaN, blobs base64."""
    kind = shape.type_name
    if kind == "string":
        return value if isinstance(value, str) else str(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("integer", "long"):
        return str(int(value))
    if kind in ("float", "double"):
        number = float(value)
        return str(value) if isinstance(value, int) else special_float_text(number) or repr(number)
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", timestamp_format))
    if kind == "blob":
        return b64encode(value)
    return str(value)


def parse_scalar(shape: Shape, text: str) -> Any:
    """A scalar from its text form; raises ValueError when the text is not of the shape's type."""
    kind = shape.type_name
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        text = text.strip()
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"not an integer: {text!r}")
        return int(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"not a boolean: {text!r}")
        return lowered == "true"
    if kind in ("float", "double"):
        if "_" in text:
            raise ValueError(f"not a number: {text!r}")
        return float(text.strip())
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        return b64decode(text)
    return text


def namespace_attributes(shape: Shape) -> str:
    namespace = shape.serialization.get("xmlNamespace")
    if namespace is None:
        return ""
    if isinstance(namespace, str):
        return f' xmlns="{_escape_attribute(namespace)}"'
    prefix = namespace.get("prefix")
    attribute = f"xmlns:{prefix}" if prefix else "xmlns"
    return f' {attribute}="{_escape_attribute(namespace["uri"])}"'


def member_xml_name(member_name: str, shape: Shape) -> str:
    """The element name of a structure member (a flattened list repeats its member's name)."""
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        name = shape.member.serialization.get("name")
        if name:
            return name
    return shape.serialization.get("name", member_name)


def write_value(out: list[str], shape: Shape, value: Any, name: str, extra_attributes: str = "") -> None:
    """Append `<name>value</name>` for any shape; lists and maps may expand to several elements."""
    kind = shape.type_name
    if kind == "structure":
        attributes = extra_attributes + namespace_attributes(shape)
        members = shape.members
        for key, member_value in value.items():
            member = members.get(key)
            if member is not None and member_value is not None and member.serialization.get("xmlAttribute"):
                attributes += f' {member.serialization["name"]}="{_escape_attribute(str(member_value))}"'
        out.append(f"<{name}{attributes}>")
        write_members(out, shape, value)
        out.append(f"</{name}>")
    elif kind == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            for item in value:
                write_value(out, member, item, name)
        else:
            item_name = member.serialization.get("name", "member")
            out.append(f"<{name}{extra_attributes}{namespace_attributes(shape)}>")
            for item in value:
                write_value(out, member, item, item_name)
            out.append(f"</{name}>")
    elif kind == "map":
        key_shape, value_shape = shape.key, shape.value
        key_name = key_shape.serialization.get("name", "key")
        value_name = value_shape.serialization.get("name", "value")
        flattened = shape.serialization.get("flattened")
        if not flattened:
            out.append(f"<{name}{extra_attributes}{namespace_attributes(shape)}>")
        entry = name if flattened else "entry"
        for map_key, map_value in value.items():
            out.append(f"<{entry}>")
            write_value(out, key_shape, map_key, key_name)
            if map_value is not None:
                write_value(out, value_shape, map_value, value_name)
            out.append(f"</{entry}>")
        if not flattened:
            out.append(f"</{name}>")
    else:
        text = escape(scalar_text(shape, value))
        out.append(f"<{name}{extra_attributes}{namespace_attributes(shape)}>{text}</{name}>")


def write_members(out: list[str], shape: StructureShape, value: Mapping[str, Any]) -> None:
    """The body members of a structure, in the order the value has them; unknown keys are skipped."""
    members = shape.members
    for key, member_value in value.items():
        member = members.get(key)
        if member is None or member_value is None:
            continue
        serialization = member.serialization
        if serialization.get("xmlAttribute") or serialization.get("location") in LOCATIONS:
            continue
        write_value(out, member, member_value, member_xml_name(key, member))


def malformed_xml() -> ServiceError:
    return ServiceError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def parse_document(body: bytes) -> ElementTree.Element:
    """The root element; a DTD (the door to entity expansion) counts as malformed."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise malformed_xml()
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise malformed_xml() from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _children(element: ElementTree.Element) -> dict[str, list[ElementTree.Element]]:
    children: dict[str, list[ElementTree.Element]] = {}
    for child in element:
        children.setdefault(_local(child.tag), []).append(child)
    return children


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    if name in element.attrib:
        return element.attrib[name]
    local = name.rpartition(":")[2]
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def read_members(shape: StructureShape, element: ElementTree.Element) -> dict[str, Any]:
    """The body members of a structure element; members bound to HTTP locations are skipped."""
    result: dict[str, Any] = {}
    children = _children(element)
    for member_name, member in shape.members.items():
        serialization = member.serialization
        if serialization.get("location") in LOCATIONS:
            continue
        if serialization.get("xmlAttribute"):
            attribute = _attribute(element, serialization["name"])
            if attribute is not None:
                result[member_name] = parse_scalar(member, attribute)
            continue
        nodes = children.get(member_xml_name(member_name, member))
        if not nodes:
            continue
        if member.serialization.get("flattened") and member.type_name in ("list", "map"):
            result[member_name] = _read_flattened(member, nodes)
        else:
            result[member_name] = read_value(member, nodes[0])
    return result


def _read_flattened(shape: Shape, nodes: list[ElementTree.Element]) -> Any:
    if shape.type_name == "list":
        return [read_value(shape.member, node) for node in nodes]
    return _read_entries(shape, nodes)


def _read_entries(shape: Shape, entries: list[ElementTree.Element]) -> dict[Any, Any]:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    parsed: dict[Any, Any] = {}
    for entry in entries:
        key: Any = None
        value: Any = None
        for part in entry:
            tag = _local(part.tag)
            if tag == key_name:
                key = read_value(shape.key, part)
            elif tag == value_name:
                value = read_value(shape.value, part)
        if key is not None:
            parsed[key] = value
    return parsed


def read_value(shape: Shape, element: ElementTree.Element) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return read_members(shape, element)
    if kind == "list":
        return [read_value(shape.member, child) for child in element]
    if kind == "map":
        return _read_entries(shape, list(element))
    return parse_scalar(shape, element.text or "")


@cache
def _error_shapes(service: ServiceModel) -> dict[str, StructureShape]:
    shapes: dict[str, StructureShape] = {}
    for shape in service.error_shapes:
        code = shape.metadata.get("error", {}).get("code")
        if code:
            shapes.setdefault(code, shape)
    for shape in service.error_shapes:
        shapes[shape.name] = shape
    return shapes


def error_shape(service: ServiceModel, code: str) -> StructureShape | None:
    """The modelled error for a code, found by shape name or by the code the error trait gives."""
    return _error_shapes(service).get(code)


@cache
def service_namespace(service: ServiceModel) -> str | None:
    """The XML namespace a rest-xml service's documents use, read off its input shapes."""
    counts: dict[str, int] = {}
    for name in service.operation_names:
        shape = service.operation_model(name).input_shape
        if shape is None:
            continue
        for candidate in (shape, *shape.members.values()):
            namespace = candidate.serialization.get("xmlNamespace")
            if isinstance(namespace, Mapping) and not namespace.get("prefix"):
                namespace = namespace.get("uri")
            if isinstance(namespace, str):
                counts[namespace] = counts.get(namespace, 0) + 1
    return max(counts, key=lambda uri: counts[uri]) if counts else None
