"""identify: which service, operation and protocol an HTTP request is for.

The request's own shape decides, in this order (fogbank's own `/_fogbank` routes never get here):

1. the signing name and region of the SigV4 credential scope (header or presigned query), or
   "s3" for SigV2 (`Authorization: AWS ...`, presigned `AWSAccessKeyId` without an Action);
2. `X-Amz-Target: {targetPrefix}.{Operation}`: the json protocol;
3. the path `/service/{targetPrefix}/operation/{Operation}`: the smithy-rpc-v2-cbor protocol;
4. the query `Action` (query string or form body), `Version` choosing among services that share an
   action name: the query and ec2 protocols. Looked for only when the signing name belongs to a
   query service, or is missing or unknown, so a REST body is never read here;
5. the REST route tables (`fogbank.specs.index.rest_table`) of the services signed with that name;
   S3 virtual hosts (`bucket.s3.<anything>`, `bucket.localhost`) give `Bucket`. A request with no
   signature and no other clue is an anonymous S3 request, unless it matches an operation that needs
   no signature (SSO, SSO OIDC, sign-in); an unknown signing name or a bearer token tries every REST
   service with a request URI that starts with the request's first path segment.

Among REST routes the most specific match wins: more literal path segments, then more literal query
keys (`?tagging`, `?list-type=2`), then no greedy label, then required header and query members
present (CopyObject's `x-amz-copy-source`) rather than missing, then more query keys the operation
knows (ListDirectoryBuckets' `max-directory-buckets`), then not deprecated (GetBucketLifecycle loses
to GetBucketLifecycleConfiguration). Labels are percent-decoded, a greedy label keeps its "/".

Errors are what AWS answers in the request's protocol family: an unknown X-Amz-Target is a 400
UnknownOperationException, an unknown rpc-v2-cbor operation a 404 UnknownOperationException, an
unknown query Action a 400 InvalidAction and a missing one a 400 MissingAction, a request to a json
service without a target a 400 UnknownOperationException; a REST request that matches no route is a
404 UnknownOperationException, except that S3 answers a method it has no route for with a 405
MethodNotAllowed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, unquote_plus

from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from fogbank.specs.index import (
    CBOR,
    LABEL,
    QUERY_PROTOCOLS,
    REST_PROTOCOLS,
    RestRoute,
    ServiceInfo,
    first_segment,
    operation_names,
    rest_table,
    routing_index,
)

__all__ = [
    "Route",
    "identify",
    "credential_scope",
    "bucket_from_host",
    "is_browser_post",
    "is_cors_preflight",
    "website_bucket",
]

# S3 website endpoints: BUCKET.s3-website.localhost, BUCKET.s3-website-REGION.amazonaws.com,
# BUCKET.s3-website.REGION.amazonaws.com.
_WEBSITE_HOST = re.compile(r"(.+)\.s3-website(?:\.localhost|[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?)")


@dataclass(frozen=True, slots=True)
class Route:
    service: str
    operation: str
    protocol: str
    uri_params: dict[str, str]
    signing_name: str | None
    region: str | None


def identify(request: HttpRequest) -> Route:
    signing_name, region = credential_scope(request)
    index = routing_index()
    target = request.headers.get("x-amz-target")
    if target is not None:
        return _by_target(target, signing_name, region)
    if request.path.startswith("/service/"):
        route = _by_cbor_path(request.path, signing_name, region)
        if route is not None:
            return route
    group = index.by_signing_name.get(signing_name, ()) if signing_name else ()
    query_family = [s for s in group if _speaks_query(index.services[s])]
    if query_family or not group:
        action, version = _action(request)
        if action is not None:
            return _by_action(action, version, query_family, signing_name, region)
    rest_family = [s for s in group if REST_PROTOCOLS.intersection(index.services[s].protocols)]
    if rest_family:
        return _by_rest(request, rest_family, signing_name, region, unsigned_only=False)
    if not group:
        first = first_segment(request.path)
        if signing_name is None and "authorization" not in request.headers:
            services = [*index.by_unsigned_path.get(first, ()), "s3"]
            return _by_rest(request, services, signing_name, region, unsigned_only=True)
        services = [*index.by_path.get(first, ()), *index.by_path.get(LABEL, ())]
        return _by_rest(request, services, signing_name, region, unsigned_only=False)
    if query_family:
        raise ServiceError("MissingAction", "Missing Action", 400)
    raise ServiceError("UnknownOperationException", "Request has no X-Amz-Target header.", 400)


def credential_scope(request: HttpRequest) -> tuple[str | None, str | None]:
    """(signing name, region) of the request's signature; region is None for SigV4a and SigV2."""
    authorization = request.headers.get("authorization", "")
    credential = ""
    if authorization.startswith("AWS4-"):
        start = authorization.find("Credential=")
        if start >= 0:
            credential = authorization[start + 11 :].split(",", 1)[0].strip()
    elif authorization.startswith("AWS "):
        return "s3", None
    elif "X-Amz-Credential=" in request.query:
        credential = dict(parse_qsl(request.query)).get("X-Amz-Credential", "")
    elif "AWSAccessKeyId=" in request.query and "Action=" not in request.query:
        return "s3", None
    # access key / date / region / service / aws4_request; SigV4a scopes have no region
    parts = credential.split("/")
    if len(parts) == 5:
        return parts[3], parts[2]
    if len(parts) == 4:
        return parts[2], None
    return None, None


