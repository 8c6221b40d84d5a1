"""Temporary credentials: minting them, and the "session" documents that let them authenticate.

Every STS operation that hands out credentials ends here. A session is one document (IAM's store,
kind "session", account "", key the ASIA access key id) with exactly the fields `store.py` lists; the
authenticate stage finds it by key id and the authorize stage reads its session policies, tags and MFA
state from it. Expiry is a timestamp in the document, judged against fogbank's clock when the key is used.

Session policies and tags share AWS's packed budget: AWS compresses the inline policy, the managed policy
ARNs and the session tags into one packed value whose size it reports as a percentage (PackedPolicySize).
fogbank counts the minified policy text, the ARNs and the tags' keys and values against 2,048 characters,
which is the plaintext limit AWS documents for session policies.
"""

from __future__ import annotations

import base64
import json
import math
import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fogbank.context import Context
from fogbank.errors import ServiceError
from fogbank.protocols.validate import Problem, validation_error
from fogbank.services.iam import store
from fogbank.state import Transaction

__all__ = [
    "PACKED_LIMIT",
    "SessionGrant",
    "SessionPolicies",
    "caller_session",
    "check_names",
    "duration",
    "mfa_authenticated_at",
    "mint",
    "session_doc",
    "session_policies",
]

PACKED_LIMIT = 2048
MAX_POLICY_ARNS = 10
_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True, slots=True)
class SessionPolicies:
    """The session policies and tags a request asked for, checked, with their packed size (percent)."""

    policies: tuple[str, ...] = ()
    policy_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    packed_size: int = 0

    def packed_size_member(self) -> dict[str, int]:
        """PackedPolicySize, which AWS answers only when the request passed session policies or tags."""
        if self.policies or self.policy_arns or self.tags:
            return {"PackedPolicySize": self.packed_size}
        return {}


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """Who a new session speaks for and what it carries; `mint` turns it into a stored session."""

    account: str
    arn: str
    user_id: str
    kind: str  # "assumed-role" | "federated-user" | "user" | "root"
    source_arn: str
    session_name: str
    expiration: datetime
    policies: SessionPolicies = SessionPolicies()
    mfa_authenticated_at: datetime | None = None
    source_identity: str | None = None
    external_id: str | None = None


# Names STS checks against the model's pattern as a whole (the parse stage searches patterns unanchored,
# as Smithy defines them; STS itself refuses "no spaces" as a session name).
_ANCHORED = ("RoleSessionName", "SourceIdentity", "ExternalId", "Name", "SerialNumber", "TokenCode")


def check_names(ctx: Context, request: dict[str, Any]) -> None:
    """AWS's ValidationError for a session name, source identity, external id... outside its pattern."""
    assert ctx.operation is not None and ctx.service is not None and ctx.protocol is not None
    shape = ctx.operation.input_shape
    assert shape is not None
    problems = []
    for member in _ANCHORED:
        value = request.get(member)
        pattern = shape.members[member].metadata.get("pattern") if member in shape.members else None
        if isinstance(value, str) and pattern and re.fullmatch(pattern, value, re.ASCII) is None:
            problems.append(Problem((member,), "pattern", value, pattern))
    if problems:
        raise validation_error(ctx.protocol, ctx.service, problems)


def duration(request: dict[str, Any], *, default: int, maximum: int, message: str) -> timedelta:
    """DurationSeconds, defaulted; above `maximum` is AWS's ValidationError with `message`.

    The model's own bounds (900 and the operation's ceiling) are checked by the parse stage.
    """
    seconds = request.get("DurationSeconds", default)
    if seconds > maximum:
        raise ServiceError("ValidationError", message, 400)
    return timedelta(seconds=seconds)


