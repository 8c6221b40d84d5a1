"""KMS keys' lifecycle through boto3: create, describe, list, enable/disable, aliases, tags, managed keys."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]


def test_create_key_metadata_and_default_policy(client: Any) -> None:
    kms = client("kms")
    created = kms.create_key(Description="orders", Tags=[{"TagKey": "team", "TagValue": "shop"}])[
        "KeyMetadata"
    ]
    assert created["KeyState"] == "Enabled" and created["Enabled"] is True
    assert created["KeySpec"] == created["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert created["KeyUsage"] == "ENCRYPT_DECRYPT" and created["EncryptionAlgorithms"] == [
        "SYMMETRIC_DEFAULT"
    ]
    assert (
        created["Origin"] == "AWS_KMS"
        and created["KeyManager"] == "CUSTOMER"
        and created["MultiRegion"] is False
    )
    assert created["Arn"] == f"arn:aws:kms:us-east-1:000000000000:key/{created['KeyId']}"
    described = kms.describe_key(KeyId=created["Arn"])["KeyMetadata"]
    assert described == created
    keys = kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1})
    assert created["KeyId"] in [k["KeyId"] for page in keys for k in page["Keys"]]
    assert kms.list_resource_tags(KeyId=created["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "shop"}]


def test_key_spec_and_usage_must_agree(client: Any) -> None:
    kms = client("kms")
    assert error_of(kms.create_key, KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT")["Code"] == (
        "ValidationException"
    )
    assert error_of(kms.create_key, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048")["Code"] == (
        "ValidationException"
    )
    assert error_of(kms.create_key, Policy="{not json")["Code"] == "MalformedPolicyDocumentException"


def test_disabled_key_refuses_use_and_comes_back(client: Any) -> None:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    error = error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert error == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_unknown_keys(client: Any) -> None:
    kms = client("kms")
    missing = "11111111-2222-3333-4444-555555555555"
    error = error_of(kms.describe_key, KeyId=missing)
    assert error["Code"] == "NotFoundException"
    assert error["Message"] == f"Key 'arn:aws:kms:us-east-1:000000000000:key/{missing}' does not exist"
    assert error_of(kms.describe_key, KeyId="alias/nothing-here")["Code"] == "NotFoundException"


def test_aliases_rules_and_manual_rotation(client: Any) -> None:
    kms = client("kms")
    first = kms.create_key()["KeyMetadata"]
    second = kms.create_key()["KeyMetadata"]
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms.create_alias(AliasName="alias/app-data", TargetKeyId=first["KeyId"])
    assert kms.describe_key(KeyId="alias/app-data")["KeyMetadata"]["KeyId"] == first["KeyId"]
    alias_arn = "arn:aws:kms:us-east-1:000000000000:alias/app-data"
    assert kms.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"] == first["KeyId"]
    old = kms.encrypt(KeyId="alias/app-data", Plaintext=b"before")["CiphertextBlob"]
    assert error_of(kms.create_alias, AliasName="alias/app-data", TargetKeyId=second["KeyId"])["Code"] == (
        "AlreadyExistsException"
    )
    assert error_of(kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=first["KeyId"])["Code"] == (
        "NotAuthorizedException"
    )
    assert error_of(kms.create_alias, AliasName="no-prefix", TargetKeyId=first["KeyId"])["Code"] == (
        "ValidationException"
    )
    assert error_of(kms.create_alias, AliasName="alias/bad name!", TargetKeyId=first["KeyId"])["Code"] == (
        "ValidationException"
    )
    # The manual rotation pattern: the alias moves to a new key; old ciphertexts name the old key.
    kms.update_alias(AliasName="alias/app-data", TargetKeyId=second["KeyId"])
    assert kms.encrypt(KeyId="alias/app-data", Plaintext=b"after")["KeyId"] == second["Arn"]
    assert kms.decrypt(CiphertextBlob=old)["KeyId"] == first["Arn"]
    assert error_of(kms.update_alias, AliasName="alias/app-data", TargetKeyId=signing["KeyId"])["Code"] == (
        "ValidationException"
    )
    listed = kms.list_aliases(KeyId=second["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in listed] == ["alias/app-data"] and listed[0]["AliasArn"] == alias_arn
    pages = kms.get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 5})
    everything = [a["AliasName"] for page in pages for a in page["Aliases"]]
    assert "alias/aws/s3" in everything and "alias/app-data" in everything
    kms.delete_alias(AliasName="alias/app-data")
    assert error_of(kms.delete_alias, AliasName="alias/app-data")["Code"] == "NotFoundException"


def test_tags_and_description(client: Any) -> None:
    kms = client("kms")
    key_id = kms.create_key(Description="first")["KeyMetadata"]["KeyId"]
    kms.update_key_description(KeyId=key_id, Description="second")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "second"
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "1"}, {"TagKey": "b", "TagValue": "2"}])
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "3"}])
    kms.untag_resource(KeyId=key_id, TagKeys=["b"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "a", "TagValue": "3"}]
    error = error_of(kms.tag_resource, KeyId=key_id, Tags=[{"TagKey": "aws:x", "TagValue": "1"}])
    assert error["Code"] == "TagException"


def test_aws_managed_key_is_made_on_first_use_and_not_customer_managed(client: Any) -> None:
    kms = client("kms", region_name="eu-west-1")
    managed = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS" and managed["KeyState"] == "Enabled"
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyId"] == managed["KeyId"]
    [alias] = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/ebs"]
    assert alias["TargetKeyId"] == managed["KeyId"]
    for call, kwargs in (
        (kms.disable_key, {}),
        (kms.schedule_key_deletion, {"PendingWindowInDays": 7}),
        (kms.tag_resource, {"Tags": [{"TagKey": "a", "TagValue": "b"}]}),
    ):
        assert error_of(call, KeyId=managed["KeyId"], **kwargs)["Code"] == "AccessDeniedException"
    # The key policy of an AWS managed key refuses it first; the alias/aws/ rule refuses it as well.
    refused = error_of(kms.delete_alias, AliasName="alias/aws/ebs")["Code"]
    assert refused in ("AccessDeniedException", "NotAuthorizedException")
    assert kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyId"] == managed["KeyId"]
