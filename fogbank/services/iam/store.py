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
        LastUsed {LastUsedDate, ServiceName, Region}?, PrincipalKind? ("root" for a root access key:
        UserId the account id, Arn the root ARN, no UserName; absent for a user's key)
    kind "deleted-access-key"    key AccessKeyId: a tombstone {Account}, so a deleted key stays refused
    kind "session"       key AccessKeyId (ASIA…)
        Account, Arn (the session's ARN), UserId (AROA…:name or account:name), PrincipalKind
        ("assumed-role" | "federated-user" | "user" or "root" for GetSessionToken), SecretAccessKey,
        SessionToken, Expiration, SourceArn (the role or user it came from), SessionName,
        SessionPolicies [text…], SessionPolicyArns [ARN…], SessionTags {Key: Value}, TransitiveTagKeys [..],
        MfaAuthenticated, MfaAuthenticatedAt?, SourceIdentity?, ExternalId?

A user's other credentials live in its account, keyed by its UserId (stable when the user is renamed);
the user's name is read from the user document:

    kind "login-profile"  key UserId
        UserId, CreateDate, PasswordHash ("scrypt$n$r$p$salt$hash", hex), PasswordLastChanged,
        PasswordResetRequired, PreviousPasswordHashes [hash…] (newest first, for reuse prevention)
    kind "password-policy"  key "default"
        MinimumPasswordLength, RequireSymbols, RequireNumbers, RequireUppercaseCharacters,
        RequireLowercaseCharacters, AllowUsersToChangePassword, MaxPasswordAge?, PasswordReusePrevention?,
        HardExpiry?
    kind "mfa-device"     key SerialNumber (arn:aws:iam::ACCOUNT:mfa{Path}{Name})
        SerialNumber, Path, Name, Seed (base32), CreateDate, Tags, UserId? and EnableDate? (while
        assigned), LastStep? (the last TOTP time step accepted: a code is good once)
    kind "ssh-key"        key UserId "/" SSHPublicKeyId (APKA…)
        UserId, SSHPublicKeyId, Fingerprint (MD5, colon hex), SSHPublicKeyBody, Status, UploadDate
    kind "service-credential"  key UserId "/" ServiceSpecificCredentialId (ACCA…)
        UserId, ServiceSpecificCredentialId, ServiceName, ServiceUserName ("{user}-at-{account}"),
        PasswordHash, Status, CreateDate
    kind "oidc-provider"  key the URL without its scheme (host/path)
        Arn, Url, ClientIDList, ThumbprintList, CreateDate, Tags
    kind "saml-provider"  key Name
        Arn, Name, SAMLProviderUUID, SAMLMetadataDocument, Certificates [base64 DER…] (signing
        certificates of the IdP), ValidUntil, CreateDate, Tags
    kind "credential-report"  key "current"
        GeneratedTime, Content (CSV text), RootCreationTime (the root row's user_creation_time)
    kind "service-access"  key entity "|" service prefix, the entity "user/NAME" or "role/NAME" (lower)
        EntityArn, ServiceNamespace, LastAuthenticated, Region, Actions {action: {Time, Region}}
    kind "last-accessed-job"  key JobId
        Arn, Granularity, JobType, JobCreationDate, JobCompletionDate, Services [ServiceLastAccessed…],
        Entities {namespace: [EntityDetails…]}

An alias names one account among all accounts, so aliases live in account "" too (at most one per account):

    kind "account-alias"  key AccountAlias
        AccountAlias, Account

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
    "DELETED_ACCESS_KEY",
    "LOGIN_PROFILE",
    "PASSWORD_POLICY",
    "MFA_DEVICE",
    "SSH_KEY",
    "SERVICE_CREDENTIAL",
    "OIDC_PROVIDER",
    "SAML_PROVIDER",
    "CREDENTIAL_REPORT",
    "SERVICE_ACCESS",
    "LAST_ACCESSED_JOB",
    "ACCOUNT_ALIAS",
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
DELETED_ACCESS_KEY = "deleted-access-key"
LOGIN_PROFILE = "login-profile"
PASSWORD_POLICY = "password-policy"
MFA_DEVICE = "mfa-device"
SSH_KEY = "ssh-key"
SERVICE_CREDENTIAL = "service-credential"
OIDC_PROVIDER = "oidc-provider"
SAML_PROVIDER = "saml-provider"
CREDENTIAL_REPORT = "credential-report"
SERVICE_ACCESS = "service-access"
LAST_ACCESSED_JOB = "last-accessed-job"
ACCOUNT_ALIAS = "account-alias"
