"""A role's trust policy: finding the role behind a RoleArn, and asking the policy engine whether it trusts.

The trust policy is the role's resource-based policy. The authorize stage asks for it (`resource_policy`)
whenever a principal calls sts:AssumeRole… and combines it with the caller's identity policies, as AWS
does. The engine's general rules do not make a resource policy mandatory in the caller's own account, and
let the root user of the account do anything not denied; a role, though, only trusts the principals its
trust policy names. So the handlers also ask `require_trust`, which judges the trust policy alone: every
caller of AssumeRole, and the unsigned federated callers (AssumeRoleWithWebIdentity, AssumeRoleWithSAML),
for whom the trust policy is the only policy there is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fogbank.errors import ServiceError
from fogbank.services.iam import store
from fogbank.state import Transaction

if TYPE_CHECKING:
    from fogbank.context import Context
    from fogbank.policy import Decision, LabelledPolicy, PrincipalContext

__all__ = [
    "ROLE_ARN",
    "find_role",
    "not_authorized",
    "require_trust",
    "resource_policy",
    "trust_policy",
]

ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role(/(?:[\x21-\x7e]*/)?)([\w+=,.@-]{1,64})$")


def find_role(tx: Transaction, role_arn: str) -> dict[str, Any] | None:
    """The role document a RoleArn names (in the ARN's account, so cross-account works); path must match."""
    match = ROLE_ARN.match(role_arn)
    if match is None:
        return None
    account, path, name = match.groups()
    doc = tx.get_doc(store.SERVICE, store.ROLE, account, store.REGION, name.lower())
    if doc is None or doc.get("Path", "/") != path:
        return None
    return doc


def trust_policy(role: Mapping[str, Any]) -> LabelledPolicy:
    from fogbank.policy import LabelledPolicy, parse_policy

    return LabelledPolicy(
        f"trust policy of role/{role['RoleName']}", parse_policy(role["AssumeRolePolicyDocument"], "trust")
    )


def resource_policy(ctx: Context, tx: Transaction, resource_arn: str) -> LabelledPolicy | None:
    """The trust policy of the role `resource_arn` names, for the authorize stage; None for anything else."""
    role = find_role(tx, resource_arn)
    return trust_policy(role) if role is not None else None


def require_trust(
    role: Mapping[str, Any],
    who: PrincipalContext,
    action: str,
    context: Mapping[str, object],
    denied: ServiceError | None = None,
) -> Decision:
    """Evaluate the role's trust policy alone for `who` doing `action`; raise `denied` unless it allows.

    `denied` defaults to AWS's "User: … is not authorized to perform" AccessDenied.

    The caller is judged as a principal of another account holding every permission in its own: the
    trust policy is then the only policy that can allow, and an explicit deny anywhere still wins. That
    is AWS's rule for the principals this is used for (root users, federated users).
    """
    from fogbank.policy import AuthzRequest, LabelledPolicy, PolicySet, evaluate, parse_policy

    role_arn = str(role["Arn"])
    own = LabelledPolicy(
        f"{who.arn} (its own account's permissions)",
        parse_policy(_ALLOW_ACTION.replace("ACTION", action), "identity"),
    )
    request = AuthzRequest(
        principal=who,
        action=action,
        resource=role_arn,
        resource_account=_OUTSIDE_ACCOUNT,
        context={**context, "aws:ResourceAccount": role_arn.split(":")[4]},
    )
    decision = evaluate(request, PolicySet(identity=(own,), resource=(trust_policy(role),)))
    if not decision.allowed:
        raise denied or not_authorized(who.arn, action, role_arn)
    return decision


# The engine's cross-account rule (identity AND resource policy must allow) is exactly "the trust policy
# decides" once the caller's side allows the action; an account id no principal has makes every caller
# cross-account, so the root user's own-account shortcut does not apply.
_OUTSIDE_ACCOUNT = "outside"
_ALLOW_ACTION = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ACTION","Resource":"*"}]}'


def not_authorized(principal_arn: str, action: str, resource: str) -> ServiceError:
    return ServiceError(
        "AccessDenied",
        f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}",
        403,
    )
