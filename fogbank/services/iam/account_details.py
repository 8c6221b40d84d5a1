"""GetAccountAuthorizationDetails: every user, group, role and managed policy of the account, with their
policies, in one paginated answer.

AWS managed policies appear only when something in the account uses them. One page may mix the four
lists; the Marker is a position in the order users, groups, roles, policies.
"""

from __future__ import annotations

from typing import Any

from fogbank.context import Context
from fogbank.services.iam import service, store
from fogbank.services.iam.entities import as_time, encoded, name_of, scan, tx_of
from fogbank.services.iam.iam_pagination import page
from fogbank.services.iam.instance_profiles import public as public_profile
from fogbank.services.iam.policies import AWS_PREFIX, resolve, usage
from fogbank.services.iam.roles import profiles_of
from fogbank.services.iam.roles import public as public_role
from fogbank.state import Transaction

_ALL = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")


def _common(doc: dict[str, Any], noun: str) -> dict[str, Any]:
    detail = {k: doc[k] for k in ("Path", f"{noun}Name", f"{noun}Id", "Arn") if k in doc}
    detail["CreateDate"] = as_time(doc["CreateDate"])
    detail[f"{noun}PolicyList"] = [
        {"PolicyName": name, "PolicyDocument": encoded(text)}
        for name, text in doc.get("InlinePolicies", {}).items()
    ]
    detail["AttachedManagedPolicies"] = [
        {"PolicyName": name_of(arn), "PolicyArn": arn} for arn in doc.get("AttachedPolicies", [])
    ]
    for optional in ("PermissionsBoundary", "Tags"):
        if doc.get(optional):
            detail[optional] = doc[optional]
    return detail


def _user(doc: dict[str, Any]) -> dict[str, Any]:
    return {**_common(doc, "User"), "GroupList": list(doc.get("Groups", []))}


def _role(tx: Transaction, account: str, doc: dict[str, Any]) -> dict[str, Any]:
    detail = _common(doc, "Role")
    detail["AssumeRolePolicyDocument"] = encoded(doc["AssumeRolePolicyDocument"])
    detail["InstanceProfileList"] = [
        public_profile(tx, account, p) for p in profiles_of(tx, account, doc["RoleName"])
    ]
    detail["RoleLastUsed"] = public_role(doc)["RoleLastUsed"]
    return detail


def _policy(doc: dict[str, Any], attached: Any, bounding: Any) -> dict[str, Any]:
    detail = {
        k: doc[k]
        for k in ("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "Description")
        if doc.get(k)
    }
    detail.update(
        AttachmentCount=attached[doc["Arn"]],
        PermissionsBoundaryUsageCount=bounding[doc["Arn"]],
        IsAttachable=True,
        CreateDate=as_time(doc["CreateDate"]),
        UpdateDate=as_time(doc["UpdateDate"]),
        PolicyVersionList=[
            {
                "Document": encoded(version["Document"]),
                "VersionId": version_id,
                "IsDefaultVersion": version_id == doc["DefaultVersionId"],
                "CreateDate": as_time(version["CreateDate"]),
            }
            for version_id, version in doc["Versions"].items()
        ],
    )
    return detail


@service.handler("GetAccountAuthorizationDetails")
def get_account_authorization_details(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    tx, account = tx_of(ctx), ctx.account
    wanted = set(request.get("Filter") or _ALL)
    entries: list[tuple[str, tuple[str, dict[str, Any]]]] = []
    if "User" in wanted:
        entries += [
            (f"1 {d['UserName'].lower()}", ("UserDetailList", _user(d)))
            for d in scan(tx, store.USER, account)
        ]
    if "Group" in wanted:
        entries += [
            (f"2 {d['GroupName'].lower()}", ("GroupDetailList", _common(d, "Group")))
            for d in scan(tx, store.GROUP, account)
        ]
    if "Role" in wanted:
        entries += [
            (f"3 {d['RoleName'].lower()}", ("RoleDetailList", _role(tx, account, d)))
            for d in scan(tx, store.ROLE, account)
        ]
    if wanted & {"LocalManagedPolicy", "AWSManagedPolicy"}:
        attached, bounding = usage(tx, account)
        policies = scan(tx, store.POLICY, account) if "LocalManagedPolicy" in wanted else []
        if "AWSManagedPolicy" in wanted:
            used = dict.fromkeys(arn for arn in (*attached, *bounding) if arn.startswith(AWS_PREFIX))
            policies += [doc for arn in used if (doc := resolve(tx, account, arn)) is not None]
        entries += [
            (f"4 {d['PolicyName'].lower()} {d['Arn']}", ("Policies", _policy(d, attached, bounding)))
            for d in policies
        ]
    result = page(entries, request, "Entries")
    chosen = result.pop("Entries")
    for member in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
        result[member] = [item for kind, item in chosen if kind == member]
    return result
