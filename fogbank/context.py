"""Context: everything one request carries through the pipeline, filled stage by stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fogbank.protocols.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel

    from fogbank.auth.credentials import Principal
    from fogbank.auth.decode import DecodedBody
    from fogbank.clock import Clock
    from fogbank.config import Settings
    from fogbank.decisions import DecisionLog
    from fogbank.state import Database, Transaction

__all__ = ["Context"]


@dataclass(slots=True)
class Context:
    request: HttpRequest
    request_id: str
    settings: Settings
    clock: Clock
    db: Database
    decisions: DecisionLog
    service_name: str | None = None
    service: ServiceModel | None = None
    operation: OperationModel | None = None
    protocol: str | None = None
    uri_params: dict[str, str] = field(default_factory=dict)
    signing_name: str | None = None
    region: str = "us-east-1"
    principal: Principal | None = None
    signature: Any = None  # the verified SigV4 value, for chunk signatures in decode
    secret: str | None = None
    decoded: DecodedBody | None = None  # the body's length and the digests decode computed and verified
    input: dict[str, Any] = field(default_factory=dict)
    output: dict[str, Any] | None = None
    response: HttpResponse | None = None
    tx: Transaction | None = None

    @property
    def account(self) -> str:
        return self.principal.account if self.principal else "000000000000"
