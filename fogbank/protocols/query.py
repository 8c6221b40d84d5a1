"""The query protocol (IAM, STS, SNS, SES, CloudFormation, RDS...; SQS and CloudWatch as query).

A request is `Action`, `Version` and the input flattened into form fields, in the body or the
query string: structures dotted (`A.B`), lists `Name.member.N` (`Name.N` when flattened, named
after the member's locationName), maps `Name.entry.N.key/value` (or flattened). The fields are
first folded into a tree on their dots, then read against the input shape, so unknown fields
cost nothing and are ignored as AWS ignores them. The response is XML wrapped in
`{Op}Response/{Op}Result` with ResponseMetadata; errors are `ErrorResponse/Error`.

The EC2 dialect differs only in names and list layout; `ec2.py` reuses this module through
`read_input` and `naming` hooks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.xml import error_shape, escape, parse_scalar, write_members, write_value

__all__ = [
    "parse_request",
    "serialize_response",
    "serialize_error",
    "form_fields",
    "fold",
    "read_input",
    "query_name",
    "invalid_parameter",
    "error_code",
    "write_error_fields",
    "query_view",
]

CONTENT_TYPE = "text/xml"
_QUEUE_PATH = re.compile(r"^/\d{12}/[^/]+$")

# A folded field tree: a dotted name's parts become nested dicts; a value is a str. A name that is
# both a value and a prefix (`Tags=` next to `Tags.member.1=`) keeps its value under "".
Tree = dict[str, Any]
Naming = Callable[[Shape, str], str]


def form_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The query string's fields, then the form body's (a GET carries them in the query only)."""
    fields = _form_pairs(request.query) if request.query else []
    body = request.content()
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ServiceError("MalformedQueryString", "The request body is not valid UTF-8.", 400) from exc
        fields.extend(_form_pairs(text))
    return fields


def _form_pairs(text: str) -> list[tuple[str, str]]:
    """`parse_qsl(text, keep_blank_values=True)`, without its per-field overhead: every request pays it."""
    pairs = []
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "+" in value:
            value = value.replace("+", " ")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


# The ASCII characters by their escape (`3A`, `3a`): an ASCII field decodes without going through bytes.
_ASCII_ESCAPES = {f"{code:02X}": chr(code) for code in range(128)} | {
    f"{code:02x}": chr(code) for code in range(128)
}


def _unquote(text: str) -> str:
    """`unquote(text)`; escapes of ASCII characters (ARNs' `%3A`, URLs' `%2F`) are decoded directly."""
    if "%" not in text:
        return text
    if not text.isascii():
        return unquote(text)
    first, *rest = text.split("%")
    decoded = [first]
    for part in rest:
        char = _ASCII_ESCAPES.get(part[:2])
        if char is None:
            return unquote(text)  # a multi-byte character or a stray "%"
        decoded.append(char)
        decoded.append(part[2:])
    return "".join(decoded)


def fold(fields: list[tuple[str, str]]) -> Tree:
    tree: Tree = {}
    for name, value in fields:
        node = tree
        *parents, last = name.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {"": child} if child is not None else {}
                node[part] = child
            node = child
        existing = node.get(last)
        if isinstance(existing, dict):
            existing[""] = value
        else:
            node[last] = value
    return tree


def query_name(shape: Shape, default: str) -> str:
    return shape.serialization.get("name", default)


def invalid_parameter(name: str, value: object) -> ServiceError:
    return ServiceError("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid.", 400)


def _items(node: Any) -> list[Any]:
    """The children of a list or map node in index order (N is 1-based; gaps are skipped)."""
    if not isinstance(node, dict):
        return []
    indexed = [(int(key), child) for key, child in node.items() if key.isdigit()]
    indexed.sort(key=lambda pair: pair[0])
    return [child for _, child in indexed]


# A structure's members as (member name, field name, shape, whether a string), per naming and dialect.
_Fields = list[tuple[str, str, Shape, bool]]
_FIELDS: dict[tuple[int, Naming, bool], tuple[Shape, _Fields]] = {}


def _fields(shape: Shape, naming: Naming, ec2: bool) -> _Fields:
    """The fields a structure reads, worked out once per shape: requests read the same shapes again and
    again (shapes are keyed by identity, as botocore keeps them on their models)."""
    cached = _FIELDS.get((id(shape), naming, ec2))
    if cached is not None and cached[0] is shape:
        return cached[1]
    fields = []
    for member_name, member in shape.members.items():  # type: ignore[attr-defined]
        key = naming(member, member_name)
        if not ec2 and member.type_name == "list" and member.serialization.get("flattened"):
            key = member.member.serialization.get("name") or key
        fields.append((member_name, key, member, member.type_name == "string"))
    _FIELDS[(id(shape), naming, ec2)] = (shape, fields)
    return fields


