"""SSE-KMS: data keys from fogbank's KMS under the caller's identity, the AWS managed key alias/aws/s3,
bucket keys, and kms:Decrypt decided by the key policy and grants on every GET."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.scenarios.iam_helpers import client_for, policy, user_with_policies
from tests.server import FogbankServer


def _bucket(s3: Any) -> str:
    name = "ssekms-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def test_customer_key_round_trip(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    kms = client_for(server, "kms", account, "x")
    key = kms.create_key()["KeyMetadata"]
    bucket = _bucket(s3)
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=b"secret bytes", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"] == key["Arn"]
    context = json.loads(base64.b64decode(put["SSEKMSEncryptionContext"]))
    assert context == {"aws:s3:arn": f"arn:aws:s3:::{bucket}/k"}
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["SSEKMSKeyId"] == key["Arn"]
    assert got["Body"].read() == b"secret bytes"
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])


def test_default_key_is_the_aws_managed_alias(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    kms = client_for(server, "kms", account, "x")
    bucket = _bucket(s3)
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"managed", ServerSideEncryption="aws:kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    assert put["SSEKMSKeyId"] == managed["Arn"]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"managed"


def test_bucket_default_kms_with_bucket_key(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    kms = client_for(server, "kms", account, "x")
    key = kms.create_key()["KeyMetadata"]
    bucket = _bucket(s3)
    rule = {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
        "BucketKeyEnabled": True,
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"by default")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]) == (
        "aws:kms",
        key["Arn"],
        True,
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"by default"


def test_unknown_key_is_refused(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    bucket = _bucket(s3)
    with pytest.raises(ClientError) as error:
        s3.put_object(
            Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=str(uuid.uuid4())
        )
    assert error.value.response["Error"]["Code"] == "KMS.NotFoundException"


def test_disabled_key_fails_the_read(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    kms = client_for(server, "kms", account, "x")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    bucket = _bucket(s3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    kms.disable_key(KeyId=key)
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k")
    assert error.value.response["Error"]["Code"] == "KMS.DisabledException"


def test_get_needs_kms_decrypt_and_a_grant_gives_it(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    kms = client_for(server, "kms", account, "x")
    key = kms.create_key()["KeyMetadata"]
    bucket = _bucket(s3)
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"for readers", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    s3.put_object(Bucket=bucket, Key="plain", Body=b"anyone")
    reader, _ = user_with_policies(
        server,
        account,
        "reader",
        inline={"s3": policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
    )
    user_s3 = reader("s3")
    assert user_s3.get_object(Bucket=bucket, Key="plain")["Body"].read() == b"anyone"
    with pytest.raises(ClientError) as error:
        user_s3.get_object(Bucket=bucket, Key="k")
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    assert "kms:Decrypt" in error.value.response["Error"]["Message"]
    kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{account}:user/reader", Operations=["Decrypt"]
    )
    assert user_s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"for readers"


def test_put_needs_kms_generate_data_key(server: FogbankServer, account: str) -> None:
    kms = client_for(server, "kms", account, "x")
    key = kms.create_key()["KeyMetadata"]
    bucket = _bucket(client_for(server, "s3", account, "x"))
    writer, _ = user_with_policies(
        server,
        account,
        "writer",
        inline={"s3": policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})},
    )
    with pytest.raises(ClientError) as error:
        writer("s3").put_object(
            Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
        )
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    assert "kms:GenerateDataKey" in error.value.response["Error"]["Message"]


def test_sse_kms_etag_is_not_the_md5_of_the_data(server: FogbankServer, account: str) -> None:
    s3 = client_for(server, "s3", account, "x")
    bucket = _bucket(s3)
    # AWS: objects encrypted by SSE-KMS or SSE-C have ETags that are not an MD5 digest of their data;
    # SSE-S3 objects' ETags are.
    body = b"etag under kms"
    md5 = f'"{hashlib.md5(body).hexdigest()}"'
    kms_etag = s3.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="aws:kms")["ETag"]
    assert kms_etag != md5 and len(kms_etag) == 34
    assert s3.head_object(Bucket=bucket, Key="k")["ETag"] == kms_etag
    assert s3.put_object(Bucket=bucket, Key="s", Body=body)["ETag"] == md5
    # A copy re-encrypted under SSE-S3 shows the MD5 again; one under SSE-KMS does not.
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "k"})
    assert copied["CopyObjectResult"]["ETag"] == md5
    back = s3.copy_object(
        Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "s"}, ServerSideEncryption="aws:kms"
    )
    assert back["CopyObjectResult"]["ETag"] not in (md5, kms_etag)
    read = s3.get_object(Bucket=bucket, Key="d", IfMatch=back["CopyObjectResult"]["ETag"])
    assert read["Body"].read() == body
