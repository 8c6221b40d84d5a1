"""What SES's send operations and SendBounce need authorized: the action on the sending identity's ARN.

AWS authorizes a send against the identity that verifies the From address (the address itself, else its
domain) or the identity the request names by ARN (SourceArn, FromEmailAddressIdentityArn: sending
authorization, where another account's identity policy lets the caller send), and against the
configuration set when one is named; the derived default (resource "*") would make a policy naming an
identity ARN useless. v1 and v2 register the same rule; the identity's policies (identity_policies.py)
are its resource policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.policy.actions import Requirement
from fogbank.services.ses import service, store
from fogbank.services.ses.compose import address_of, envelope_of

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.services import RequirementsFn

__all__ = ["send_requirements"]


def _source(request: dict[str, Any]) -> str | None:
    for member in ("Source", "FromEmailAddress", "BounceSender"):
        if request.get(member):
            return address_of(request[member])
    raw = request.get("RawMessage", request.get("Content", {}).get("Raw", {})).get("Data")
    if isinstance(raw, bytes):
        return envelope_of(raw)[0] or None
    return None


# Members that name the sending identity by ARN (sending authorization: maybe another account's).
_IDENTITY_ARN_MEMBERS = ("SourceArn", "FromArn", "FromEmailAddressIdentityArn", "BounceSenderArn")


def send_requirements(action: str) -> RequirementsFn:
    def requirements(ctx: Context, request: dict[str, Any]) -> list[Requirement]:
        source = _source(request)
        context: dict[str, object] = {"ses:FromAddress": source} if source else {}
        if source is None:
            return [Requirement(action, "*", context)]
        named = next((request[m] for m in _IDENTITY_ARN_MEMBERS if request.get(m)), None)
        ref = store.parse_identity_arn(named) if named else None
        if ref is not None:
            found = [
                Requirement(action, ref.arn, context, ref.account if ref.account != ctx.account else None)
            ]
        else:
            identity = store.verified_identity_for(ctx, source)
            name = identity["name"] if identity is not None else source
            found = [Requirement(action, store.identity_arn(ctx, name), context)]
        if request.get("ConfigurationSetName"):
            arn = (
                f"arn:aws:ses:{ctx.region}:{ctx.account}:configuration-set/{request['ConfigurationSetName']}"
            )
            found.append(Requirement(action, arn, context))
        return found

    return requirements


for _operation, _action in {
    "SendEmail": "ses:SendEmail",
    "SendRawEmail": "ses:SendRawEmail",
    "SendTemplatedEmail": "ses:SendTemplatedEmail",
    "SendBulkTemplatedEmail": "ses:SendBulkTemplatedEmail",
    "SendBounce": "ses:SendBounce",
}.items():
    service.authorize(_operation)(send_requirements(_action))