def read_input(shape: Shape, node: Any, path: str, naming: Naming, ec2: bool = False) -> Any:
    """The value of `shape` at a node of the folded tree; `path` names it in error messages."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(node, dict):
            return {}
        result: dict[str, Any] = {}
        for member_name, key, member, is_string in _fields(shape, naming, ec2):
            child = node.get(key)
            if child is not None:
                if is_string and type(child) is str:
                    result[member_name] = child
                else:
                    result[member_name] = read_input(member, child, f"{path}{key}", naming, ec2)
        return result
    if kind == "list":
        if isinstance(node, str):
            return []  # `Name=` is how an empty list is sent
        items = node
        if not ec2 and not shape.serialization.get("flattened"):
            items = node.get(shape.member.serialization.get("name", "member"), {})
        return [
            read_input(shape.member, item, f"{path}.{index}", naming, ec2)
            for index, item in enumerate(_items(items), 1)
        ]
    if kind == "map":
        if isinstance(node, str):
            return {}
        entries = node if shape.serialization.get("flattened") else node.get("entry", {})
        key_name = query_name(shape.key, "key")
        value_name = query_name(shape.value, "value")
        result = {}
        for entry in _items(entries):
            if isinstance(entry, dict) and key_name in entry:
                key = read_input(shape.key, entry[key_name], f"{path}.{key_name}", naming, ec2)
                value = entry.get(value_name)
                result[key] = None if value is None else read_input(shape.value, value, path, naming, ec2)
        return result
    if isinstance(node, dict):
        node = node.get("", "")
    try:
        return parse_scalar(shape, node)
    except ValueError as exc:
        raise invalid_parameter(path, node) from exc


_views: dict[str, ServiceModel] = {}


def query_view(operation: OperationModel) -> OperationModel:
    """The operation as the query protocol names it.

    A JSON model that still answers query requests (`awsQueryCompatible`, SQS) lost its query-era
    member names; a patch gives each renamed member a `queryName`. The view is the model with those
    as locationNames, so the JSON protocol keeps the JSON names and the query protocol gets its own.
    """
    service = operation.service_model
    if "awsQueryCompatible" not in service.metadata or service.protocol == "query":
        return operation
    view = _views.get(service.service_name)
    if view is None:
        from fogbank.specs import raw_model

        raw = raw_model(service.service_name)
        for shape in raw["shapes"].values():
            for member in shape.get("members", {}).values():
                if "queryName" in member:
                    member["locationName"] = member.pop("queryName")
        view = _views[service.service_name] = ServiceModel(raw, service.service_name)
    return view.operation_model(operation.name)


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    shape = query_view(operation).input_shape
    if shape is None:
        return {}
    result = read_input(shape, fold(form_fields(request)), "", query_name)
    # SQS's query API addresses a queue by posting to its URL; some SDKs (Java v1) send it as the path only.
    if "QueueUrl" in shape.members and "QueueUrl" not in result and _QUEUE_PATH.match(request.path):
        result["QueueUrl"] = f"{request.scheme}://{request.host}{request.path}"
    return result


def namespace(service: ServiceModel) -> str:
    return service.metadata.get("xmlNamespace") or (
        f"https://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"
    )


# An operation's response around its members: (output shape, opening tags, closing tags up to the
# request id), kept by operation identity with the operation itself.
_Frame = tuple[StructureShape | None, str, str]
_FRAMES: dict[int, tuple[OperationModel, _Frame]] = {}


def _frame(operation: OperationModel) -> _Frame:
    """The fixed text of an operation's responses, worked out on its first response."""
    cached = _FRAMES.get(id(operation))
    if cached is not None and cached[0] is operation:
        return cached[1]
    name = operation.name
    opening = f'<{name}Response xmlns="{namespace(operation.service_model)}">'
    closing = ""
    shape = query_view(operation).output_shape
    if shape is not None:
        # Query-compatible JSON models (SQS) carry no resultWrapper; AWS still wraps the result.
        wrapper = shape.serialization.get("resultWrapper") or f"{name}Result"
        opening += f"<{wrapper}>"
        closing = f"</{wrapper}>"
    frame = (shape, opening, f"{closing}<ResponseMetadata><RequestId>")
    _FRAMES[id(operation)] = (operation, frame)
    return frame


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    shape, opening, closing = _frame(operation)
    out = [opening]
    if shape is not None:
        write_members(out, shape, output)
    out.append(f"{closing}{escape(request_id)}</RequestId></ResponseMetadata></{operation.name}Response>")
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", CONTENT_TYPE)]
    return HttpResponse(200, headers, "".join(out).encode())


def error_code(service: ServiceModel, code: str) -> tuple[str, StructureShape | None]:
    """The code on the wire and the modelled shape: a query-compatible shape names its own code."""
    shape = error_shape(service, code)
    if shape is not None:
        code = shape.metadata.get("error", {}).get("code", code)
    return code, shape


def write_error_fields(out: list[str], shape: StructureShape | None, fields: dict[str, Any]) -> None:
    """The error's extra members, typed by its shape; fields the shape lacks are written as text."""
    members = shape.members if shape is not None else {}
    for key, value in fields.items():
        if value is None or key in ("Code", "Message", "Type"):
            continue
        member = members.get(key)
        if member is not None:
            write_value(out, member, value, member.serialization.get("name", key))
        else:
            out.append(f"<{key}>{escape(str(value))}</{key}>")


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    code, shape = error_code(service, error.code)
    out = [
        f'<ErrorResponse xmlns="{namespace(service)}"><Error><Type>{error.fault}</Type>',
        f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message>",
    ]
    write_error_fields(out, shape, error.fields)
    out.append(f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>")
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", CONTENT_TYPE), *error.headers.items()]
    return HttpResponse(error.status, headers, "".join(out).encode())
