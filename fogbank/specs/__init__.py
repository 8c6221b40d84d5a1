"""botocore's service models, loaded lazily one service at a time, with fogbank's JSON-Patch fixes.

Loading all ~450 models costs seconds and tens of MiB, so nothing is loaded until a request
names its service. A fix to a wrong model is a `patches/<service>.json` file: a JSON Patch
(RFC 6902, the add/replace/remove operations) applied to the raw model before botocore sees it,
each operation carrying a one-line `reason`.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from botocore.loaders import Loader, create_loader
from botocore.model import OperationModel, ServiceModel

__all__ = ["raw_model", "service_model", "operation_model", "available_services", "loader", "apply_patch"]

PATCHES = Path(__file__).parent / "patches"


@cache
def loader() -> Loader:
    return create_loader()


@cache
def available_services() -> tuple[str, ...]:
    return tuple(sorted(loader().list_available_services("service-2")))


def raw_model(name: str) -> dict[str, Any]:
    """The model's JSON document with fogbank's patches applied (not cached: the index reads each once)."""
    raw: dict[str, Any] = loader().load_service_model(name, "service-2")
    patch_file = PATCHES / f"{name}.json"
    if patch_file.exists():
        # The loader caches the document it returns; patch a copy, not botocore's own.
        raw = apply_patch(copy.deepcopy(raw), json.loads(patch_file.read_text()))
    return raw


@cache
def service_model(name: str) -> ServiceModel:
    return ServiceModel(raw_model(name), service_name=name)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def apply_patch(document: dict[str, Any], patch: list[dict[str, Any]]) -> dict[str, Any]:
    for op in patch:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent: Any = document
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                index = len(parent) if last == "-" else int(last)
                if op["op"] == "add":
                    parent.insert(index, op["value"])
                else:
                    parent[index] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        else:
            raise ValueError(f"unsupported JSON Patch operation {op['op']!r}")
    return document
