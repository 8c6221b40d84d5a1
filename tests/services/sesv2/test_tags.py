"""SES v2 tags on identities, configuration sets and templates."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_tag_untag_list(sesv2: Any, account: str) -> None:
    sesv2.create_email_identity(EmailIdentity="example.com", Tags=[{"Key": "team", "Value": "mail"}])
    sesv2.create_configuration_set(ConfigurationSetName="cs")
    sesv2.create_email_template(TemplateName="t", TemplateContent={"Subject": "s", "Text": "t"})
    for arn in (
        f"arn:aws:ses:us-east-1:{account}:identity/example.com",
        f"arn:aws:ses:us-east-1:{account}:configuration-set/cs",
        f"arn:aws:ses:us-east-1:{account}:template/t",
    ):
        sesv2.tag_resource(
            ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "ops"}]
        )
        assert sorted(
            (t["Key"], t["Value"]) for t in sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"]
        ) == [
            ("env", "dev"),
            ("team", "ops"),
        ]
        sesv2.untag_resource(ResourceArn=arn, TagKeys=["team"])
        assert sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert sesv2.get_email_identity(EmailIdentity="example.com")["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as caught:
        sesv2.list_tags_for_resource(ResourceArn=f"arn:aws:ses:us-east-1:{account}:identity/nope.com")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as caught:
        sesv2.list_tags_for_resource(ResourceArn="not-an-arn")
    assert caught.value.response["Error"]["Code"] == "BadRequestException"
