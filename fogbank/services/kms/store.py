"""How KMS's resources are kept: the one place that names their document kinds and fields.

Keys, aliases and grants are documents of service "kms" in the key's account and region. Key
material is secret: it is stored wrapped (AES-256-GCM) under the data directory's master key, never
in the clear (see `material.py`), and never leaves fogbank except as the plaintext of a data key or
a public key.

    kind "key"    key KeyId (a UUID)
        KeyMetadata as DescribeKey returns it (AWSAccountId, KeyId, Arn, CreationDate, Enabled,
        Description, KeyUsage, KeyState, DeletionDate?, ValidTo?, Origin, KeyManager (CUSTOMER|AWS),
        CustomerMasterKeySpec, KeySpec, EncryptionAlgorithms?, SigningAlgorithms?, MacAlgorithms?,
        MultiRegion False, PendingDeletionWindowInDays?, ExpirationModel? (imported material)), plus
        Policy (text; the default key policy when none was given), Tags [{TagKey, TagValue}],
        Material [{Version (int, from 1), Wrapped (base64), CreatedAt, Kind ("AWS_KMS"|"EXTERNAL"),
                   PublicKey? (base64 DER SubjectPublicKeyInfo, asymmetric keys)}] — the newest is used
                   for new ciphertexts; every version stays so old ciphertexts decrypt,
        Rotation {Enabled, RotationPeriodInDays, NextRotationDate?, Rotations [{RotationDate, RotationType
                  (AUTOMATIC|ON_DEMAND)}]},
        Import {WrappingAlgorithm, WrappingKeySpec, WrappingKeyWrapped, ImportToken, ValidUntil,
                ExpirationModel, MaterialDigest (to allow re-import of the same material only)}?
    kind "alias"  key AliasName ("alias/…")
        AliasName, AliasArn, TargetKeyId, CreationDate, LastUpdatedDate
    kind "grant"  key GrantId
        KeyId, GrantId, Name?, CreationDate, GranteePrincipal, RetiringPrincipal?, IssuingAccount,
        Operations [..], Constraints {EncryptionContextSubset|EncryptionContextEquals}?, GrantToken

AWS managed keys (alias/aws/s3, alias/aws/ebs, …) are "key" documents with KeyManager "AWS", made on a
service's first use by `managed_key(tx, account, region, service)`.

Timed work (rotation, deletion at DeletionDate, imported material expiry at ValidTo) is scheduled with
fogbank.scheduler jobs of kinds "kms.rotate", "kms.delete", "kms.expire-material", keyed by key ARN,
and also checked on read (a key whose DeletionDate has passed is gone even before its job runs).
"""

from __future__ import annotations

__all__ = ["SERVICE", "KEY", "ALIAS", "GRANT"]

SERVICE = "kms"
KEY = "key"
ALIAS = "alias"
GRANT = "grant"
