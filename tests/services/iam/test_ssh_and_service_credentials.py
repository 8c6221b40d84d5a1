"""SSH public keys and service-specific credentials of IAM users, through boto3."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

ACCOUNT = "610000000001"


def _iam(client: Any) -> Any:
    return client("iam", aws_access_key_id=ACCOUNT, aws_secret_access_key="x")


def _user(iam: Any) -> str:
    name = "creds-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    return name


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _rsa(bits: int = 2048) -> rsa.RSAPublicKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()


def _openssh(key: Any) -> str:
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def _pem(key: Any) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_ssh_public_key_lifecycle(client: Any) -> None:
    iam = _iam(client)
    name = _user(iam)
    key = _rsa()
    openssh = _openssh(key)
    uploaded = iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=openssh + " me@laptop")[
        "SSHPublicKey"
    ]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and uploaded["Status"] == "Active" and uploaded["UserName"] == name
    digest = hashlib.md5(base64.b64decode(openssh.split()[1])).hexdigest()
    assert uploaded["Fingerprint"] == ":".join(digest[i : i + 2] for i in range(0, 32, 2))

    ssh = iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert ssh["SSHPublicKeyBody"] == openssh and ssh["Fingerprint"] == uploaded["Fingerprint"]
    pem = iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert pem["SSHPublicKeyBody"].strip() == _pem(key).strip()

    with pytest.raises(ClientError) as error:
        iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=_pem(key))  # the same key, as PEM
    assert _code(error) == "DuplicateSSHPublicKey"

    iam.update_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Status="Inactive")
    listed = iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"]
    assert [(k["SSHPublicKeyId"], k["Status"]) for k in listed] == [(key_id, "Inactive")]

    with pytest.raises(ClientError) as error:
        iam.delete_user(UserName=name)
    assert _code(error) == "DeleteConflict"
    iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=key_id)
    with pytest.raises(ClientError) as error:
        iam.get_ssh_public_key(UserName=name, SSHPublicKeyId=key_id, Encoding="SSH")
    assert _code(error) == "NoSuchEntity"
    assert iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"] == []
    iam.delete_user(UserName=name)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (lambda: _openssh(_rsa(1024)), "InvalidPublicKey"),
        (lambda: "ssh-rsa AAAAnotakey", "InvalidPublicKey"),
        (
            lambda: _openssh(ed25519.Ed25519PrivateKey.generate().public_key()),
            "UnrecognizedPublicKeyEncoding",
        ),
        (lambda: "not a key at all", "UnrecognizedPublicKeyEncoding"),
    ],
)
def test_ssh_public_keys_aws_refuses(client: Any, body: Any, code: str) -> None:
    iam = _iam(client)
    with pytest.raises(ClientError) as error:
        iam.upload_ssh_public_key(UserName=_user(iam), SSHPublicKeyBody=body())
    assert _code(error) == code


def test_at_most_five_ssh_keys_listed_in_upload_order(client: Any) -> None:
    iam = _iam(client)
    name = _user(iam)
    keys = [_rsa() for _ in range(6)]
    ids = [
        iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=_openssh(k))["SSHPublicKey"][
            "SSHPublicKeyId"
        ]
        for k in keys[:5]
    ]
    with pytest.raises(ClientError) as error:
        iam.upload_ssh_public_key(UserName=name, SSHPublicKeyBody=_openssh(keys[5]))
    assert _code(error) == "LimitExceeded"
    first = iam.list_ssh_public_keys(UserName=name, MaxItems=3)
    rest = iam.list_ssh_public_keys(UserName=name, Marker=first["Marker"])
    listed = [k["SSHPublicKeyId"] for k in first["SSHPublicKeys"] + rest["SSHPublicKeys"]]
    assert sorted(listed) == sorted(ids) and len(listed) == 5


def test_ssh_key_of_unknown_user(client: Any) -> None:
    with pytest.raises(ClientError) as error:
        _iam(client).list_ssh_public_keys(UserName="nobody-" + uuid.uuid4().hex[:8])
    assert _code(error) == "NoSuchEntity"


def test_service_specific_credential_lifecycle(client: Any) -> None:
    iam = _iam(client)
    name = _user(iam)
    created = iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    credential = created["ServiceSpecificCredential"]
    credential_id = credential["ServiceSpecificCredentialId"]
    assert credential_id.startswith("ACCA") and credential["Status"] == "Active"
    assert credential["ServiceUserName"] == f"{name}-at-{ACCOUNT}" and credential["UserName"] == name
    assert len(credential["ServicePassword"]) >= 40

    second = iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    with pytest.raises(ClientError) as error:
        iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    assert _code(error) == "LimitExceeded"
    keyspaces = iam.create_service_specific_credential(UserName=name, ServiceName="cassandra.amazonaws.com")

    listed = iam.list_service_specific_credentials(UserName=name)["ServiceSpecificCredentials"]
    assert {c["ServiceSpecificCredentialId"] for c in listed} == {
        credential_id,
        second["ServiceSpecificCredential"]["ServiceSpecificCredentialId"],
        keyspaces["ServiceSpecificCredential"]["ServiceSpecificCredentialId"],
    }
    assert all("ServicePassword" not in c for c in listed)
    only = iam.list_service_specific_credentials(UserName=name, ServiceName="cassandra.amazonaws.com")
    assert [c["ServiceName"] for c in only["ServiceSpecificCredentials"]] == ["cassandra.amazonaws.com"]

    reset = iam.reset_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id)
    assert reset["ServiceSpecificCredential"]["ServicePassword"] != credential["ServicePassword"]
    iam.update_service_specific_credential(
        UserName=name, ServiceSpecificCredentialId=credential_id, Status="Inactive"
    )
    statuses = {
        c["ServiceSpecificCredentialId"]: c["Status"]
        for c in iam.list_service_specific_credentials(UserName=name)["ServiceSpecificCredentials"]
    }
    assert statuses[credential_id] == "Inactive"

    with pytest.raises(ClientError) as error:
        iam.delete_user(UserName=name)
    assert _code(error) == "DeleteConflict"
    iam.delete_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id)
    with pytest.raises(ClientError) as error:
        iam.reset_service_specific_credential(UserName=name, ServiceSpecificCredentialId=credential_id)
    assert _code(error) == "NoSuchEntity"


def test_service_specific_credentials_of_all_users(client: Any) -> None:
    iam = client("iam", aws_access_key_id="610000000002", aws_secret_access_key="x")
    names = [_user(iam), _user(iam)]
    for name in names:
        iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    listed = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert sorted(c["UserName"] for c in listed) == sorted(names)


def test_unsupported_service_is_refused(client: Any) -> None:
    iam = _iam(client)
    with pytest.raises(ClientError) as error:
        iam.create_service_specific_credential(UserName=_user(iam), ServiceName="s3.amazonaws.com")
    assert _code(error) == "NotSupportedService"