def bucket_from_host(host: str) -> str | None:
    """The bucket an S3 virtual-host name names: `bucket.s3.<anything>` or `bucket.localhost`."""
    name = _host_name(host)
    if _is_ip(name):
        return None
    at = name.find(".s3.")
    if at > 0:
        return name[:at]
    if name.endswith(".localhost") and name != "s3.localhost":
        return name[: -len(".localhost")]
    return None


def is_browser_post(request: HttpRequest) -> bool:
    """An S3 browser upload (POST Object): an HTML form posted to a bucket, which no model describes."""
    if request.method != "POST" or request.query or "authorization" in request.headers:
        return False
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return False
    segments = [s for s in request.path.split("/") if s]
    if bucket_from_host(request.host) is not None:
        return not segments
    return len(segments) == 1


def website_bucket(host: str) -> str | None:
    """The bucket a website endpoint's host name names: such requests are plain HTTP, not API calls."""
    if ".s3-website" not in host:
        return None
    found = _WEBSITE_HOST.fullmatch(_host_name(host))
    return found.group(1) if found is not None else None


def is_cors_preflight(request: HttpRequest) -> bool:
    """A browser's CORS preflight to S3: an unsigned OPTIONS with an Origin, which no model describes."""
    return (
        request.method == "OPTIONS" and "origin" in request.headers and "authorization" not in request.headers
    )


def _by_target(target: str, signing_name: str | None, region: str | None) -> Route:
    prefix, _, operation = target.rpartition(".")
    for service in _prefer_signed(routing_index().by_target_prefix.get(prefix, ()), signing_name):
        if operation in operation_names(service):
            return Route(service, operation, "json", {}, signing_name, region)
    raise ServiceError("UnknownOperationException", f"Unknown operation {target}", 400)


def _by_cbor_path(path: str, signing_name: str | None, region: str | None) -> Route | None:
    parts = path.split("/")
    if len(parts) != 5 or parts[3] != "operation":
        return None
    services = routing_index().by_cbor_name.get(parts[2])
    if not services:
        return None
    for service in _prefer_signed(services, signing_name):
        if parts[4] in operation_names(service):
            return Route(service, parts[4], CBOR, {}, signing_name, region)
    raise ServiceError("UnknownOperationException", f"Unknown operation {parts[4]}", 404)


def _by_action(
    action: str, version: str | None, family: Sequence[str], signing_name: str | None, region: str | None
) -> Route:
    index = routing_index()
    versions = index.by_action.get(action, {})
    exact = list(versions.get(version, ())) if version else []
    candidates = exact + [s for group in versions.values() for s in group if s not in exact]
    if family:
        candidates = [s for s in candidates if s in family]
    if not candidates:
        raise ServiceError("InvalidAction", f"The action {action} is not valid for this web service.", 400)
    service = candidates[0]
    protocol = "ec2" if "ec2" in index.services[service].protocols else "query"
    return Route(service, action, protocol, {}, signing_name, region)


def _by_rest(
    request: HttpRequest,
    services: Sequence[str],
    signing_name: str | None,
    region: str | None,
    *,
    unsigned_only: bool,
) -> Route:
    method = request.method.upper()
    query = dict(parse_qsl(request.query, keep_blank_values=True)) if request.query else {}
    best = _best_rest(request, method, query, services, unsigned_only)
    if best is None and method == "POST" and _is_form(request):
        # botocore sends CloudSearch Domain's GET Search as a POST with the query string as a form body.
        form = dict(parse_qsl(request.content().decode("latin-1"), keep_blank_values=True))
        best = _best_rest(request, "GET", {**query, **form}, services, unsigned_only)
    if best is None:
        if "s3" in services and method not in rest_table("s3"):
            message = "The specified method is not allowed against this resource."
            raise ServiceError("MethodNotAllowed", message, 405)
        raise ServiceError("UnknownOperationException", f"No operation matches {method} {request.path}", 404)
    service, route, params = best
    if route.host_prefix is not None:
        params.update(_host_labels(route, request.host))
    protocol = next(p for p in routing_index().services[service].protocols if p in REST_PROTOCOLS)
    return Route(service, route.operation, protocol, params, signing_name, region)


