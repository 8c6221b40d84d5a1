"""Resource-based policies of DynamoDB tables and streams: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy, CreateTable's ResourcePolicy, and the policy the authorize stage consults.

A policy is a document of service "dynamodb", kind "resource-policy", keyed by the resource part of its
ARN (`T` for a table, `T/stream/<label>` for a stream) in the table's account and region:

    {"Policy": text, "RevisionId": "<epoch ms>", "TableId": the table's Id when it was attached}

A policy whose TableId is not the table's current Id belonged to a deleted table of the same name, so a
re-created table starts without one. A stream's policy is the stream's own: a new stream (a new label)
has none.

Enforcement (`resource_policies`, registered for DynamoDB and DynamoDB Streams): a table's ARN and an
index's (`table/T/index/I`, which the table's policy governs, as AWS says) answer the table's policy; a
stream's ARN its own; backups and exports have none. Other accounts' principals need it to allow
them (and their own identity policies too); its explicit denies bind everyone, the owner's root included,
except that the account's root may always DeleteResourcePolicy, so no one is locked out for good.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fogbank.authorization import principal_context, request_context
from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.policy import AuthzRequest, LabelledPolicy, PolicySet, evaluate, parse_policy
from fogbank.policy.grammar import PolicyError
from fogbank.services.dynamodb import service, tables
from fogbank.services.dynamodb.tables import Table
from fogbank.services.dynamodbstreams import service as streams_service
from fogbank.state import Transaction

__all__ = ["KIND", "attach_on_create", "resource_policies"]

KIND = tables.POLICY_KIND
MAX_POLICY_BYTES = 20 * 1024
NO_POLICY = "NO_POLICY"


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def _policy_not_found(arn: str) -> ServiceError:
    return ServiceError(
        "PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: {arn}", 400
    )


def _revision_mismatch(arn: str, expected: str) -> ServiceError:
    return ServiceError(
        "PolicyNotFoundException",
        f"Resource-based policy not found for the provided ResourceArn: {arn} "
        f"and the expected revision ID: {expected}",
        400,
    )


class _Resource:
    """A table or stream a policy attaches to, as its ARN names it."""

    def __init__(self, table: Table, arn: str, key: str) -> None:
        self.table = table
        self.arn = arn
        self.key = key  # the document's name: the resource part of the ARN after "table/"

    def current(self, tx: Transaction) -> dict[str, Any] | None:
        doc = tx.get_doc(tables.SERVICE, KIND, self.table.account, self.table.region, self.key)
        return doc if doc is not None and doc.get("TableId") == self.table.id else None


def _split(arn: str) -> tuple[str, str, str, list[str]] | None:
    """(account, region, table name, the parts after it) of a DynamoDB table-rooted ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
        return None
    path = parts[5].split("/")
    if len(path) < 2 or not path[1]:
        return None
    return parts[4], parts[3], path[1], path[2:]


def _resource(ctx: Context, tx: Transaction, arn: str) -> _Resource:
    """The table or stream `arn` names: ResourceNotFoundException when there is none."""
    split = _split(arn)
    if split is None:
        raise _validation(f"Invalid ResourceArn provided as input {arn}")
    account, region, name, rest = split
    table = tables.load_or_none(tx, account, region, name)
    if table is None:
        raise tables.not_found(f"Requested resource not found: ResourceArn: {arn} not found")
    if not rest:
        return _Resource(table, arn, name)
    if len(rest) == 2 and rest[0] == "stream" and table.stream_arn == arn:
        return _Resource(table, arn, f"{name}/stream/{rest[1]}")
    if len(rest) == 2 and rest[0] == "stream":
        raise tables.not_found(f"Requested resource not found: ResourceArn: {arn} not found")
    raise _validation(f"Invalid ResourceArn provided as input {arn}")


def _check_policy(ctx: Context, resource: _Resource, text: str, confirmed: bool) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_POLICY_BYTES:
        raise _validation(
            f"Policy document size of {size} bytes exceeds the maximum allowed size of {MAX_POLICY_BYTES} "
            "bytes"
        )
    try:
        json.loads(text)
        parsed = parse_policy(text, "resource")
    except (ValueError, PolicyError) as exc:
        detail = exc.message if isinstance(exc, PolicyError) else "This policy contains invalid Json"
        raise _validation(f"Invalid policy document: {detail}") from exc
    if not confirmed and _locks_out(ctx, resource, parsed):
        raise _validation(
            "The policy would remove your permission to call PutResourcePolicy on the resource. "
            "To confirm, set ConfirmRemoveSelfResourceAccess to true."
        )


def _locks_out(ctx: Context, resource: _Resource, parsed: Any) -> bool:
    """Whether the new policy explicitly denies the caller later PutResourcePolicy requests."""
    principal = ctx.principal
    if principal is None or ctx.tx is None:
        return False
    request = AuthzRequest(
        principal_context(ctx.tx, principal),
        "dynamodb:PutResourcePolicy",
        resource.arn,
        None,
        request_context(ctx, principal, {}, None),
    )
    decision = evaluate(request, PolicySet(resource=(LabelledPolicy("new policy", parsed),)))
    return decision.reason == "explicit-deny"


