"""ServiceError, the one exception a stage or handler raises to answer with an AWS error.

A Sender fault is the caller's (4xx), a Receiver fault is ours (5xx), as AWS splits them.
The codec of the request's protocol turns a ServiceError into that protocol's error shape;
`fields` carries the error shape's extra members (as the model names them) and `headers`
any extra response headers.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ServiceError",
    "not_implemented",
    "internal_error",
]


class ServiceError(Exception):
    def __init__(
        self,
        code: str,
        message: str = "",
        status: int = 400,
        *,
        sender_fault: bool | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = status < 500 if sender_fault is None else sender_fault
        self.fields = fields or {}
        self.headers = headers or {}

    @property
    def fault(self) -> str:
        return "Sender" if self.sender_fault else "Receiver"


def not_implemented(service: str, operation: str) -> ServiceError:
    return ServiceError(
        "NotImplemented",
        f"The operation {operation} of service {service} is not implemented by fogbank yet.",
        501,
        sender_fault=False,
    )


def internal_error(request_id: str) -> ServiceError:
    return ServiceError(
        "InternalFailure",
        f"The request processing has failed because of an unknown error (request {request_id}).",
        500,
    )
