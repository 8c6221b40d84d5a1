"""The handler registry: which operations fogbank implements, service by service.

A service package makes one `Service` under its botocore model name and registers one handler
per operation under the model's operation name. Handlers take `(ctx, request)` and return the
operation's output dict. A service may also register scheduler jobs (timed work, by kind),
outbox consumers (deliveries after commit, by topic), routes of its own under /_fogbank/ (a
mailbox, a signing certificate), and name its own schema.sql. The list of service packages is
explicit: no discovery.

A package is imported when something first needs it: a request for its service, a due job of one
of its kinds, an outbox row of one of its topics, a request to one of its own routes. What each
package provides is declared in `PACKAGES`, so the server starts (migrations, the scheduler, the
outbox, the route table) without importing any; tests check each declaration against what its
package registers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeVar

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
    "Package",
    "PACKAGES",
    "Registry",
    "handler_for",
    "waits",
    "registry",
    "scheduled_jobs",
    "outbox_consumers",
    "outbox_give_up",
    "service_routes",
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


@dataclass(frozen=True, slots=True)
class Package:
    """What one service package provides, known without importing it."""

    name: str  # the package under fogbank.services, and the botocore name of the service it makes
    schema: bool = False  # it has a schema.sql of its own tables
    jobs: tuple[str, ...] = ()  # the scheduler job kinds it registers, "<name>." included
    topics: tuple[str, ...] = ()  # the outbox topics it consumes
    routes: tuple[str, ...] = ()  # the paths of its own routes, in the order it registers them

    def schema_sql(self) -> str:
        """The package's schema.sql, read from its directory: migrations need not import the package."""
        return files(__name__).joinpath(self.name, "schema.sql").read_text(encoding="utf-8")


PACKAGES: tuple[Package, ...] = (
    Package("sts"),
    Package("iam"),
    Package("kms", jobs=("kms.rotate", "kms.delete", "kms.expire-material")),
    Package("s3", schema=True, jobs=("s3.access-log", "s3.lifecycle")),
    Package("s3control"),
    Package(
        "dynamodb",
        schema=True,
        jobs=("dynamodb.ttl", "dynamodb.pitr-compact"),
        routes=("/_fogbank/dynamodb/partitions/",),
    ),
    Package("dynamodbstreams"),
    Package("sqs", schema=True, jobs=("sqs.move", "sqs.forget-attempt")),
    Package(
        "sns",
        schema=True,
        jobs=("sns.dead-letter",),
        topics=("sns.http",),
        routes=(
            "/_fogbank/sns/cert/",
            "/_fogbank/sns/confirm",
            "/_fogbank/sns/unsubscribe",
            "/_fogbank/sns/sms",
            "/_fogbank/sns/sms/opt-out",
            "/_fogbank/sns/sms/sandbox",
            "/_fogbank/sns/sms/origination-numbers",
        ),
    ),
    Package(
        "ses",
        schema=True,
        topics=("ses.smtp_relay",),
        routes=(
            "/_fogbank/ses",
            "/_aws/ses",
            "/_fogbank/ses/",
            "/_fogbank/ses/sandbox",
            "/_fogbank/ses/inbound",
        ),
    ),
    Package("sesv2"),
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


class Registry(Mapping[str, Service]):
    """The services by name; a service's package is imported the first time the service is looked up.

    Names and membership come from `PACKAGES` and import nothing. Imports go through one lock: threads
    that first need packages which import each other (DynamoDB and its streams, SNS and SES) would
    otherwise each hold half of a circular import.
    """

    def __init__(self, packages: tuple[Package, ...]) -> None:
        self._names = tuple(package.name for package in packages)
        self._known = frozenset(self._names)
        self._loaded: dict[str, Service] = {}
        self._lock = threading.RLock()

    def __getitem__(self, name: str) -> Service:
        service = self._loaded.get(name)
        return service if service is not None else self._load(name)

    def get(self, name: str, default: Any = None) -> Any:  # the hot path: no KeyError raised and caught
        service = self._loaded.get(name)
        if service is not None:
            return service
        return self._load(name) if name in self._known else default

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def _load(self, name: str) -> Service:
        if name not in self._known:
            raise KeyError(name)
        with self._lock:
            service = self._loaded.get(name)
            if service is None:
                service = import_module(f"{__name__}.{name}").service
                self._loaded[name] = service
        return service


_registry = Registry(PACKAGES)


def registry() -> Registry:
    return _registry


def handler_for(service: str, operation: str) -> Handler | None:
    entry = _registry.get(service)
    return entry.handlers.get(operation) if entry else None


def waits(service: str, operation: str) -> bool:
    """Whether the operation's handler may block for long (see Service.handler)."""
    entry = _registry.get(service)
    return entry is not None and operation in entry.waiting


V = TypeVar("V")


class _Provided(Mapping[str, V]):
    """Jobs, consumers or routes of every package by key; a value's package is imported when it is read."""

    def __init__(self, owners: dict[str, str], part: Callable[[Service], Mapping[str, V]]) -> None:
        self._owners = owners  # key -> the service that provides it
        self._part = part

    def __getitem__(self, key: str) -> V:
        return self._part(_registry[self._owners[key]])[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._owners)

    def __len__(self) -> int:
        return len(self._owners)


def scheduled_jobs() -> Mapping[str, JobHandler]:
    """Every package's scheduler jobs, by kind."""
    return _Provided({kind: p.name for p in PACKAGES for kind in p.jobs}, lambda s: s.jobs)


def outbox_consumers() -> Mapping[str, Consumer]:
    """Every package's outbox consumers, by topic."""
    return _Provided({topic: p.name for p in PACKAGES for topic in p.topics}, lambda s: s.consumers)


def outbox_give_up() -> Mapping[str, str | None]:
    """The job kind that takes a topic's failed rows, or None, for every topic a package consumes."""
    return _Provided(
        {topic: p.name for p in PACKAGES for topic in p.topics},
        lambda s: {topic: s.give_up.get(topic) for topic in s.consumers},
    )


def service_routes() -> Mapping[str, OwnRoute]:
    """Every package's own routes, by path, in the order of `PACKAGES`."""
    return _Provided({path: p.name for p in PACKAGES for path in p.routes}, lambda s: s.routes)
