"""STS GetCallerIdentity through boto3, over HTTP and HTTPS, for the default keys."""

from __future__ import annotations

from typing import Any


def test_default_credentials_are_root_of_the_default_account(client: Any) -> None:
    identity = client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    assert identity["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert identity["ResponseMetadata"]["RequestId"]


def test_twelve_digit_access_key_is_root_of_that_account(client: Any) -> None:
    sts = client("sts", aws_access_key_id="123456789012", aws_secret_access_key="anything")
    identity = sts.get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"


def test_over_https(client: Any) -> None:
    assert client("sts", tls=True).get_caller_identity()["Account"] == "000000000000"


def test_regional_endpoint_and_other_region(client: Any) -> None:
    identity = client("sts", region_name="eu-west-1").get_caller_identity()
    assert identity["Account"] == "000000000000"
