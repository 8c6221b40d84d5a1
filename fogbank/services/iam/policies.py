"""Managed policies: customer managed policies' lifecycle, and the one way to look any managed policy up.

A managed policy is named by its ARN. Customer managed policies live in the store (kind "policy", keyed
by name: names are unique in an account whatever their path); AWS managed policies
(arn:aws:iam::aws:policy/…) come from managed.py. `resolve` answers both in the store's shape, so the
rest of IAM never asks which is which. How often a policy is used is not stored: it is counted from the
users', groups' and roles' AttachedPolicies and PermissionsBoundary.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import (
    already_exists,
    as_time,
    check_document,
    document_size,
    now,
    scan,
    tx_of,
)
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.ids import unique_id
from fogbank.services.iam.managed import ManagedPolicy, list_managed_policies, managed_policy
from fogbank.services.iam.tags import check_tags, tagging_operations
from fogbank.state import Transaction

__all__ = [
    "AWS_PREFIX",
    "POLICY_SIZE_QUOTA",
    "boundary",
    "check_managed_document",
    "customer",
    "no_such_policy",
    "public",
    "require",
    "resolve",
    "save",
    "usage",
]

KIND = store.POLICY
AWS_PREFIX = "arn:aws:iam::aws:policy/"
POLICY_SIZE_QUOTA = 6144


def no_such_policy(arn: str) -> ServiceError:
    return ServiceError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)


def _stored_shape(found: ManagedPolicy) -> dict[str, Any]:
    """An AWS managed policy in the store's shape for policies (its default version only)."""
    return {
        "PolicyName": found.PolicyName,
        "PolicyId": found.PolicyId,
        "Arn": found.Arn,
        "Path": found.Path,
        "Description": found.Description,
        "CreateDate": found.CreateDate,
        "UpdateDate": found.UpdateDate,
        "DefaultVersionId": found.DefaultVersionId,
        "Versions": {found.DefaultVersionId: {"Document": found.Document, "CreateDate": found.UpdateDate}},
        "Tags": [],
    }


def _aws_managed(arn: str) -> dict[str, Any] | None:
    found = managed_policy(arn)
    return _stored_shape(found) if found is not None else None


def resolve(tx: Transaction, account: str, arn: str) -> dict[str, Any] | None:
    """The managed policy an ARN names, as the caller's account sees it (its own, or AWS's)."""
    if arn.startswith(AWS_PREFIX):
        return _aws_managed(arn)
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or parts[4] != account or not parts[5].startswith("policy/"):
        return None
    doc = tx.get_doc(store.SERVICE, KIND, account, store.REGION, arn.rsplit("/", 1)[-1].lower())
    return doc if doc is not None and doc["Arn"] == arn else None


def require(tx: Transaction, account: str, arn: str) -> dict[str, Any]:
    doc = resolve(tx, account, arn)
    if doc is None:
        raise no_such_policy(arn)
    return doc


def customer(ctx: Context, arn: str, action: str) -> dict[str, Any]:
    """A customer managed policy the caller may change; AWS's own policies are not theirs to change."""
    doc = require(tx_of(ctx), ctx.account, arn)
    if arn.startswith(AWS_PREFIX):
        assert ctx.principal is not None
        raise ServiceError(
            "AccessDenied",
            f"User: {ctx.principal.arn} is not authorized to perform: iam:{action} on resource: policy {arn}",
            403,
        )
    return doc


def save(tx: Transaction, account: str, doc: dict[str, Any]) -> None:
    tx.put_doc(store.SERVICE, KIND, account, store.REGION, doc["PolicyName"].lower(), doc)


def boundary(tx: Transaction, account: str, arn: str) -> dict[str, str]:
    """A PermissionsBoundary value, once the policy it names is known to exist."""
    require(tx, account, arn)
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def check_managed_document(text: str) -> None:
    if document_size(text) > POLICY_SIZE_QUOTA:
        raise ServiceError("LimitExceeded", f"Cannot exceed quota for PolicySize: {POLICY_SIZE_QUOTA}", 409)
    check_document(text, "identity")


def usage(tx: Transaction, account: str) -> tuple[Counter[str], Counter[str]]:
    """How many identities each policy ARN is attached to, and how many use it as their boundary."""
    attached: Counter[str] = Counter()
    bounding: Counter[str] = Counter()
    for kind in (store.USER, store.GROUP, store.ROLE):
        for doc in scan(tx, kind, account):
            attached.update(doc.get("AttachedPolicies", []))
            if "PermissionsBoundary" in doc:
                bounding[doc["PermissionsBoundary"]["PermissionsBoundaryArn"]] += 1
    return attached, bounding


