"""The EC2 dialect of the query protocol.

Input differs from query in names and lists: a member is named by its queryName, else by its
locationName with the first letter capitalised, else by its member name; every list is
`Name.N`, with no `member` level and no flattening. The response puts the output members
directly under `{Op}Response`, after a lower-case `requestId`; errors are
`Response/Errors/Error` with `RequestID`.
"""

from __future__ import annotations

from botocore.model import OperationModel, ServiceModel, Shape

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest, HttpResponse
from fogbank.protocols.query import error_code, fold, form_fields, read_input, write_error_fields
from fogbank.protocols.xml import escape, write_members

__all__ = ["parse_request", "serialize_response", "serialize_error"]

CONTENT_TYPE = "text/xml;charset=UTF-8"


def ec2_name(shape: Shape, default: str) -> str:
    serialization = shape.serialization
    if "queryName" in serialization:
        return serialization["queryName"]
    name = serialization.get("name")
    if name:
        return name[0].upper() + name[1:]
    return default


def parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    shape = operation.input_shape
    if shape is None:
        return {}
    return read_input(shape, fold(form_fields(request)), "", ec2_name, ec2=True)


def namespace(service: ServiceModel) -> str:
    # The model's namespace lacks the trailing slash that EC2 itself sends.
    return f"http://ec2.amazonaws.com/doc/{service.api_version}/"


def serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    name = operation.name
    out = [
        f'<{name}Response xmlns="{namespace(operation.service_model)}">',
        f"<requestId>{escape(request_id)}</requestId>",
    ]
    shape = operation.output_shape
    if shape is not None:
        write_members(out, shape, output)
    out.append(f"</{name}Response>")
    headers = [("Content-Type", CONTENT_TYPE)]
    return HttpResponse(200, headers, "".join(out).encode())


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    code, shape = error_code(service, error.code)
    out = [f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(error.message)}</Message>"]
    write_error_fields(out, shape, error.fields)
    out.append(f"</Error></Errors><RequestID>{escape(request_id)}</RequestID></Response>")
    headers = [("Content-Type", CONTENT_TYPE), *error.headers.items()]
    return HttpResponse(error.status, headers, "".join(out).encode())
