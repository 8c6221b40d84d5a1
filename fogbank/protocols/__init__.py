"""Protocol codecs: HTTP request -> operation input, operation output or error -> HTTP response.

Every codec module exposes the same three pure functions, with no service knowledge:

    parse_request(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict
    serialize_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse
    serialize_error(service: ServiceModel, operation: OperationModel | None,
                    error: ServiceError, request_id: str) -> HttpResponse

Values in an input or output dict use AWS member names as the model has them; timestamps are
timezone-aware datetimes, blobs are bytes, a streaming payload is a binary file object on input
and bytes or an iterable of bytes on output. Bad input raises ServiceError with the error that
AWS gives in that protocol family.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

__all__ = ["codec", "PROTOCOLS"]

PROTOCOLS = {
    "query": "query",
    "ec2": "ec2",
    "json": "json",
    "rest-json": "rest_json",
    "rest-xml": "rest_xml",
    "smithy-rpc-v2-cbor": "cbor",
}

_loaded: dict[str, ModuleType] = {}


def codec(protocol: str) -> ModuleType:
    module = _loaded.get(protocol)
    if module is None:
        module = import_module(f"fogbank.protocols.{PROTOCOLS[protocol]}")
        _loaded[protocol] = module
    return module
