"""How IAM's resources are kept: the one place that names their document kinds and fields.

IAM is global: every document lives in region "" of its account, under service "iam". Names are
unique case-insensitively, so a document's key is the lower-cased name; the document keeps the name
as the caller spelled it. Timestamps are ISO 8601 strings (UTC, seconds). Policy documents are kept as
the JSON text the caller sent (AWS returns them URL-encoded; the codec's caller encodes on output).

    kind "user"      key lower(UserName)
        Path, UserName, UserId (AIDA…), Arn, CreateDate, Tags [{Key, Value}], PermissionsBoundary
        ({PermissionsBoundaryType, PermissionsBoundaryArn}) | absent, Groups [GroupName…],
        AttachedPolicies [policy ARN…], InlinePolicies {PolicyName: document text}, PasswordLastUsed?
    kind "group"     key lower(GroupName)
        Path, GroupName, GroupId (AGPA…), Arn, CreateDate, AttachedPolicies, InlinePolicies
        (membership is kept on the user: its Groups list)
    kind "role"      key lower(RoleName)
        Path, RoleName, RoleId (AROA…), Arn, CreateDate, AssumeRolePolicyDocument (text), Description,
        MaxSessionDuration (seconds, 3600–43200), Tags, PermissionsBoundary, AttachedPolicies,
        InlinePolicies, RoleLastUsed {LastUsedDate, Region}?
    kind "instance-profile"  key lower(InstanceProfileName)
        Path, InstanceProfileName, InstanceProfileId (AIPA…), Arn, CreateDate, Roles [RoleName…], Tags
    kind "policy"    key lower(PolicyName)            (customer managed policies)
        PolicyName, PolicyId (ANPA…), Arn, Path, Description, CreateDate, UpdateDate, DefaultVersionId,
        Tags, Versions {VersionId: {Document (text), CreateDate}}, NextVersion (int)
        (attachment counts are computed from the users', groups' and roles' AttachedPolicies)

Access keys and temporary credentials are looked up by key id alone, so they live in account "":

    kind "access-key"    key AccessKeyId (AKIA…)
        Account, UserName, UserId, Arn, SecretAccessKey, Status (Active|Inactive), CreateDate,
        LastUsed {LastUsedDate, ServiceName, Region}?
    kind "session"       key AccessKeyId (ASIA…)
        Account, Arn (the session's ARN), UserId (AROA…:name or account:name), PrincipalKind
        ("assumed-role" | "federated-user" | "user" for GetSessionToken), SecretAccessKey, SessionToken,
        Expiration, SourceArn (the role or user it came from), SessionName, SessionPolicies [text…],
        SessionPolicyArns [ARN…], SessionTags {Key: Value}, TransitiveTagKeys [..], MfaAuthenticated,
        MfaAuthenticatedAt?, SourceIdentity?, ExternalId?

AWS managed policies are not stored: they come from `managed.py` under account "aws".
"""

from __future__ import annotations

__all__ = [
    "SERVICE",
    "REGION",
    "USER",
    "GROUP",
    "ROLE",
    "INSTANCE_PROFILE",
    "POLICY",
    "ACCESS_KEY",
    "SESSION",
]

SERVICE = "iam"
REGION = ""
USER = "user"
GROUP = "group"
ROLE = "role"
INSTANCE_PROFILE = "instance-profile"
POLICY = "policy"
ACCESS_KEY = "access-key"
SESSION = "session"
