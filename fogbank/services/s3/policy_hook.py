"""How S3 requests are authorized against buckets: the bucket's policy and ACLs as resource policies,
the bucket owner as the resource's account, and S3's request condition keys.

`bucket_policies` is S3's resource-policy hook. For an ARN `arn:aws:s3:::bucket[/key]` it answers the
bucket's policy, unless Block Public Access's RestrictPublicBuckets applies to a public policy and the
caller is outside the owner's account (AWS then lets only the owner's principals and AWS services use
it), and the bucket's and object's ACL grants as a policy of their own (acl.py), unless the bucket's
ownership is BucketOwnerEnforced.

`install` wraps every S3 operation's requirements: the bucket owner becomes the requirement's resource
account whenever the bucket has a policy or ACL grants (S3 ARNs name no account), so the engine
evaluates another account's or an anonymous caller as AWS does; and the keys S3 derives from the
request rather than from a member (signature version, auth type, content SHA-256, version id, existing
object tags)
are added to the context.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fogbank.authorization import ResourcePolicies
from fogbank.context import Context
from fogbank.policy import LabelledPolicy, Policy, parse_policy
from fogbank.policy.actions import Requirement, derived_requirements
from fogbank.services import RequirementsFn
from fogbank.services.s3 import service
from fogbank.services.s3.acl import acl_policy
from fogbank.services.s3.buckets import is_shared
from fogbank.services.s3.objects_store import get_latest, get_version
from fogbank.services.s3.public_access import effective, is_public_policy
from fogbank.services.s3.store import BUCKET, SERVICE
from fogbank.specs import loader
from fogbank.state import Transaction

__all__ = ["bucket_policies", "install"]

_ARN = "arn:aws:s3:::"


@lru_cache(maxsize=1024)
def _parsed(text: str) -> Policy:
    return parse_policy(text, "resource")


@lru_cache(maxsize=1024)
def _public(text: str) -> bool:
    return is_public_policy(text)


def _split(arn: str) -> tuple[str, str | None] | None:
    if not arn.startswith(_ARN):
        return None
    bucket, _, key = arn[len(_ARN) :].partition("/")
    return (bucket, key if key or "/" in arn[len(_ARN) :] else None) if bucket else None


def _bucket(tx: Transaction, arn: str) -> tuple[dict[str, Any], str | None] | None:
    parts = _split(arn)
    if parts is None:
        return None
    doc = tx.get_doc(SERVICE, BUCKET, "", "", parts[0])
    return (doc, parts[1]) if doc is not None else None


@service.resource_policies
def bucket_policies(ctx: Context, tx: Transaction, arn: str) -> LabelledPolicy | ResourcePolicies | None:
    found = _bucket(tx, arn)
    if found is None:
        return None
    doc, key = found
    statements: list[LabelledPolicy] = []
    text = doc.get("Policy")
    if text:
        outsider = ctx.principal is None or ctx.principal.account != doc["Account"]
        if not (outsider and _public(text) and effective(tx, doc)["RestrictPublicBuckets"]):
            statements.append(LabelledPolicy(f"bucket policy of {doc['Name']}", _parsed(text)))
    acl = acl_policy(ctx, tx, doc, key, ctx.input.get("VersionId"))
    if acl is not None:
        statements.append(acl)
    if not statements:
        return None
    if len(statements) == 1:
        return statements[0]
    return ResourcePolicies(tuple(statements))


def _request_keys(ctx: Context) -> dict[str, object]:
    headers = ctx.request.headers
    query = dict(ctx.request.query_params())
    authorization = headers.get("authorization", "")
    context: dict[str, object] = {}
    if authorization:
        context["s3:authType"] = "REST-HEADER"
        context["s3:signatureversion"] = "AWS4-HMAC-SHA256" if authorization.startswith("AWS4") else "AWS"
    elif "X-Amz-Signature" in query or "Signature" in query:
        context["s3:authType"] = "REST-QUERY-STRING"
        context["s3:signatureversion"] = "AWS4-HMAC-SHA256" if "X-Amz-Signature" in query else "AWS"
    elif ctx.request.method == "POST" and ctx.operation is not None and ctx.operation.name == "PutObject":
        context["s3:authType"] = "POST"
    sha = headers.get("x-amz-content-sha256")
    if sha:
        context["s3:x-amz-content-sha256"] = sha
    return context


def _existing_tags(tx: Transaction, bucket: str, key: str, version_id: str | None) -> dict[str, object]:
    version = get_version(tx, bucket, key, version_id) if version_id else get_latest(tx, bucket, key)
    if version is None:
        return {}
    tags = version.meta.get("TagSet") or []
    return {f"s3:ExistingObjectTag/{t['Key']}": t["Value"] for t in tags}


def _wrap(prior: RequirementsFn | None) -> RequirementsFn:
    def s3_requirements(ctx: Context, params: dict[str, Any]) -> list[Requirement]:
        assert ctx.operation is not None
        needs = (
            prior(ctx, params)
            if prior is not None
            else derived_requirements(ctx, "s3", ctx.operation, params)
        )
        tx = ctx.tx
        if tx is None:
            return needs
        extra = _request_keys(ctx)
        if params.get("VersionId"):
            extra["s3:VersionId"] = str(params["VersionId"])
        out = []
        for need in needs:
            found = _bucket(tx, need.resource)
            account = need.resource_account
            context = {**need.context, **extra}
            if found is not None:
                doc, key = found
                if doc["Account"] != ctx.account and is_shared(doc):
                    account = doc["Account"]
                # Root's requests consult no identity policy: only a bucket policy could use the tags.
                consulted = doc.get("Policy") or ctx.principal is None or ctx.principal.kind != "root"
                tagged = need.action.startswith("s3:GetObject") or need.action in _TAGGED
                if key is not None and tagged and consulted:
                    context.update(_existing_tags(tx, doc["Name"], key or "", params.get("VersionId")))
            out.append(Requirement(need.action, need.resource, context, account))
        return out

    return s3_requirements


# Actions whose condition keys include s3:ExistingObjectTag besides the s3:GetObject* family.
_TAGGED = frozenset(
    {
        "s3:PutObjectTagging",
        "s3:PutObjectVersionTagging",
        "s3:DeleteObjectTagging",
        "s3:DeleteObjectVersionTagging",
        "s3:PutObjectAcl",
        "s3:PutObjectVersionAcl",
    }
)


def install() -> None:
    """Wrap every S3 operation's requirements (after every S3 module registered its own)."""
    operations = loader().load_service_model("s3", "service-2")["operations"]
    for name in operations:
        service.requirements[name] = _wrap(service.requirements.get(name))
