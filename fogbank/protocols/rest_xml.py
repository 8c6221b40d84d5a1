"""The rest-xml protocol (S3, S3 Control, Route 53, CloudFront).

Input members come from where the model binds them: URI labels (matched by routing and handed
in percent-decoded), query-string keys, headers (a `headers` member is every header under a
prefix, such as `x-amz-meta-`), and the body: the payload member, either an XML document or the
raw body (the request's file object itself when the payload streams), or else the input's body
members as one XML document. Output is the mirror image. Header timestamps are rfc822, and
`jsonvalue` headers base64-encoded JSON.

The two error dialects follow the service: S3 answers a bare `<Error>` with RequestId and HostId
(no body for HEAD); the others `ErrorResponse/Error` with a Type. Services signed as `s3` carry
`x-amz-request-id` and `x-amz-id-2`; the others `x-amzn-RequestId`.
"""

from __future__ import annotations

import base64
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from fogbank.errors import ServiceError
from fogbank.protocols import rest
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.xml import (
    error_shape,
    escape,
    parse_document,
    read_members,
    read_value,
    scalar_text,
    service_namespace,
    write_value,
)

__all__ = ["parse_request", "serialize_response", "serialize_error"]

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
CONTENT_TYPE = "application/xml"


def invalid_input(service: ServiceModel, message: str) -> ServiceError:
    # Route 53 models InvalidInput for a value of the wrong type; S3 and CloudFront say InvalidArgument.
    code = "InvalidInput" if error_shape(service, "InvalidInput") is not None else "InvalidArgument"
    return ServiceError(code, message, 400)


def _read_body(shape: StructureShape, request: HttpRequest) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = shape.members[payload]
        if member.type_name in ("blob", "string"):
            if member.serialization.get("streaming"):
                request.body.seek(0)
                return {payload: request.body}
            content = request.content()
            if not content:
                return {}
            return {payload: content if member.type_name == "blob" else content.decode("utf-8")}
        content = request.content()
        if not content.strip():
            return {}
        return {payload: read_value(member, parse_document(content))}
    if all(m.serialization.get("location") in rest.LOCATIONS for m in shape.members.values()):
        return {}
    content = request.content()
    if not content.strip():
        return {}
    return read_members(shape, parse_document(content))


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    shape = operation.input_shape
    if shape is None:
        return {}
    try:
        result = rest.parse_bindings(shape, request, uri_params, operation.http.get("requestUri", ""))
        result.update(_read_body(shape, request))
    except UnicodeDecodeError as exc:
        raise invalid_input(operation.service_model, "The request body is not valid UTF-8.") from exc
    except ValueError as exc:
        raise invalid_input(operation.service_model, f"Invalid value in the request: {exc}") from exc
    return result


def _host_id(request_id: str) -> str:
    return base64.b64encode(request_id.encode()).decode("ascii")


def _request_id_headers(service: ServiceModel, request_id: str) -> list[tuple[str, str]]:
    if service.signing_name == "s3":
        return [("x-amz-request-id", request_id), ("x-amz-id-2", _host_id(request_id))]
    return [("x-amzn-RequestId", request_id)]


def _document(root: str, shape: Shape, value: Any, service: ServiceModel) -> bytes:
    attributes = ""
    if "xmlNamespace" not in shape.serialization:
        namespace = service_namespace(service)
        if namespace:
            attributes = f' xmlns="{escape(namespace)}"'
    out = [XML_DECLARATION]
    write_value(out, shape, value, root, attributes)
    return "".join(out).encode()


def _root_name(operation: OperationModel, shape: StructureShape) -> str:
    # Route 53 and S3 Control name output shapes after their document roots; `...Output` names
    # are SDK inventions (S3's real roots are patched into its model as locationName).
    return f"{operation.name}Result" if shape.name.endswith("Output") else shape.name


def _root_scalar(root: str, shape: StructureShape, output: dict, service: ServiceModel) -> bytes | None:
    """A document that is one scalar element (S3's GetBucketLocation): the model names the root after
    its only body member."""
    body = [(name, m) for name, m in shape.members.items() if m.serialization.get("location") is None]
    if len(body) != 1 or body[0][1].type_name in ("structure", "list", "map"):
        return None
    name, member = body[0]
    if member.serialization.get("name", name) != root:
        return None
    namespace = service_namespace(service)
    attributes = f' xmlns="{escape(namespace)}"' if namespace else ""
    value = output.get(name)
    text = "" if value is None else escape(scalar_text(member, value))
    return f"{XML_DECLARATION}<{root}{attributes}>{text}</{root}>".encode()


def _payload_body(member: Shape, value: Any) -> bytes | Any:
    if member.serialization.get("streaming") and not isinstance(value, str | bytes | bytearray):
        return value
    if isinstance(value, str):
        return value.encode()
    return bytes(value)


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    service = operation.service_model
    response = HttpResponse(operation.http.get("responseCode", 200), _request_id_headers(service, request_id))
    shape = operation.output_shape
    if shape is None:
        return response
    members = shape.members
    status, headers = rest.serialize_bindings(shape, output)
    if status is not None:
        response.status = status
    response.headers.extend(headers)
    has_body_members = any(m.serialization.get("location") is None for m in members.values())
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = members[payload]
        value = output.get(payload)
        if value is None:
            return response
        if member.type_name in ("blob", "string"):
            response.body = _payload_body(member, value)
            return response
        root = member.serialization.get("name", member.name)
        response.body = _document(root, member, value, service)
    elif has_body_members:
        root = shape.serialization.get("name") or _root_name(operation, shape)
        response.body = _root_scalar(root, shape, output, service) or _document(root, shape, output, service)
    else:
        return response
    response.headers.append(("Content-Type", CONTENT_TYPE))
    return response


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    headers = _request_id_headers(service, request_id)
    headers.extend(error.headers.items())
    shape = error_shape(service, error.code)
    code = shape.metadata.get("error", {}).get("code", error.code) if shape is not None else error.code
    members = shape.members if shape is not None else {}
    fields: list[str] = []
    for key, value in error.fields.items():
        member = members.get(key)
        if value is None or key in ("Code", "Message", "Type"):
            continue
        if member is None:
            fields.append(f"<{key}>{escape(str(value))}</{key}>")
        elif member.serialization.get("location") == "header":
            headers.append((member.serialization.get("name", key), rest.format_text(member, value, "header")))
        elif member.serialization.get("location") is None:
            write_value(fields, member, value, member.serialization.get("name", key))
    if operation is not None and operation.http.get("method") == "HEAD":
        return HttpResponse(error.status, headers, b"")
    headers.append(("Content-Type", CONTENT_TYPE))
    message = f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message>{''.join(fields)}"
    if service.endpoint_prefix == "s3":
        body = (
            f"{XML_DECLARATION}<Error>{message}<RequestId>{escape(request_id)}</RequestId>"
            f"<HostId>{_host_id(request_id)}</HostId></Error>"
        )
    else:
        namespace = service_namespace(service)
        attributes = f' xmlns="{escape(namespace)}"' if namespace else ""
        body = (
            f"{XML_DECLARATION}<ErrorResponse{attributes}><Error><Type>{error.fault}</Type>{message}</Error>"
            f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
        )
    return HttpResponse(error.status, headers, body.encode())
