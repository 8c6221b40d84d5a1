"""The routing index: what identifies each of botocore's services, without loading their models.

Building it reads every service-2 model (seconds, tens of MiB), so it is built once per botocore
version and kept as JSON in the cache directory (`$XDG_CACHE_HOME/fogbank` or `~/.cache/fogbank`),
written atomically and rebuilt when missing or unreadable. Loading it is one `json.load` of a few
hundred KiB. It holds, per service, the metadata that routing reads (protocols, signing name,
target prefix, versions) and the first literal segment of each REST request URI, plus the reverse
maps routing looks requests up in:

    signing name           -> services signed with it
    X-Amz-Target prefix    -> services (json protocol)
    rpc-v2-cbor path name  -> services (`/service/{name}/operation/{Op}`; botocore uses targetPrefix)
    query Action, Version  -> services (query and ec2 protocols)
    first path segment     -> REST services (and those whose operation there needs no signature)

Where one key maps to several services the list is ordered with the service named after the key's
signing name first, so that a request that really is identical goes to the service that owns the API.

A REST service's route table (`rest_table`) is compiled from its model on first use and kept: per
HTTP method and first path segment, its operations' request URI templates, most specific first.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import botocore

from fogbank.specs import available_services, raw_model, service_model

__all__ = [
    "ServiceInfo",
    "RoutingIndex",
    "routing_index",
    "build_index",
    "cache_path",
    "first_segment",
    "RestRoute",
    "RestTable",
    "rest_table",
    "operation_names",
    "LABEL",
]

FORMAT = 2
REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
QUERY_PROTOCOLS = frozenset({"query", "ec2"})
CBOR = "smithy-rpc-v2-cbor"
# The key, in the path maps, of request URIs whose first segment is a label such as "{Bucket}".
LABEL = "{}"


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    name: str
    protocols: tuple[str, ...]
    signing_name: str
    endpoint_prefix: str
    target_prefix: str | None
    json_version: str | None
    api_version: str
    aws_query_compatible: bool

    @property
    def protocol(self) -> str:
        return self.protocols[0]


@dataclass(frozen=True, slots=True)
class RoutingIndex:
    services: dict[str, ServiceInfo]
    by_signing_name: dict[str, tuple[str, ...]]
    by_target_prefix: dict[str, tuple[str, ...]]
    by_cbor_name: dict[str, tuple[str, ...]]
    by_action: dict[str, dict[str, tuple[str, ...]]]  # Action -> Version -> services
    by_path: dict[str, tuple[str, ...]]  # first segment (or LABEL) -> REST services
    by_unsigned_path: dict[str, tuple[str, ...]]  # the same, for operations that need no signature


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fogbank" / f"index-{botocore.__version__}.json"


@cache
def routing_index() -> RoutingIndex:
    return _from_document(load_document(cache_path()))


def load_document(path: Path) -> dict[str, Any]:
    """The index document at path, built (and written there) if it is missing or unusable."""
    try:
        document = json.loads(path.read_bytes())
        if document.get("format") == FORMAT and document.get("botocore") == botocore.__version__:
            return document
    except (OSError, ValueError):
        pass
    document = build_index()
    _write_atomically(path, document)
    return document


def build_index(names: Iterable[str] | None = None) -> dict[str, Any]:
    """The index document, from the raw service-2 models of the given (default: all) services."""
    services: dict[str, Any] = {}
    signing: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    cbor: dict[str, list[str]] = {}
    actions: dict[str, dict[str, list[str]]] = {}
    paths: dict[str, list[str]] = {}
    unsigned_paths: dict[str, list[str]] = {}
    for name in available_services() if names is None else names:
        raw = raw_model(name)
        meta = raw["metadata"]
        protocols = list(meta.get("protocols") or [meta["protocol"]])
        signing_name = meta.get("signingName") or meta["endpointPrefix"]
        services[name] = {
            "protocols": protocols,
            "signingName": signing_name,
            "endpointPrefix": meta["endpointPrefix"],
            "targetPrefix": meta.get("targetPrefix"),
            "jsonVersion": meta.get("jsonVersion"),
            "apiVersion": meta["apiVersion"],
            "awsQueryCompatible": "awsQueryCompatible" in meta,
        }
        signing.setdefault(signing_name, []).append(name)
        if "json" in protocols and meta.get("targetPrefix"):
            targets.setdefault(meta["targetPrefix"], []).append(name)
        if CBOR in protocols and meta.get("targetPrefix"):
            cbor.setdefault(meta["targetPrefix"], []).append(name)
        for op_name, op in raw["operations"].items():
            # An awsQueryCompatible json service (SQS) still answers query requests of older SDKs.
            if QUERY_PROTOCOLS.intersection(protocols) or "awsQueryCompatible" in meta:
                versions = actions.setdefault(op_name, {})
                versions.setdefault(meta["apiVersion"], []).append(name)
            if REST_PROTOCOLS.intersection(protocols):
                first = first_segment(op["http"]["requestUri"])
                _add_once(paths, first, name)
                if op.get("authtype") == "none" or op.get("auth") == ["smithy.api#noAuth"]:
                    _add_once(unsigned_paths, first, name)
    rank = {name: _rank(name, info) for name, info in services.items()}

    def ordered(groups: dict[str, list[str]]) -> dict[str, list[str]]:
        return {key: sorted(group, key=rank.__getitem__) for key, group in groups.items()}

    return {
        "format": FORMAT,
        "botocore": botocore.__version__,
        "services": services,
        "signing": ordered(signing),
        "targets": ordered(targets),
        "cbor": ordered(cbor),
        "actions": {action: ordered(versions) for action, versions in actions.items()},
        "paths": ordered(paths),
        "unsignedPaths": ordered(unsigned_paths),
    }


def first_segment(request_uri: str) -> str:
    """The first path segment of a request URI template, or LABEL when it is a label."""
    first = request_uri.partition("?")[0].lstrip("/").partition("/")[0]
    return LABEL if first.startswith("{") else first


def _rank(name: str, info: dict[str, Any]) -> tuple[int, str]:
    # The service that owns an API carries its signing name or endpoint prefix as its own name
    # (rds before docdb and neptune, s3 before s3control, lambda before lambda-core).
    owner = name in (info["signingName"], info["endpointPrefix"])
    return (0 if owner else 1, name)


def _add_once(groups: dict[str, list[str]], key: str, name: str) -> None:
    group = groups.setdefault(key, [])
    if name not in group:
        group.append(name)


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    # A cache that cannot be written (read-only home) only costs the next start a rebuild.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(document, out, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def _from_document(document: dict[str, Any]) -> RoutingIndex:
    def tuples(groups: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {key: tuple(group) for key, group in groups.items()}

    services = {
        name: ServiceInfo(
            name=name,
            protocols=tuple(s["protocols"]),
            signing_name=s["signingName"],
            endpoint_prefix=s["endpointPrefix"],
            target_prefix=s["targetPrefix"],
            json_version=s["jsonVersion"],
            api_version=s["apiVersion"],
            aws_query_compatible=s["awsQueryCompatible"],
        )
        for name, s in document["services"].items()
    }
    return RoutingIndex(
        services=services,
        by_signing_name=tuples(document["signing"]),
        by_target_prefix=tuples(document["targets"]),
        by_cbor_name=tuples(document["cbor"]),
        by_action={action: tuples(versions) for action, versions in document["actions"].items()},
        by_path=tuples(document["paths"]),
        by_unsigned_path=tuples(document["unsignedPaths"]),
    )


@cache
def operation_names(service: str) -> frozenset[str]:
    return frozenset(service_model(service).operation_names)


@dataclass(frozen=True, slots=True)
class RestRoute:
    """One operation's `http.method` and `requestUri`, ready to match a request against."""

    operation: str
    segments: tuple[str | None, ...]  # the literal segments, None where a label is
    labels: tuple[str, ...]  # the labels' names, in path order
    greedy: int  # index in segments of the greedy {Name+} label, -1 if none
    query: tuple[tuple[str, str | None], ...]  # literal query keys, with the value they must have
    required_headers: tuple[str, ...]  # lower case
    required_query: tuple[str, ...]
    query_members: frozenset[str]  # every query key the input binds a member to
    deprecated: bool
    host_prefix: re.Pattern[str] | None  # the hostPrefix template, when it has labels
    host_label_patterns: tuple[tuple[str, re.Pattern[str] | None], ...]
    unsigned: bool
    # More literal path segments beat fewer, then more literal query keys, then no greedy label.
    rank: tuple[int, int, int]
    bucket_in_host: bool = False  # an S3 virtual-host route whose {Bucket} the host name gives