def public(
    doc: dict[str, Any], attached: Counter[str], bounding: Counter[str], *, detail: bool = True
) -> dict[str, Any]:
    """The Policy shape; listings leave out Description and Tags, as AWS's do."""
    policy = {k: doc[k] for k in ("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId") if k in doc}
    policy.update(
        AttachmentCount=attached[doc["Arn"]],
        PermissionsBoundaryUsageCount=bounding[doc["Arn"]],
        IsAttachable=True,
        CreateDate=as_time(doc["CreateDate"]),
        UpdateDate=as_time(doc["UpdateDate"]),
    )
    if detail:
        if doc.get("Description"):
            policy["Description"] = doc["Description"]
        if doc.get("Tags"):
            policy["Tags"] = doc["Tags"]
    return policy


@service.handler("CreatePolicy")
def create_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    name, path = request["PolicyName"], request.get("Path", "/")
    text = request["PolicyDocument"]
    check_tags(request.get("Tags", []))
    check_managed_document(text)
    if tx.get_doc(store.SERVICE, KIND, ctx.account, store.REGION, name.lower()) is not None:
        raise already_exists(KIND, name)
    created = now(ctx)
    doc: dict[str, Any] = {
        "PolicyName": name,
        "PolicyId": unique_id("ANPA"),
        "Arn": f"arn:aws:iam::{ctx.account}:policy{path}{name}",
        "Path": path,
        "CreateDate": created,
        "UpdateDate": created,
        "DefaultVersionId": "v1",
        "Tags": request.get("Tags", []),
        "Versions": {"v1": {"Document": text, "CreateDate": created}},
        "NextVersion": 2,
    }
    if request.get("Description"):
        doc["Description"] = request["Description"]
    save(tx, ctx.account, doc)
    return {"Policy": public(doc, Counter(), Counter())}


@service.handler("GetPolicy")
def get_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    doc = require(tx, ctx.account, request["PolicyArn"])
    return {"Policy": public(doc, *usage(tx, ctx.account))}


@service.handler("ListPolicies")
def list_policies(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    scope = request.get("Scope", "All")
    prefix = request.get("PathPrefix", "/")
    attached, bounding = usage(tx, ctx.account)
    docs: list[dict[str, Any]] = []
    if scope in ("All", "Local"):
        docs += [doc for doc in scan(tx, KIND, ctx.account) if doc["Path"].startswith(prefix)]
    if scope in ("All", "AWS"):
        if request.get("OnlyAttached"):
            # Only a handful of AWS's policies can be in use here: look those up, not the whole catalogue.
            arns = [arn for arn in (*attached, *bounding) if arn.startswith(AWS_PREFIX)]
            docs += [
                doc
                for arn in dict.fromkeys(arns)
                if (doc := _aws_managed(arn)) and doc["Path"].startswith(prefix)
            ]
        else:
            docs += [_stored_shape(found) for found in list_managed_policies(prefix)]
    if request.get("OnlyAttached"):
        wanted = request.get("PolicyUsageFilter")
        docs = [
            doc
            for doc in docs
            if (wanted != "PermissionsBoundary" and attached[doc["Arn"]])
            or (wanted != "PermissionsPolicy" and bounding[doc["Arn"]])
        ]
    entries = (
        (f"{d['PolicyName'].lower()} {d['Arn']}", public(d, attached, bounding, detail=False)) for d in docs
    )
    return page(entries, request, "Policies")


@service.handler("DeletePolicy")
def delete_policy(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx = tx_of(ctx)
    arn = request["PolicyArn"]
    doc = customer(ctx, arn, "DeletePolicy")
    attached, bounding = usage(tx, ctx.account)
    if attached[arn] or bounding[arn]:
        raise ServiceError("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    if len(doc["Versions"]) > 1:
        raise ServiceError(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must delete the policy's "
            "versions. The default version is deleted with the policy.",
            409,
        )
    tx.delete_doc(store.SERVICE, KIND, ctx.account, store.REGION, doc["PolicyName"].lower())
    return {}


def _tagged_policy(ctx: Context, request: dict[str, Any], operation: str) -> dict[str, Any]:
    if operation == "ListPolicyTags":  # AWS managed policies' tags may be read, not changed
        return require(tx_of(ctx), ctx.account, request["PolicyArn"])
    return customer(ctx, request["PolicyArn"], operation)


tagging_operations("Policy", find=_tagged_policy, save=lambda ctx, doc: save(tx_of(ctx), ctx.account, doc))