def _best_rest(
    request: HttpRequest, method: str, query: dict[str, str], services: Sequence[str], unsigned_only: bool
) -> tuple[str, RestRoute, dict[str, str]] | None:
    """The most specific route of any of the services that the request matches."""
    raw = request.path.split("/")[1:]
    segments = [unquote(s) if "%" in s else s for s in raw]
    first = segments[0] if segments else ""
    best: tuple[tuple[int, ...], str, RestRoute, dict[str, str]] | None = None
    for service in dict.fromkeys(services):
        bucket = bucket_from_host(request.host) if service == "s3" else None
        table = rest_table(service, bucket is not None).get(method)
        if table is None:
            continue
        for routes in (table.get(first, ()), table.get(LABEL, ())):
            for route in routes:
                if best is not None and route.rank < best[0][:3]:
                    break
                if unsigned_only and not route.unsigned and service != "s3":
                    continue
                params = _match(route, raw, segments, query)
                if params is None:
                    continue
                if route.bucket_in_host and bucket is not None:
                    params["Bucket"] = bucket
                presence = _presence(route, request.headers, query)
                score = (*route.rank, route.bucket_in_host, *presence, not route.deprecated)
                if best is None or score > best[0]:
                    best = (score, service, route, params)
    return best[1:] if best is not None else None


def _match(
    route: RestRoute, raw: list[str], segments: list[str], query: dict[str, str]
) -> dict[str, str] | None:
    """The route's labels, if the request's path segments and literal query keys fit it."""
    for key, value in route.query:
        got = query.get(key)
        if got is None or (value is not None and got != value):
            return None
    template = route.segments
    count = len(segments)
    if route.greedy < 0:
        # A trailing slash names the same resource: "/{Bucket}" answers "/bucket/".
        if count == len(template) + 1 and segments[-1] == "":
            count -= 1
        if count != len(template):
            return None
        return _fixed(route, segments, range(count), range(count), 0)
    tail = len(template) - route.greedy - 1
    end = count - tail
    if end <= route.greedy:
        return None
    params = _fixed(route, segments, range(route.greedy), range(route.greedy), 0)
    if params is None:
        return None
    greedy_label = len(params)
    rest = _fixed(
        route, segments, range(route.greedy + 1, len(template)), range(end, count), greedy_label + 1
    )
    if rest is None:
        return None
    value = unquote("/".join(raw[route.greedy : end]))
    if not value:
        return None
    params[route.labels[greedy_label]] = value
    params.update(rest)
    return params


def _fixed(
    route: RestRoute, segments: list[str], in_template: range, in_request: range, label: int
) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for t, r in zip(in_template, in_request, strict=True):
        literal = route.segments[t]
        segment = segments[r]
        if literal is None:
            if not segment:
                return None
            params[route.labels[label]] = segment
            label += 1
        elif segment != literal:
            return None
    return params


def _presence(route: RestRoute, headers: dict[str, str], query: dict[str, str]) -> tuple[int, int]:
    """How well the request carries the route's members: required headers and query keys present
    (+1) or missing (-1), then how many of its query keys the operation knows."""
    required = sum(1 if name in headers else -1 for name in route.required_headers)
    required += sum(1 if name in query else -1 for name in route.required_query)
    return required, sum(1 for key in query if key in route.query_members)


def _host_labels(route: RestRoute, host: str) -> dict[str, str]:
    """Labels of the operation's hostPrefix ("{AccountId}.") that botocore put in front of the host."""
    name = _host_name(host)
    found = route.host_prefix.match(name) if route.host_prefix is not None and not _is_ip(name) else None
    if found is None or found.end() >= len(name):
        return {}
    labels: dict[str, str] = {}
    for label, pattern in route.host_label_patterns:
        value = found.group(label)
        # "api.example.com" must not give AccountId "api": the member's pattern decides.
        if pattern is not None and not pattern.search(value):
            return {}
        labels[label] = value
    return labels


def _action(request: HttpRequest) -> tuple[str | None, str | None]:
    if "Action=" in request.query:
        params = dict(parse_qsl(request.query))
        return params.get("Action"), params.get("Version")
    if request.method == "POST" and _is_form(request):
        body = request.content()
        return _form_value(body, b"Action"), _form_value(body, b"Version")
    return None, None


def _is_form(request: HttpRequest) -> bool:
    return request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")


def _form_value(body: bytes, key: bytes) -> str | None:
    # A search instead of parsing the whole form: SQS batch bodies run to hundreds of KiB.
    needle = key + b"="
    if body.startswith(needle):
        start = len(needle)
    else:
        at = body.find(b"&" + needle)
        if at < 0:
            return None
        start = at + 1 + len(needle)
    end = body.find(b"&", start)
    return unquote_plus(body[start : end if end >= 0 else len(body)].decode("latin-1"))


def _speaks_query(service: ServiceInfo) -> bool:
    # An awsQueryCompatible json service (SQS) still answers the query requests of older SDKs.
    return service.aws_query_compatible or not QUERY_PROTOCOLS.isdisjoint(service.protocols)


def _prefer_signed(services: Sequence[str], signing_name: str | None) -> Sequence[str]:
    if len(services) < 2 or signing_name is None:
        return services
    infos = routing_index().services
    return sorted(services, key=lambda s: infos[s].signing_name != signing_name)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1].lower()
    return host.rpartition(":")[0].lower() if ":" in host else host.lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
