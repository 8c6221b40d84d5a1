"""The handler registry: which operations fogbank implements, service by service.

A service package makes one `Service` under its botocore model name and registers one handler
per operation under the model's operation name. Handlers take `(ctx, request)` and return the
operation's output dict. A service may also register scheduler jobs (timed work, by kind),
outbox consumers (deliveries after commit, by topic), routes of its own under /_fogbank/ (a
mailbox, a signing certificate), and name its own schema.sql. The list of
service packages is explicit: no discovery.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.authorization import ResourcePolicies
    from fogbank.context import Context
    from fogbank.policy import LabelledPolicy
    from fogbank.policy.actions import Requirement
    from fogbank.protocols.http import HttpRequest, HttpResponse
    from fogbank.server import App
    from fogbank.state import Transaction

__all__ = [
    "Service",
    "Handler",
    "JobHandler",
    "Consumer",
    "OwnRoute",
    "RequirementsFn",
    "handler_for",
    "waits",
    "registry",
    "SERVICE_PACKAGES",
]

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]
JobHandler = Callable[["Transaction", dict[str, Any]], None]
# A resource's own policy (bucket policy, key policy, trust policy...), by resource ARN.
ResourcePolicyFn = Callable[["Context", "Transaction", str], "LabelledPolicy | ResourcePolicies | None"]
# What an operation needs authorized, when the default derived from the IAM data set is not right.
RequirementsFn = Callable[["Context", dict[str, Any]], list["Requirement"]]
Consumer = Callable[[dict[str, Any]], None]
# A route of the service's own under /_fogbank/: gets the app (its db, clock, settings) and the request.
OwnRoute = Callable[["App", "HttpRequest"], "HttpResponse"]

SERVICE_PACKAGES = (
    "sts",
    "iam",
    "kms",
    "s3",
    "s3control",
    "dynamodb",
    "dynamodbstreams",
    "sqs",
    "sns",
    "ses",
    "sesv2",
)


class Service:
    def __init__(self, name: str, schema: str | None = None) -> None:
        self.name = name
        self.schema = schema  # path of the package's schema.sql, if it has its own tables
        self.handlers: dict[str, Handler] = {}
        self.waiting: set[str] = set()  # operations whose handlers may wait: they run on worker threads
        self.jobs: dict[str, JobHandler] = {}
        self.consumers: dict[str, Consumer] = {}
        self.give_up: dict[str, str] = {}  # outbox topic -> the job kind that takes its failed rows
        self.requirements: dict[str, RequirementsFn] = {}
        self.resource_policy: ResourcePolicyFn | None = None
        self.routes: dict[str, OwnRoute] = {}

    def handler(self, operation: str, *, waits: bool = False) -> Callable[[Handler], Handler]:
        """Register `operation`'s handler. Handlers run on the event loop's thread unless `waits`: one
        that may block for long (a long poll, a fetch over the network, a copy of gigabytes, a key pair
        to generate) runs on a worker thread so that other requests go on meanwhile."""

        def register(func: Handler) -> Handler:
            self.handlers[operation] = func
            if waits:
                self.waiting.add(operation)
            return func

        return register

    def job(self, kind: str) -> Callable[[JobHandler], JobHandler]:
        def register(func: JobHandler) -> JobHandler:
            self.jobs[f"{self.name}.{kind}"] = func
            return func

        return register

    def authorize(self, operation: str) -> Callable[[RequirementsFn], RequirementsFn]:
        """Register what `operation` needs authorized (actions, resources, condition keys).

        The function runs inside the authorize stage's read-only transaction, `ctx.tx`: it reads there,
        opens no transaction of its own and writes nothing.
        """

        def register(func: RequirementsFn) -> RequirementsFn:
            self.requirements[operation] = func
            return func

        return register

    def resource_policies(self, func: ResourcePolicyFn) -> ResourcePolicyFn:
        """Register the function that finds a resource's own policy; its explicit denies bind root too."""
        self.resource_policy = func
        return func

    def consumer(self, topic: str, *, give_up: str | None = None) -> Callable[[Consumer], Consumer]:
        """Register the outbox consumer of `topic`; a row that runs out of attempts goes to this service's
        job `give_up` (registered with @job), if named, with its payload."""

        def register(func: Consumer) -> Consumer:
            self.consumers[topic] = func
            if give_up is not None:
                self.give_up[topic] = f"{self.name}.{give_up}"
            return func

        return register

    def route(self, path: str) -> Callable[[OwnRoute], OwnRoute]:
        """Register a route of fogbank's own, at `path` under /_fogbank/ (a prefix if it ends in "/"), or
        under /_aws/ where tools expect a route of that shape there (LocalStack's SES mailbox)."""
        if not path.startswith(("/_fogbank/", "/_aws/")):
            raise ValueError(f"own routes live under /_fogbank/ or /_aws/, not {path}")

        def register(func: OwnRoute) -> OwnRoute:
            self.routes[path] = func
            return func

        return register


_registry: dict[str, Service] | None = None


def registry() -> dict[str, Service]:
    global _registry
    if _registry is None:
        services = {}
        for package in SERVICE_PACKAGES:
            service: Service = import_module(f"fogbank.services.{package}").service
            services[service.name] = service
        _registry = services
    return _registry


def handler_for(service: str, operation: str) -> Handler | None:
    entry = registry().get(service)
    return entry.handlers.get(operation) if entry else None


def waits(service: str, operation: str) -> bool:
    """Whether the operation's handler may block for long (see Service.handler)."""
    entry = registry().get(service)
    return entry is not None and operation in entry.waiting