def _next_revision(ctx: Context, previous: dict[str, Any] | None) -> str:
    now = int(ctx.clock.now().timestamp() * 1000)
    if previous is not None:
        now = max(now, int(previous["RevisionId"]) + 1)
    return str(now)


def _put(ctx: Context, resource: _Resource, text: str) -> str:
    assert ctx.tx is not None
    previous = resource.current(ctx.tx)
    if previous is not None and previous["Policy"] == text:
        return str(previous["RevisionId"])  # idempotent: the same document keeps its revision
    revision = _next_revision(ctx, previous)
    doc = {"Policy": text, "RevisionId": revision, "TableId": resource.table.id}
    ctx.tx.put_doc(tables.SERVICE, KIND, resource.table.account, resource.table.region, resource.key, doc)
    tables.written(ctx.tx)
    return revision


@service.handler("PutResourcePolicy")
def put_resource_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    arn = request["ResourceArn"]
    resource = _resource(ctx, ctx.tx, arn)
    expected = request.get("ExpectedRevisionId")
    current = resource.current(ctx.tx)
    if expected == NO_POLICY:
        if current is not None:
            raise _revision_mismatch(arn, expected)
    elif expected is not None and (current is None or current["RevisionId"] != expected):
        raise _revision_mismatch(arn, expected)
    _check_policy(ctx, resource, request["Policy"], bool(request.get("ConfirmRemoveSelfResourceAccess")))
    return {"RevisionId": _put(ctx, resource, request["Policy"])}


@service.handler("GetResourcePolicy")
def get_resource_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    arn = request["ResourceArn"]
    current = _resource(ctx, ctx.tx, arn).current(ctx.tx)
    if current is None:
        raise _policy_not_found(arn)
    return {"Policy": current["Policy"], "RevisionId": current["RevisionId"]}


@service.handler("DeleteResourcePolicy")
def delete_resource_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    assert ctx.tx is not None
    arn = request["ResourceArn"]
    resource = _resource(ctx, ctx.tx, arn)
    current = resource.current(ctx.tx)
    expected = request.get("ExpectedRevisionId")
    if expected is not None and (current is None or current["RevisionId"] != expected):
        raise _revision_mismatch(arn, expected)
    if current is None:
        return {}  # idempotent: nothing to delete is no error
    table = resource.table
    ctx.tx.delete_doc(tables.SERVICE, KIND, table.account, table.region, resource.key)
    tables.written(ctx.tx)
    return {"RevisionId": current["RevisionId"]}


def attach_on_create(ctx: Context, table: Table, text: str | None) -> None:
    """CreateTable's ResourcePolicy: validated as PutResourcePolicy validates it, stored with the table.

    Called by CreateTable's handler after the table's document is saved, in the same transaction, so a
    policy AWS would refuse leaves no table behind.
    """
    if text is None:
        return
    resource = _Resource(table, table.arn, table.name)
    _check_policy(ctx, resource, text, True)
    _put(ctx, resource, text)


# ---- the policy the authorize stage consults


def _policy_of(tx: Transaction, arn: str) -> LabelledPolicy | None:
    split = _split(arn)
    if split is None:
        return None
    account, region, name, rest = split
    found = tables.authorizing_or_none(tx, account, region, name)
    table = found.table
    if table is None:
        return None
    if not rest or rest[0] == "index":  # the table's policy governs its indexes
        return _parsed(table.arn, found.policy) if found.policy is not None else None
    if len(rest) < 2 or rest[0] != "stream":  # backups and exports have no resource-based policy
        return None
    current = _Resource(table, arn, f"{name}/stream/{rest[1]}").current(tx)
    return _parsed(arn, current["Policy"]) if current is not None else None


@lru_cache(maxsize=512)
def _parsed(arn: str, text: str) -> LabelledPolicy:
    """A policy's text parsed once: the same text is consulted by every request on its table."""
    return LabelledPolicy(f"resource-based policy of {arn}", parse_policy(text, "resource"))


@service.resource_policies
def resource_policies(ctx: Context, tx: Transaction, arn: str) -> LabelledPolicy | None:
    """The policy of the table or stream `arn` names (an index's is its table's); None if it has none."""
    operation = ctx.operation.name if ctx.operation is not None else ""
    principal = ctx.principal
    if operation == "DeleteResourcePolicy" and principal is not None and principal.kind == "root":
        owner = arn.split(":")[4] if arn.count(":") >= 5 else ""
        if owner == principal.account:
            return None  # the account's root may always remove its resource's policy
    return _policy_of(tx, arn)


streams_service.resource_policies(resource_policies)
