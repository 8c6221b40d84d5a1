"""The exact HTTP request a botocore client sends, captured before it leaves, as fogbank's HttpRequest.

A `before-send` handler raises with the prepared request, so nothing is sent and no response is
parsed; endpoint rules, host prefixes, checksums and SigV4 all run as they do for a user.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import EndpointResolutionError

from fogbank.protocols.http import HttpRequest
from tests.protocols.oracle import prepared_to_http
from tests.protocols.shapegen import generate_input

__all__ = ["ENDPOINT", "Captured", "raise_captured", "client", "capture"]

ENDPOINT = "http://127.0.0.1:4566"


class Captured(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        super().__init__("captured")
        self.request = request


def raise_captured(request: AWSPreparedRequest, **_: Any) -> None:
    raise Captured(request)


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def client(service: str, endpoint: str = ENDPOINT, addressing_style: str | None = None) -> Any:
    config = Config(
        parameter_validation=False,
        retries={"max_attempts": 0},
        s3={"addressing_style": addressing_style} if addressing_style else None,
    )
    made = _session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )
    made.meta.events.register("before-send", raise_captured)
    return made


def capture(
    service: str, operation: str, params: dict[str, Any] | None = None, **client_options: Any
) -> HttpRequest:
    """The request `service`'s client sends for `operation`; params default to generated ones."""
    made = client(service, **client_options)
    if params is None:
        params = generate_input(made.meta.service_model.operation_model(operation))
    names = {api: method for method, api in made.meta.method_to_api_mapping.items()}
    try:
        getattr(made, names[operation])(**params)
    except Captured as captured:
        return prepared_to_http(captured.request)
    except EndpointResolutionError:
        # Endpoint rules reject some generated optional members (an OutpostId, a host-label EndpointId)
        # that only special endpoints accept; the request with the required members alone is sent.
        shape = made.meta.service_model.operation_model(operation).input_shape
        required = {k: v for k, v in params.items() if shape is not None and k in shape.required_members}
        if required == params:
            raise
        return capture(service, operation, required, **client_options)
    raise AssertionError(f"{service}.{operation} sent nothing")