# method -> first path segment (or LABEL) -> routes, highest rank first
RestTable = dict[str, dict[str, tuple[RestRoute, ...]]]


@cache
def rest_table(service: str, virtual_host: bool = False) -> RestTable:
    """The service's REST routes; with virtual_host, those of S3 with the bucket in the host name:
    a leading {Bucket} label is taken off, routing fills it from the host."""
    model = service_model(service)
    grouped: dict[str, dict[str, list[RestRoute]]] = {}
    for name in model.operation_names:
        route, method = _compile(model.operation_model(name))
        if virtual_host and route.labels[:1] == ("Bucket",) and route.segments[0] is None:
            route = replace(
                route,
                segments=route.segments[1:],
                labels=route.labels[1:],
                greedy=route.greedy - 1 if route.greedy > 0 else -1,
                bucket_in_host=True,
            )
        key = LABEL if route.segments[:1] == (None,) else (route.segments[0] if route.segments else "")
        grouped.setdefault(method, {}).setdefault(key, []).append(route)
    return {
        method: {
            key: tuple(sorted(routes, key=lambda r: r.rank, reverse=True)) for key, routes in by_key.items()
        }
        for method, by_key in grouped.items()
    }


def _compile(operation: Any) -> tuple[RestRoute, str]:
    path, _, query = operation.http["requestUri"].partition("?")
    segments: list[str | None] = []
    labels: list[str] = []
    greedy = -1
    for part in path.strip("/").split("/") if path.strip("/") else []:
        if part.startswith("{"):
            if part.endswith("+}"):
                greedy = len(segments)
            labels.append(part[1:-2] if part.endswith("+}") else part[1:-1])
            segments.append(None)
        else:
            segments.append(part)
    literal_query: list[tuple[str, str | None]] = []
    for item in query.split("&") if query else []:
        key, has_value, value = item.partition("=")
        # x-id only names the operation for request signers; clients need not send it.
        if key != "x-id":
            literal_query.append((key, value if has_value else None))
    shape = operation.input_shape
    headers: list[str] = []
    required_query: list[str] = []
    query_members: set[str] = set()
    host_labels: list[tuple[str, re.Pattern[str] | None]] = []
    if shape is not None:
        for member_name, member in shape.members.items():
            location = member.serialization.get("location")
            key = member.serialization.get("name", member_name)
            if location == "querystring":
                query_members.add(key)
            if member_name not in shape.required_members:
                continue
            if location == "header":
                headers.append(key.lower())
            elif location == "querystring":
                required_query.append(key)
    host_prefix = (operation.endpoint or {}).get("hostPrefix", "")
    pattern = None
    if "{" in host_prefix:
        parts = re.split(r"\{(\w+)\}", host_prefix)
        pattern = re.compile(
            "".join(f"(?P<{p}>[^.]+)" if i % 2 else re.escape(p) for i, p in enumerate(parts))
        )
        for label in parts[1::2]:
            member = shape.members.get(label) if shape is not None else None
            regex = member.metadata.get("pattern") if member is not None else None
            host_labels.append((label, re.compile(regex) if regex else None))
    unsigned = operation.auth_type == "none" or operation.auth == ["smithy.api#noAuth"]
    literals = sum(1 for s in segments if s is not None)
    route = RestRoute(
        operation=operation.name,
        segments=tuple(segments),
        labels=tuple(labels),
        greedy=greedy,
        query=tuple(literal_query),
        required_headers=tuple(headers),
        required_query=tuple(required_query),
        query_members=frozenset(query_members),
        deprecated=operation.deprecated,
        host_prefix=pattern,
        host_label_patterns=tuple(host_labels),
        unsigned=unsigned,
        rank=(literals, len(literal_query), 0 if greedy >= 0 else 1),
    )
    return route, operation.http["method"].upper()
