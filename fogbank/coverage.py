"""Coverage: which operations of which services fogbank implements, from the handler registry."""

from __future__ import annotations

from dataclasses import dataclass

from fogbank import specs
from fogbank.services import registry

__all__ = ["ServiceCoverage", "coverage"]


@dataclass(frozen=True, slots=True)
class ServiceCoverage:
    service: str
    implemented: tuple[str, ...]
    total: int

    def as_dict(self) -> dict[str, object]:
        return {"service": self.service, "implemented": list(self.implemented), "total": self.total}


def coverage(service: str | None = None) -> list[ServiceCoverage]:
    names = [service] if service else sorted(registry())
    rows = []
    for name in names:
        model = specs.service_model(name)
        entry = registry().get(name)
        handlers = entry.handlers if entry else {}
        implemented = tuple(op for op in model.operation_names if op in handlers)
        rows.append(ServiceCoverage(name, implemented, len(model.operation_names)))
    return rows
