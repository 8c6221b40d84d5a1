"""Shapes as XML, both ways, for the query, ec2 and rest-xml codecs; and scalars as text.

Writing builds strings directly (it is on every response's path) with writers compiled once per shape:
member order, element names, tags and scalar formatters are worked out on a shape's first use, so a
value costs little more than its own text. Reading uses ElementTree over
a document with no DTD, so entity expansion and external entities cannot happen. The XML names
follow the model the way botocore reads them: a member's locationName, a flattened list named
after its member's locationName, `member`/`entry`/`key`/`value` by default, xmlAttribute members
as attributes, xmlNamespace as an `xmlns` attribute. A value of the wrong type raises ValueError,
which each codec turns into its protocol's error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
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
    timestamp_formatter,
)

__all__ = [
    "escape",
    "write_value",
    "write_members",
    "writer",
    "Writer",
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
    if shape.type_name == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", timestamp_format))
    return _scalar_formatter(shape)(value)


def _string_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _boolean_text(value: Any) -> str:
    return "true" if value else "false"


def _integer_text(value: Any) -> str:
    return str(int(value))


def _float_text(value: Any) -> str:
    number = float(value)
    return str(value) if isinstance(value, int) else special_float_text(number) or repr(number)


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "string": _string_text,
    "boolean": _boolean_text,
    "integer": _integer_text,
    "long": _integer_text,
    "float": _float_text,
    "double": _float_text,
    "blob": b64encode,
}


# Kinds whose text (digits, true/false, dates, base64, NaN/Infinity) never needs escaping.
_UNESCAPED = frozenset(("boolean", "integer", "long", "float", "double", "timestamp", "blob"))


def _scalar_formatter(shape: Shape) -> Callable[[Any], str]:
    """The text function of a scalar shape (timestamps in the shape's own format, else iso8601)."""
    if shape.type_name == "timestamp":
        return timestamp_formatter(shape.serialization.get("timestampFormat", "iso8601"))
    return _FORMATTERS.get(shape.type_name, str)


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


Writer = Callable[[list[str], Any, str, str], None]
"""Appends one value under an element name, with extra attributes on its opening tag."""

# Writers compiled per shape. Shapes are keyed by identity: botocore caches them on their models, so a
# serialized operation reuses the same shape objects on every call.
_WRITERS: dict[int, tuple[Shape, Writer]] = {}


def write_value(out: list[str], shape: Shape, value: Any, name: str, extra_attributes: str = "") -> None:
    """Append `<name>value</name>` for any shape; lists and maps may expand to several elements."""
    writer(shape)(out, value, name, extra_attributes)


def write_members(out: list[str], shape: StructureShape, value: Mapping[str, Any]) -> None:
    """The body members of a structure, in the order the value has them; unknown keys are skipped."""
    _structure_plan(shape).write_members(out, value)


def writer(shape: Shape) -> Writer:
    """The compiled writer of a shape: names, order and formatters are worked out once per shape."""
    cached = _WRITERS.get(id(shape))
    if cached is not None and cached[0] is shape:
        return cached[1]
    kind = shape.type_name
    if kind == "structure":
        compiled = _structure_plan(shape).write  # type: ignore[arg-type]
    elif kind == "list":
        compiled = _list_writer(shape)
    elif kind == "map":
        compiled = _map_writer(shape)
    else:
        compiled = _scalar_writer(shape)
    _WRITERS[id(shape)] = (shape, compiled)
    return compiled


# A body member: (text function, None, opening tag, closing tag) for a scalar, else (None, writer,
# element name, "").
_Element = tuple[Callable[[Any], str] | None, Writer | None, str, str]


class _StructurePlan:
    """A structure's members by key: element writers for the body, attribute names for xmlAttribute.

    Member writers are looked up on first use, so recursive shapes compile without recursing."""

    __slots__ = ("shape", "namespace", "attributes", "_elements")

    def __init__(self, shape: StructureShape) -> None:
        self.shape = shape
        self.namespace = namespace_attributes(shape)
        self.attributes = {
            key: member.serialization["name"]
            for key, member in shape.members.items()
            if member.serialization.get("xmlAttribute")
        }
        self._elements: dict[str, _Element | None] | None = None

    def _compile(self) -> dict[str, _Element | None]:
        elements: dict[str, _Element | None] = {}
        for key, member in self.shape.members.items():
            serialization = member.serialization
            if serialization.get("xmlAttribute") or serialization.get("location") in LOCATIONS:
                elements[key] = None
                continue
            name = member_xml_name(key, member)
            if member.type_name in ("structure", "list", "map"):
                elements[key] = (None, writer(member), name, "")
            else:
                # A scalar member's tags are fixed: only its text is worked out per value.
                namespace = namespace_attributes(member)
                elements[key] = (_escaped_formatter(member), None, f"<{name}{namespace}>", f"</{name}>")
        self._elements = elements
        return elements

    def write_members(self, out: list[str], value: Mapping[str, Any]) -> None:
        elements = self._elements or self._compile()
        for key, member_value in value.items():
            if member_value is None:
                continue
            element = elements.get(key)
            if element is None:
                continue
            text_of, write, open_tag, close_tag = element
            if text_of is not None:
                out.append(f"{open_tag}{text_of(member_value)}{close_tag}")
            else:
                write(out, member_value, open_tag, "")  # type: ignore[misc]

    def write(self, out: list[str], value: Mapping[str, Any], name: str, extra_attributes: str) -> None:
        attributes = extra_attributes + self.namespace
        if self.attributes:
            for key, attribute in self.attributes.items():
                member_value = value.get(key)
                if member_value is not None:
                    attributes += f' {attribute}="{_escape_attribute(str(member_value))}"'
        out.append(f"<{name}{attributes}>")
        self.write_members(out, value)
        out.append(f"</{name}>")


_PLANS: dict[int, tuple[Shape, _StructurePlan]] = {}


def _structure_plan(shape: StructureShape) -> _StructurePlan:
    cached = _PLANS.get(id(shape))
    if cached is not None and cached[0] is shape:
        return cached[1]
    plan = _StructurePlan(shape)
    _PLANS[id(shape)] = (shape, plan)
    return plan


def _list_writer(shape: Shape) -> Writer:
    member = shape.member  # type: ignore[attr-defined]
    if shape.serialization.get("flattened"):

        def write_flattened(out: list[str], value: Any, name: str, extra_attributes: str) -> None:
            write_item = writer(member)
            for item in value:
                write_item(out, item, name, "")

        return write_flattened
    item_name = member.serialization.get("name", "member")
    namespace = namespace_attributes(shape)

    def write_list(out: list[str], value: Any, name: str, extra_attributes: str) -> None:
        write_item = writer(member)
        out.append(f"<{name}{extra_attributes}{namespace}>")
        for item in value:
            write_item(out, item, item_name, "")
        out.append(f"</{name}>")

    return write_list


def _map_writer(shape: Shape) -> Writer:
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    key_name = key_shape.serialization.get("name", "key")
    value_name = value_shape.serialization.get("name", "value")
    flattened = bool(shape.serialization.get("flattened"))
    namespace = namespace_attributes(shape)

    def write_map(out: list[str], value: Any, name: str, extra_attributes: str) -> None:
        write_key, write_entry_value = writer(key_shape), writer(value_shape)
        if not flattened:
            out.append(f"<{name}{extra_attributes}{namespace}>")
        entry = name if flattened else "entry"
        for map_key, map_value in value.items():
            out.append(f"<{entry}>")
            write_key(out, map_key, key_name, "")
            if map_value is not None:
                write_entry_value(out, map_value, value_name, "")
            out.append(f"</{entry}>")
        if not flattened:
            out.append(f"</{name}>")

    return write_map


def _scalar_writer(shape: Shape) -> Writer:
    namespace = namespace_attributes(shape)
    text_of = _escaped_formatter(shape)

    def write_scalar(out: list[str], value: Any, name: str, extra_attributes: str) -> None:
        out.append(f"<{name}{extra_attributes}{namespace}>{text_of(value)}</{name}>")

    return write_scalar


def _escaped_string(value: Any) -> str:
    return escape(value if type(value) is str else str(value))


def _escaped_formatter(shape: Shape) -> Callable[[Any], str]:
    """The text of a scalar as element content."""
    kind = shape.type_name
    if kind == "string":
        return _escaped_string
    format_text = _scalar_formatter(shape)
    if kind in _UNESCAPED:
        return format_text
    return lambda value: escape(format_text(value))


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
