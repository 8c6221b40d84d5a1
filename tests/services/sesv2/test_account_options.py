"""SES v2 stored settings: dedicated IP pools, VDM, archiving, auto-warmup, the deliverability dashboard."""

from __future__ import annotations

from typing import Any

from tests.services.ses.conftest import refused


def test_dedicated_ip_pools(sesv2: Any, account: str) -> None:
    sesv2.create_dedicated_ip_pool(PoolName="standard", Tags=[{"Key": "k", "Value": "v"}])
    sesv2.create_dedicated_ip_pool(PoolName="managed", ScalingMode="MANAGED")
    assert refused(sesv2.create_dedicated_ip_pool, PoolName="standard") == "AlreadyExistsException"
    assert sesv2.get_dedicated_ip_pool(PoolName="standard")["DedicatedIpPool"] == {
        "PoolName": "standard",
        "ScalingMode": "STANDARD",
    }
    assert sesv2.get_dedicated_ip_pool(PoolName="managed")["DedicatedIpPool"]["ScalingMode"] == "MANAGED"
    assert sesv2.list_dedicated_ip_pools()["DedicatedIpPools"] == ["managed", "standard"]
    assert sesv2.get_dedicated_ips(PoolName="standard")["DedicatedIps"] == []
    arn = f"arn:aws:ses:us-east-1:{account}:dedicated-ip-pool/standard"
    assert sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    assert (
        refused(sesv2.put_dedicated_ip_in_pool, Ip="192.0.2.10", DestinationPoolName="standard")
        == "NotFoundException"
    )
    sesv2.delete_dedicated_ip_pool(PoolName="standard")
    for call in (
        lambda: sesv2.get_dedicated_ip_pool(PoolName="standard"),
        lambda: sesv2.delete_dedicated_ip_pool(PoolName="standard"),
        lambda: sesv2.get_dedicated_ips(PoolName="standard"),
    ):
        assert refused(call) == "NotFoundException"
    assert sesv2.list_dedicated_ip_pools()["DedicatedIpPools"] == ["managed"]


def test_account_vdm_and_warmup(sesv2: Any) -> None:
    account = sesv2.get_account()
    assert account["DedicatedIpAutoWarmupEnabled"] is False and "VdmAttributes" not in account
    vdm = {"VdmEnabled": "ENABLED", "DashboardAttributes": {"EngagementMetrics": "ENABLED"}}
    sesv2.put_account_vdm_attributes(VdmAttributes=vdm)
    sesv2.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=True)
    account = sesv2.get_account()
    assert account["VdmAttributes"] == vdm and account["DedicatedIpAutoWarmupEnabled"] is True


def test_configuration_set_archiving_vdm_and_update(sesv2: Any) -> None:
    sesv2.create_configuration_set(ConfigurationSetName="set")
    archive = "arn:aws:ses:us-east-1:000000000000:mailmanager-archive/a-" + "0" * 24
    sesv2.put_configuration_set_archiving_options(ConfigurationSetName="set", ArchiveArn=archive)
    vdm = {"DashboardOptions": {"EngagementMetrics": "DISABLED"}}
    sesv2.put_configuration_set_vdm_options(ConfigurationSetName="set", VdmOptions=vdm)
    security: dict[str, Any] = {"SigningScheme": {"DefaultScheme": {}}}
    sesv2.update_configuration_set(ConfigurationSetName="set", MessageSecurityOptions=security)
    got = sesv2.get_configuration_set(ConfigurationSetName="set")
    assert got["ArchivingOptions"] == {"ArchiveArn": archive} and got["VdmOptions"] == vdm
    assert got["MessageSecurityOptions"] == security
    for call in (
        lambda: sesv2.put_configuration_set_vdm_options(ConfigurationSetName="nope", VdmOptions=vdm),
        lambda: sesv2.put_configuration_set_archiving_options(ConfigurationSetName="nope"),
        lambda: sesv2.update_configuration_set(ConfigurationSetName="nope"),
    ):
        assert refused(call) == "NotFoundException"


def test_deliverability_dashboard(sesv2: Any) -> None:
    assert sesv2.get_deliverability_dashboard_options()["DashboardEnabled"] is False
    assert (
        refused(
            sesv2.put_deliverability_dashboard_option,
            DashboardEnabled=True,
            SubscribedDomains=[{"Domain": "x.test"}],
        )
        == "NotFoundException"
    )
    sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.put_deliverability_dashboard_option(
        DashboardEnabled=True, SubscribedDomains=[{"Domain": "example.com"}]
    )
    got = sesv2.get_deliverability_dashboard_options()
    assert got["DashboardEnabled"] is True and got["AccountStatus"] == "ACTIVE"
    assert [d["Domain"] for d in got["ActiveSubscribedDomains"]] == ["example.com"]
    assert "SubscriptionExpiryDate" in got
    sesv2.put_deliverability_dashboard_option(DashboardEnabled=False)
    assert sesv2.get_deliverability_dashboard_options()["AccountStatus"] == "DISABLED"
