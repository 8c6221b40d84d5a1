"""IAM: users, groups, roles, policies, credentials and identity providers. IAM is global: its resources
live in region "" of their account."""

from __future__ import annotations

from fogbank.services import Service

__all__ = ["service"]

service = Service("iam")

# Each module registers its handlers on `service` when imported, so they are imported after it exists.
from fogbank.services.iam import (  # noqa: E402,F401
    access_keys,
    account,
    account_details,
    attachments,
    credential_report,
    groups,
    inline,
    instance_profiles,
    last_accessed,
    login_profiles,
    mfa,
    oidc_providers,
    password_policy,
    policies,
    policy_versions,
    roles,
    saml_providers,
    service_credentials,
    simulate,
    ssh_keys,
    users,
)