def session_policies(
    request: dict[str, Any], inherited_tags: dict[str, str] | None = None
) -> SessionPolicies:
    """Policy, PolicyArns, Tags and TransitiveTagKeys of a request, validated as AWS validates them."""
    policies: tuple[str, ...] = ()
    packed = 0
    text = request.get("Policy")
    if text is not None:
        from fogbank.policy import PolicyError, parse_policy

        try:
            parse_policy(text, "session")
        except PolicyError as error:
            raise ServiceError("MalformedPolicyDocument", str(error), 400) from error
        policies = (text,)
        packed += len(_minified(text))
    arns = tuple(entry["arn"] for entry in request.get("PolicyArns", []))
    if len(arns) > MAX_POLICY_ARNS:
        raise ServiceError(
            "ValidationError",
            f"1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must "
            f"have length less than or equal to {MAX_POLICY_ARNS}",
            400,
        )
    packed += sum(len(arn) for arn in arns)
    tags = dict(inherited_tags or {})
    for tag in request.get("Tags", []):
        tags[tag["Key"]] = tag["Value"]
    packed += sum(len(key) + len(value) for key, value in tags.items())
    transitive = tuple(request.get("TransitiveTagKeys", []))
    missing = [key for key in transitive if key not in tags]
    if missing:
        raise ServiceError(
            "InvalidParameterValue",
            "The specified transitive tag key must be included in the requested tags.",
            400,
        )
    percent = math.ceil(packed * 100 / PACKED_LIMIT)
    if percent > 100:
        raise ServiceError(
            "PackedPolicyTooLarge",
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy.",
            400,
        )
    return SessionPolicies(policies, arns, tags, transitive, percent)


def _minified(text: str) -> str:
    try:
        return json.dumps(json.loads(text), separators=(",", ":"))
    except ValueError:
        return text


def mint(tx: Transaction, grant: SessionGrant) -> dict[str, Any]:
    """Store a new session for `grant`; returns the Credentials member of the answer."""
    access_key = "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    doc = session_doc(grant)
    tx.put_doc(store.SERVICE, store.SESSION, "", store.REGION, access_key, doc)
    return {
        "AccessKeyId": access_key,
        "SecretAccessKey": doc["SecretAccessKey"],
        "SessionToken": doc["SessionToken"],
        "Expiration": grant.expiration.replace(microsecond=0),
    }


def session_doc(grant: SessionGrant) -> dict[str, Any]:
    policies = grant.policies
    doc: dict[str, Any] = {
        "Account": grant.account,
        "Arn": grant.arn,
        "UserId": grant.user_id,
        "PrincipalKind": grant.kind,
        "SecretAccessKey": "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
        # Real session tokens are long opaque base64 blobs; SDKs only pass them back.
        "SessionToken": base64.b64encode(secrets.token_bytes(264)).decode(),
        "Expiration": grant.expiration.replace(microsecond=0).isoformat(),
        "SourceArn": grant.source_arn,
        "SessionName": grant.session_name,
        "SessionPolicies": list(policies.policies),
        "SessionPolicyArns": list(policies.policy_arns),
        "SessionTags": policies.tags,
        "TransitiveTagKeys": list(policies.transitive_tag_keys),
        "MfaAuthenticated": grant.mfa_authenticated_at is not None,
    }
    if grant.mfa_authenticated_at is not None:
        doc["MfaAuthenticatedAt"] = grant.mfa_authenticated_at.replace(microsecond=0).isoformat()
    if grant.source_identity is not None:
        doc["SourceIdentity"] = grant.source_identity
    if grant.external_id is not None:
        doc["ExternalId"] = grant.external_id
    return doc


def mfa_authenticated_at(ctx: Context, request: dict[str, Any]) -> datetime | None:
    """When the request proves MFA (SerialNumber and TokenCode), now; None when it does not try.

    A wrong code fails the whole request, as AWS does, whether or not any policy asks for MFA.
    """
    serial, code = request.get("SerialNumber"), request.get("TokenCode")
    if serial is None and code is None:
        return None
    if serial is None or code is None:
        raise ServiceError(
            "AccessDenied",
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
            403,
        )
    from fogbank.services.iam.mfa import verify_mfa_code

    tx, principal = ctx.tx, ctx.principal
    assert tx is not None and principal is not None
    now = ctx.clock.now()
    if not _owns_device(tx, principal.kind, principal.user_id, serial) or not verify_mfa_code(
        tx, serial, code, now
    ):
        raise ServiceError(
            "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403
        )
    return now


def _owns_device(tx: Transaction, kind: str, user_id: str, serial: str) -> bool:
    """An IAM user may only prove MFA with a device assigned to itself."""
    if kind != "user":
        return True
    parts = serial.split(":")
    account = parts[4] if len(parts) == 6 else ""
    device = tx.get_doc(store.SERVICE, store.MFA_DEVICE, account, store.REGION, serial)
    return device is not None and device.get("UserId") == user_id


def caller_session(tx: Transaction, access_key: str | None) -> dict[str, Any] | None:
    """The session document behind the calling key, when the caller uses temporary credentials."""
    if access_key is None or not access_key.startswith("ASIA"):
        return None
    return tx.get_doc(store.SERVICE, store.SESSION, "", store.REGION, access_key)
