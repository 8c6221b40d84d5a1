"""Virtual MFA devices through boto3: codes from the returned seed against fogbank's clock."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.server import FogbankServer


def _now(server: FogbankServer) -> datetime:
    with urllib.request.urlopen(server.endpoint + "/_fogbank/clock") as r:
        return datetime.fromisoformat(json.loads(r.read())["now"].replace("Z", "+00:00"))


def test_create_enable_list_deactivate_delete(client: Any, server: FogbankServer) -> None:
    iam = client("iam", aws_access_key_id="310000000001", aws_secret_access_key="x")
    user = "mfa-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=user)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user, Path="/team/")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::310000000001:mfa/team/{user}"
    assert device["QRCodePNG"].startswith(b"\x89PNG")
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    with pytest.raises(ClientError) as error:
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1="000000", AuthenticationCode2="000000"
        )
    assert error.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
    now = _now(server).timestamp()
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    listed = iam.list_mfa_devices(UserName=user)["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["User"]["UserName"] for d in assigned] == [user]
    with pytest.raises(ClientError) as error:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error.value.response["Error"]["Code"] == "DeleteConflict"
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []
    assert (
        iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"][0]["SerialNumber"]
        == serial
    )
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_codes_follow_the_clock_and_are_used_once() -> None:
    import boto3

    server = FogbankServer(tls_port=False).start()
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        iam.create_user(UserName="alice")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
        totp = pyotp.TOTP(device["Base32StringSeed"].decode())
        request = urllib.request.Request(
            server.endpoint + "/_fogbank/clock", data=json.dumps({"advance": "3d"}).encode(), method="POST"
        )
        urllib.request.urlopen(request).read()
        now = _now(server).timestamp()
        serial = device["SerialNumber"]
        with pytest.raises(ClientError):  # codes of real time are three days old on fogbank's clock
            real = datetime.now().timestamp()
            iam.enable_mfa_device(
                UserName="alice",
                SerialNumber=serial,
                AuthenticationCode1=totp.at(real - 30),
                AuthenticationCode2=totp.at(real),
            )
        iam.enable_mfa_device(
            UserName="alice",
            SerialNumber=serial,
            AuthenticationCode1=totp.at(now - 30),
            AuthenticationCode2=totp.at(now),
        )
    finally:
        server.stop()


def test_verify_mfa_code_refuses_replay(tmp_path: Path) -> None:
    from fogbank.services.iam import store
    from fogbank.services.iam.mfa import verify_mfa_code
    from fogbank.state import open_database

    db = open_database(tmp_path, fsync=False)
    seed = pyotp.random_base32()
    serial = "arn:aws:iam::123456789012:mfa/bob"
    with db.transaction() as tx:
        tx.put_doc(
            store.SERVICE, store.MFA_DEVICE, "123456789012", "", serial, {"Seed": seed, "UserId": "AIDA"}
        )
    moment = datetime(2030, 1, 1, 0, 0, 10, tzinfo=UTC)
    code = pyotp.TOTP(seed).at(moment)
    with db.transaction() as tx:
        assert verify_mfa_code(tx, serial, "000000" if code != "000000" else "111111", moment) is False
        assert verify_mfa_code(tx, serial, code, moment) is True
        assert verify_mfa_code(tx, serial, code, moment) is False


def test_get_resync_and_tag_a_device(client: Any, server: FogbankServer) -> None:
    iam = client("iam", aws_access_key_id="310000000002", aws_secret_access_key="x")
    user, other = ("mfa-" + uuid.uuid4().hex[:8] for _ in range(2))
    iam.create_user(UserName=user)
    iam.create_user(UserName=other)
    device = iam.create_virtual_mfa_device(
        VirtualMFADeviceName=user, Tags=[{"Key": "keep", "Value": "1"}, {"Key": "drop", "Value": "2"}]
    )["VirtualMFADevice"]
    serial = device["SerialNumber"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    with pytest.raises(ClientError) as error:  # not yet assigned to anyone
        iam.get_mfa_device(SerialNumber=serial, UserName=user)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    now = _now(server).timestamp()
    iam.enable_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now - 60),
        AuthenticationCode2=totp.at(now - 30),
    )

    got = iam.get_mfa_device(SerialNumber=serial, UserName=user)
    assert got["UserName"] == user and got["SerialNumber"] == serial and "EnableDate" in got
    with pytest.raises(ClientError) as error:
        iam.get_mfa_device(SerialNumber=serial, UserName=other)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"

    bad = "000000" if totp.at(now) != "000000" else "111111"
    with pytest.raises(ClientError) as error:
        iam.resync_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1=bad, AuthenticationCode2=bad
        )
    assert error.value.response["Error"]["Code"] == "InvalidAuthenticationCode"
    with pytest.raises(ClientError) as error:
        iam.resync_mfa_device(
            UserName=other,
            SerialNumber=serial,
            AuthenticationCode1=totp.at(now - 30),
            AuthenticationCode2=totp.at(now),
        )
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.resync_mfa_device(
        UserName=user,
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )

    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "KEEP", "Value": "3"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["drop"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "KEEP", "Value": "3"}]
    missing = "arn:aws:iam::310000000002:mfa/absent"
    for call in (
        lambda: iam.tag_mfa_device(SerialNumber=missing, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: iam.untag_mfa_device(SerialNumber=missing, TagKeys=["k"]),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "NoSuchEntity"
