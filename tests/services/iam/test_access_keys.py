"""IAM access keys through boto3: issue, list, deactivate, delete, last use, and signing with them."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

# Lets a user list its own keys, whatever its name: the policy variable AWS's examples use.
_OWN_KEYS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:ListAccessKeys",
                "Resource": "arn:aws:iam::*:user/${aws:username}",
            }
        ],
    }
)


def _user(iam: Any) -> str:
    name = "keys-" + uuid.uuid4().hex[:10]
    iam.create_user(UserName=name)
    return name


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_create_list_update_delete(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", key["SecretAccessKey"])
    assert key["Status"] == "Active" and key["UserName"] == name
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
    with pytest.raises(ClientError) as error:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    assert _code(error) == "NoSuchEntity"


def test_at_most_two_keys_per_user(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    iam.create_access_key(UserName=name)
    iam.create_access_key(UserName=name)
    with pytest.raises(ClientError) as error:
        iam.create_access_key(UserName=name)
    assert _code(error) == "LimitExceeded"
    assert error.value.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"


def test_unknown_user_is_no_such_entity(client: Any) -> None:
    with pytest.raises(ClientError) as error:
        client("iam").create_access_key(UserName="nobody-" + uuid.uuid4().hex[:8])
    assert _code(error) == "NoSuchEntity"


def test_key_signs_requests_as_its_user(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    identity = sts.get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::000000000000:user/{name}"
    assert identity["UserId"] == iam.get_user(UserName=name)["User"]["UserId"]
    wrong = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key="x" * 40)
    with pytest.raises(ClientError) as error:
        wrong.get_caller_identity()
    assert _code(error) == "SignatureDoesNotMatch"


def test_inactive_key_is_refused(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as error:
        sts.get_caller_identity()
    assert _code(error) == "InvalidClientTokenId"


def test_user_manages_own_keys_without_user_name(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    own = client("iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as error:  # a user's requests are authorized: no policy, no listing
        own.list_access_keys()
    assert _code(error) == "AccessDenied"
    iam.put_user_policy(UserName=name, PolicyName="own-keys", PolicyDocument=_OWN_KEYS)
    listed = own.list_access_keys()["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"]) for k in listed] == [(name, key["AccessKeyId"])]


def test_root_creates_root_keys(client: Any) -> None:
    iam = client("iam", aws_access_key_id="777700001111", aws_secret_access_key="x")
    key = iam.create_access_key()["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::777700001111:root"
    assert [k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]] == [key["AccessKeyId"]]
    iam.delete_access_key(AccessKeyId=key["AccessKeyId"])


def test_last_used_is_n_a_until_recorded(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    answer = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert answer["UserName"] == name
    assert answer["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}


def test_record_key_use_writes_once_a_minute(tmp_path: Path) -> None:
    from fogbank.services.iam import store
    from fogbank.services.iam.keys import record_key_use
    from fogbank.state import open_database

    db = open_database(tmp_path, fsync=False)
    key = "AKIA" + uuid.uuid4().hex[:16].upper()
    doc = {"Account": "1", "UserId": "AIDA", "Arn": "a", "SecretAccessKey": "s", "Status": "Active"}
    with db.transaction() as tx:
        tx.put_doc(store.SERVICE, store.ACCESS_KEY, "", "", key, doc)

    def last_used() -> dict[str, str]:
        with db.transaction(write=False) as tx:
            found = tx.get_doc(store.SERVICE, store.ACCESS_KEY, "", "", key)
        assert found is not None
        return dict(found["LastUsed"])

    start = datetime(2030, 1, 1, tzinfo=UTC)
    record_key_use(db, key, "s3", "eu-west-1", start)
    record_key_use(db, key, "sqs", "eu-west-1", start + timedelta(seconds=30))
    assert last_used() == {
        "LastUsedDate": "2030-01-01T00:00:00+00:00",
        "ServiceName": "s3",
        "Region": "eu-west-1",
    }
    record_key_use(db, key, "sqs", "us-east-2", start + timedelta(seconds=61))
    assert last_used()["ServiceName"] == "sqs" and last_used()["Region"] == "us-east-2"


def test_deleted_key_is_refused_not_taken_for_a_default_key(client: Any) -> None:
    iam = client("iam")
    name = _user(iam)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{name}")
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as error:
        sts.get_caller_identity()
    assert _code(error) == "InvalidClientTokenId"
