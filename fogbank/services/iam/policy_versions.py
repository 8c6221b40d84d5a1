"""Versions of managed policies: at most five per customer managed policy, one of them the default.

Version ids count up (v1, v2, …) and are never reused, even after a version is deleted: the policy keeps
the next number in NextVersion. AWS managed policies show their default version only.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service
from fogbank.services.iam.entities import as_time, encoded, now, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.policies import check_managed_document, customer, require, save

MAX_VERSIONS = 5


def _no_such_version(arn: str, version: str) -> ServiceError:
    return ServiceError(
        "NoSuchEntity", f"Policy {arn} version {version} does not exist or is not attachable.", 404
    )


def _version(doc: dict[str, Any], version_id: str, *, document: bool) -> dict[str, Any]:
    stored = doc["Versions"][version_id]
    version: dict[str, Any] = {
        "VersionId": version_id,
        "IsDefaultVersion": version_id == doc["DefaultVersionId"],
        "CreateDate": as_time(stored["CreateDate"]),
    }
    if document:
        version["Document"] = encoded(stored["Document"])
    return version


@service.handler("CreatePolicyVersion")
def create_policy_version(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = customer(ctx, request["PolicyArn"], "CreatePolicyVersion")
    text = request["PolicyDocument"]
    check_managed_document(text)
    if len(doc["Versions"]) >= MAX_VERSIONS:
        raise ServiceError(
            "LimitExceeded",
            f"A managed policy can have up to {MAX_VERSIONS} versions. "
            "Before you create a new version, you must delete an existing version.",
            409,
        )
    version_id = f"v{doc['NextVersion']}"
    created = now(ctx)
    doc["Versions"][version_id] = {"Document": text, "CreateDate": created}
    doc["NextVersion"] += 1
    if request.get("SetAsDefault"):
        doc.update(DefaultVersionId=version_id, UpdateDate=created)
    save(tx_of(ctx), ctx.account, doc)
    return {"PolicyVersion": _version(doc, version_id, document=False)}


@service.handler("GetPolicyVersion")
def get_policy_version(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = request["PolicyArn"], request["VersionId"]
    doc = require(tx_of(ctx), ctx.account, arn)
    if version_id not in doc["Versions"]:
        raise _no_such_version(arn, version_id)
    return {"PolicyVersion": _version(doc, version_id, document=True)}


@service.handler("ListPolicyVersions")
def list_policy_versions(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    doc = require(tx_of(ctx), ctx.account, request["PolicyArn"])
    # Newest first, as AWS lists them; the sort key orders by descending version number.
    entries = ((f"{10**9 - int(v[1:]):010d}", _version(doc, v, document=False)) for v in doc["Versions"])
    return page(entries, request, "Versions")


@service.handler("DeletePolicyVersion")
def delete_policy_version(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = request["PolicyArn"], request["VersionId"]
    doc = customer(ctx, arn, "DeletePolicyVersion")
    if version_id not in doc["Versions"]:
        raise _no_such_version(arn, version_id)
    if version_id == doc["DefaultVersionId"]:
        raise ServiceError("DeleteConflict", "Cannot delete the default version of a policy.", 409)
    del doc["Versions"][version_id]
    save(tx_of(ctx), ctx.account, doc)
    return {}


@service.handler("SetDefaultPolicyVersion")
def set_default_policy_version(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = request["PolicyArn"], request["VersionId"]
    doc = customer(ctx, arn, "SetDefaultPolicyVersion")
    if version_id not in doc["Versions"]:
        raise _no_such_version(arn, version_id)
    doc.update(DefaultVersionId=version_id, UpdateDate=now(ctx))
    save(tx_of(ctx), ctx.account, doc)
    return {}
