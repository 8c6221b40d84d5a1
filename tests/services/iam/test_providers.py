"""OIDC identity providers through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_oidc_provider_lifecycle(client: Any) -> None:
    iam = client("iam", aws_access_key_id="410000000001", aws_secret_access_key="x")
    arn = iam.create_open_id_connect_provider(
        Url="https://token.example.com/path", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    assert arn == "arn:aws:iam::410000000001:oidc-provider/token.example.com/path"
    with pytest.raises(ClientError) as error:
        iam.create_open_id_connect_provider(Url="https://token.example.com/path", ClientIDList=["x"])
    assert error.value.response["Error"]["Code"] == "EntityAlreadyExists"
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="app")
    iam.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com"
    )
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "token.example.com/path" and got["ClientIDList"] == ["app"]
    assert got["ThumbprintList"] == ["b" * 40]
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [arn]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as error:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"


def test_oidc_url_must_be_https(client: Any) -> None:
    with pytest.raises(ClientError) as error:
        client("iam").create_open_id_connect_provider(Url="http://insecure.example.com", ClientIDList=["x"])
    assert error.value.response["Error"]["Code"] == "InvalidInput"


def test_oidc_provider_tags(client: Any) -> None:
    iam = client("iam", aws_access_key_id="410000000002", aws_secret_access_key="x")
    arn = iam.create_open_id_connect_provider(
        Url="https://tags.example.com",
        ClientIDList=["app"],
        ThumbprintList=["c" * 40],
        Tags=[{"Key": "env", "Value": "dev"}],
    )["OpenIDConnectProviderArn"]
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]
    iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "team", "Value": "id"}]
    )
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "Env", "Value": "prod"},
        {"Key": "team", "Value": "id"},
    ]
    page = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, MaxItems=1)
    assert page["IsTruncated"] and page["Tags"] == [{"Key": "Env", "Value": "prod"}]
    rest = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, Marker=page["Marker"])
    assert rest["Tags"] == [{"Key": "team", "Value": "id"}] and not rest["IsTruncated"]
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["ENV"])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "id"}
    ]
    with pytest.raises(ClientError) as error:
        iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "aws:x", "Value": "y"}])
    assert error.value.response["Error"]["Code"] == "InvalidInput"
    missing = "arn:aws:iam::410000000002:oidc-provider/absent.example.com"
    with pytest.raises(ClientError) as error:
        iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=missing)
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
