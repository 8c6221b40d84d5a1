"""Access Advisor through boto3: GenerateServiceLastAccessedDetails and its two readers.

The authorize stage does not record service use yet, so the history is written the way it will be:
`record_service_access` on the database of a private server, which then answers the reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.services.iam.last_accessed import record_service_access
from fogbank.state import Database, open_database
from tests.server import FogbankServer

ACCOUNT = "630000000001"
USED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = datetime(2030, 2, 3, 4, 5, 6, tzinfo=UTC)


def _allow(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Database]]:
    data_dir: Path = tmp_path_factory.mktemp("advisor")
    server = FogbankServer(data_dir=data_dir, tls_port=False).start()
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=server.endpoint,
            aws_access_key_id=ACCOUNT,
            aws_secret_access_key="x",
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 0}),
        )
        yield iam, open_database(data_dir, fsync=False)
    finally:
        server.stop()


def _services(iam: Any, arn: str, granularity: str = "SERVICE_LEVEL") -> dict[str, dict[str, Any]]:
    job = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    details = iam.get_service_last_accessed_details(JobId=job)
    assert details["JobStatus"] == "COMPLETED" and details["JobType"] == granularity
    return {s["ServiceNamespace"]: s for s in details["ServicesLastAccessed"]}


def test_user_report_lists_the_services_its_policies_allow(advisor: tuple[Any, Database]) -> None:
    iam, db = advisor
    user = iam.create_user(UserName="reader")["User"]
    iam.put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=_allow("s3:GetObject", "sqs:Send*"))
    record_service_access(db, user["Arn"], "s3", "s3:GetObject", "eu-west-1", USED)

    services = _services(iam, user["Arn"])
    assert set(services) == {"s3", "sqs"}
    s3 = services["s3"]
    assert s3["LastAuthenticated"] == USED and s3["LastAuthenticatedEntity"] == user["Arn"]
    assert s3["LastAuthenticatedRegion"] == "eu-west-1" and s3["TotalAuthenticatedEntities"] == 1
    assert s3["ServiceName"] == "Amazon S3"
    assert "LastAuthenticated" not in services["sqs"] and services["sqs"]["TotalAuthenticatedEntities"] == 0

    actions = _services(iam, user["Arn"], "ACTION_LEVEL")["s3"]["TrackedActionsLastAccessed"]
    assert [(a["ActionName"], a["LastAccessedTime"], a["LastAccessedRegion"]) for a in actions] == [
        ("GetObject", USED, "eu-west-1")
    ]


def test_group_report_covers_its_members(advisor: tuple[Any, Database]) -> None:
    iam, db = advisor
    iam.create_group(GroupName="builders")
    iam.put_group_policy(GroupName="builders", PolicyName="p", PolicyDocument=_allow("lambda:*"))
    members = [iam.create_user(UserName=name)["User"] for name in ("ann", "ben")]
    for member in members:
        iam.add_user_to_group(GroupName="builders", UserName=member["UserName"])
    record_service_access(db, members[1]["Arn"], "lambda", "lambda:InvokeFunction", "us-east-1", USED)
    group_arn = iam.get_group(GroupName="builders")["Group"]["Arn"]

    job = iam.generate_service_last_accessed_details(Arn=group_arn)["JobId"]
    services = {
        s["ServiceNamespace"]: s
        for s in iam.get_service_last_accessed_details(JobId=job)["ServicesLastAccessed"]
    }
    assert list(services) == ["lambda"] and services["lambda"]["LastAuthenticatedEntity"] == members[1]["Arn"]
    entities = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="lambda")
    assert entities["JobStatus"] == "COMPLETED"
    by_name = {e["EntityInfo"]["Name"]: e for e in entities["EntityDetailsList"]}
    assert set(by_name) == {"ann", "ben"}
    assert by_name["ben"]["LastAuthenticated"] == USED and "LastAuthenticated" not in by_name["ann"]
    assert (
        by_name["ben"]["EntityInfo"]["Type"] == "USER"
        and by_name["ben"]["EntityInfo"]["Id"] == members[1]["UserId"]
    )


def test_role_sessions_count_for_the_role_and_policies_for_their_entities(
    advisor: tuple[Any, Database],
) -> None:
    iam, db = advisor
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    role = iam.create_role(RoleName="Worker", AssumeRolePolicyDocument=trust)["Role"]
    policy = iam.create_policy(PolicyName="DynamoAccess", PolicyDocument=_allow("dynamodb:GetItem"))["Policy"]
    iam.attach_role_policy(RoleName="Worker", PolicyArn=policy["Arn"])
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/i-123"
    record_service_access(db, session, "dynamodb", "dynamodb:GetItem", "us-west-2", LATER)

    role_services = _services(iam, role["Arn"])
    assert role_services["dynamodb"]["LastAuthenticated"] == LATER
    assert role_services["dynamodb"]["LastAuthenticatedEntity"] == session

    job = iam.generate_service_last_accessed_details(Arn=policy["Arn"])["JobId"]
    entities = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="dynamodb")
    [worker] = entities["EntityDetailsList"]
    assert worker["EntityInfo"]["Arn"] == role["Arn"] and worker["LastAuthenticated"] == LATER


def test_reports_page_and_refuse_unknowns(advisor: tuple[Any, Database]) -> None:
    iam, _ = advisor
    user = iam.create_user(UserName="everything")["User"]
    iam.put_user_policy(UserName="everything", PolicyName="p", PolicyDocument=_allow("*"))
    job = iam.generate_service_last_accessed_details(Arn=user["Arn"])["JobId"]
    first = iam.get_service_last_accessed_details(JobId=job, MaxItems=10)
    assert len(first["ServicesLastAccessed"]) == 10 and first["IsTruncated"]
    second = iam.get_service_last_accessed_details(JobId=job, MaxItems=10, Marker=first["Marker"])
    names = [s["ServiceNamespace"] for s in first["ServicesLastAccessed"] + second["ServicesLastAccessed"]]
    assert len(set(names)) == 20

    with pytest.raises(ClientError) as error:
        iam.get_service_last_accessed_details(JobId="00000000-0000-0000-0000-000000000000")
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as error:
        iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT}:user/ghost")
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"
