"""Tables: CreateTable's checks, DescribeTable's fields, UpdateTable, DeleteTable, ListTables and tags."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.dynamodb.errors import error_of
from tests.services.dynamodb.shapes import definitions, index


def _name() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def _keys(*names: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": n, "KeyType": k} for n, k in names]


def test_create_describe_and_waiter(ddb: Any) -> None:
    name = _name()
    created = ddb.create_table(
        TableName=name,
        KeySchema=_keys(("pk", "HASH"), ("sk", "RANGE")),
        AttributeDefinitions=definitions(pk="S", sk="N"),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
        Tags=[{"Key": "team", "Value": "db"}],
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableId"] == created["TableId"]
    assert table["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0
    assert table["TableClassSummary"]["TableClass"] == "STANDARD"
    assert table["DeletionProtectionEnabled"] is False
    assert "BillingModeSummary" not in table
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
        {"Key": "team", "Value": "db"}
    ]
    ddb.delete_table(TableName=name)
    assert error_of(ddb.describe_table, TableName=name) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


def test_create_twice_is_in_use(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert error_of(make_table, TableName=name) == ("ResourceInUseException", f"Table already exists: {name}")


@pytest.mark.parametrize(
    ("keys", "defs", "extra", "message"),
    [
        (
            _keys(("pk", "HASH")),
            definitions(pk="S", other="S"),
            {},
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
            "match number of attributes defined in AttributeDefinitions",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(other="S"),
            {},
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
        ),
        (
            _keys(("pk", "RANGE")),
            definitions(pk="S"),
            {},
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            _keys(("pk", "HASH"), ("pk", "RANGE")),
            definitions(pk="S"),
            {},
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(pk="S"),
            {"BillingMode": "PROVISIONED"},
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both "
            "be specified when BillingMode is PROVISIONED",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(pk="S"),
            {
                "BillingMode": "PAY_PER_REQUEST",
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            },
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can "
            "be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(pk="S", g="S"),
            {
                "BillingMode": "PAY_PER_REQUEST",
                "LocalSecondaryIndexes": [index("lsi", "pk", "g")],
            },
            "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
            "required when specifying a LocalSecondaryIndex",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(pk="S", g="S", unused="N"),
            {
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [index("gsi", "g")],
            },
            "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
            "AttributeDefinitions: [pk, g, unused], keys used: [pk, g]",
        ),
        (
            _keys(("pk", "HASH")),
            definitions(pk="S", g="S"),
            {
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [index("gsi", "g", None, "INCLUDE")],
            },
            "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is "
            "not specified",
        ),
    ],
)
def test_create_table_validation(ddb: Any, keys: Any, defs: Any, extra: dict, message: str) -> None:
    name = _name()
    assert error_of(ddb.create_table, TableName=name, KeySchema=keys, AttributeDefinitions=defs, **extra) == (
        "ValidationException",
        message,
    )
    with pytest.raises(ClientError):
        ddb.describe_table(TableName=name)


def test_table_name_is_checked(ddb: Any) -> None:
    assert error_of(
        ddb.create_table,
        TableName="ab",
        KeySchema=_keys(("pk", "HASH")),
        AttributeDefinitions=definitions(pk="S"),
        BillingMode="PAY_PER_REQUEST",
    )[1] == (
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )


def test_indexes_streams_and_on_demand(ddb: Any, make_table: Any) -> None:
    name = make_table(
        range=("sk", "S"),
        extra_attributes={"lk": "N", "gk": "S"},
        LocalSecondaryIndexes=[index("by-lk", "pk", "lk", "KEYS_ONLY")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-gk",
                "KeySchema": _keys(("gk", "HASH")),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        TableClass="STANDARD_INFREQUENT_ACCESS",
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    (lsi,) = table["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "by-lk" and lsi["ItemCount"] == 0 and lsi["IndexSizeBytes"] == 0
    assert lsi["IndexArn"] == f"{table['TableArn']}/index/by-lk"
    (gsi,) = table["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "ACTIVE"
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["SSEDescription"]["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_too_many_local_indexes(ddb: Any) -> None:
    lsis = [
        {
            "IndexName": f"lsi{i}",
            "KeySchema": _keys(("pk", "HASH"), ("sk", "RANGE")),
            "Projection": {"ProjectionType": "ALL"},
        }
        for i in range(6)
    ]
    assert error_of(
        ddb.create_table,
        TableName=_name(),
        KeySchema=_keys(("pk", "HASH"), ("sk", "RANGE")),
        AttributeDefinitions=definitions(pk="S", sk="S"),
        BillingMode="PAY_PER_REQUEST",
        LocalSecondaryIndexes=lsis,
    )[1] == (
        "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit "
        "of 5"
    )


def test_update_throughput_billing_and_protection(ddb: Any, make_table: Any) -> None:
    name = make_table(
        BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )
    assert error_of(
        ddb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )[1].startswith("The provisioned throughput for the table will not change.")
    updated = ddb.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 9}
    )
    assert updated["TableDescription"]["TableStatus"] == "UPDATING"
    throughput = ddb.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (2, 9)
    assert throughput["NumberOfDecreasesToday"] == 1
    assert "LastDecreaseDateTime" in throughput and "LastIncreaseDateTime" in throughput
    ddb.update_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", OnDemandThroughput={"MaxReadRequestUnits": 100}
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["OnDemandThroughput"] == {"MaxReadRequestUnits": 100}
    ddb.update_table(TableName=name, DeletionProtectionEnabled=True)
    assert error_of(ddb.delete_table, TableName=name) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
        "protection first.",
    )
    assert error_of(ddb.update_table, TableName=name)[0] == "ValidationException"


def test_update_streams_and_table_class(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.update_table(
        TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    assert error_of(
        ddb.update_table,
        TableName=name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    ) == (
        "ValidationException",
        f"Table already has an enabled stream: TableName: {name}",
    )
    ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    summary = ddb.describe_table(TableName=name)["Table"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS" and "LastUpdateDateTime" in summary


def test_list_tables_pages(ddb: Any, make_table: Any) -> None:
    prefix = f"list-{uuid.uuid4().hex[:6]}"
    names = sorted(make_table(TableName=f"{prefix}-{i}") for i in range(5))
    seen: list[str] = []
    start: dict[str, str] = {"ExclusiveStartTableName": names[0][:-2]}
    while True:
        page = ddb.list_tables(Limit=2, **start)
        seen += [n for n in page["TableNames"] if n.startswith(prefix)]
        if "LastEvaluatedTableName" not in page or not page["TableNames"][-1].startswith(prefix):
            break
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
    assert seen == names


def test_tags(ddb: Any, make_table: Any) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = arn + "-missing"
    assert error_of(ddb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
    )


def test_stream_disable_keeps_the_latest_arn(ddb: Any, make_table: Any) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    assert error_of(
        ddb.update_table,
        TableName=name,
        StreamSpecification={"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
    )[1] == (
        "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must "
        "not be specified"
    )
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == arn
    assert (
        error_of(ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": False})[1]
        == f"Table has no stream to disable: TableName: {name}"
    )
    assert error_of(ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": True})[1] == (
        "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is "
        "required"
    )


def test_update_table_combinations(ddb: Any, make_table: Any) -> None:
    name = make_table()
    cases = [
        (
            {"SSESpecification": {"Enabled": True}, "DeletionProtectionEnabled": True},
            "One or more parameter values were invalid: Server-Side Encryption modification must be the only "
            "operation in the request",
        ),
        (
            {"TableClass": "STANDARD_INFREQUENT_ACCESS", "DeletionProtectionEnabled": True},
            "One or more parameter values were invalid: TableClass modification must be the only operation "
            "in the request",
        ),
        (
            {"SSESpecification": {"Enabled": False, "SSEType": "KMS"}},
            "One or more parameter values were invalid: SSEType can not be specified if Enabled is false",
        ),
    ]
    for kwargs, message in cases:
        assert error_of(ddb.update_table, TableName=name, **kwargs) == ("ValidationException", message)
    assert error_of(ddb.update_table, TableName=name)[1].startswith(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled"
    )


def test_index_updates_name_only_global_indexes(ddb: Any, make_table: Any) -> None:
    name = make_table(
        range=("sk", "S"),
        extra_attributes={"lk": "S", "gk": "S"},
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        LocalSecondaryIndexes=[index("lsi", "pk", "lk")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi",
                "KeySchema": _keys(("gk", "HASH")),
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
    )
    assert (
        error_of(
            ddb.update_table, TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "lsi"}}]
        )[1]
        == "Cannot delete an index that is not a GlobalSecondaryIndex: lsi"
    )
    same = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    assert error_of(
        ddb.update_table,
        TableName=name,
        GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "gsi", "ProvisionedThroughput": same}}],
    )[1].startswith("The provisioned throughput for the index gsi will not change.")
    ddb.update_table(
        TableName=name,
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "gsi",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2},
                }
            }
        ],
    )
    (gsi,) = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert gsi["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert (
        error_of(
            ddb.update_table,
            TableName=name,
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": "new",
                        "KeySchema": _keys(("undefined", "HASH")),
                        "Projection": {"ProjectionType": "ALL"},
                        "ProvisionedThroughput": same,
                    }
                }
            ],
        )[1]
        == "One or more parameter values were invalid: AttributeDefinitions is not specified for index: new"
    )


def test_tag_checks(ddb: Any, make_table: Any) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    cases = [
        (arn, [{"Key": "aws:x", "Value": "1"}], "Tag Key cannot be prefixed with aws:, Key: aws:x"),
        (
            arn,
            [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found a",
        ),
        (
            f"{arn}/index/some",
            [{"Key": "a", "Value": "1"}],
            "One or more parameter values were invalid: Invalid resource arn provided, only table or stream "
            f"is accepted. Provided resource arn: {arn}/index/some",
        ),
    ]
    for resource, tags, message in cases:
        assert error_of(ddb.tag_resource, ResourceArn=resource, Tags=tags) == ("ValidationException", message)


def test_throughput_decreases_are_limited_per_day(ddb: Any, make_table: Any) -> None:
    name = make_table(
        BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 5}
    )
    for units in (90, 80, 70, 60):
        ddb.update_table(
            TableName=name, ProvisionedThroughput={"ReadCapacityUnits": units, "WriteCapacityUnits": 5}
        )
    throughput = ddb.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
    assert throughput["NumberOfDecreasesToday"] == 4
    code, message = error_of(
        ddb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 5},
    )
    assert code == "LimitExceededException"
    assert message.startswith(
        "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. "
        "After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most "
        "once every 3600 seconds. Number of decreases today: 4. Last decrease at "
    )
    # Increases are never limited.
    ddb.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 500, "WriteCapacityUnits": 5}
    )


def test_a_recreated_table_has_only_its_own_schema_and_items(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "old"}})["Item"] == {"pk": {"S": "old"}}
    ddb.delete_table(TableName=name)
    make_table(hash=("id", "N"), range=("at", "S"), TableName=name)
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "old"}}) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )
    ddb.put_item(TableName=name, Item={"id": {"N": "1"}, "at": {"S": "x"}})
    assert ddb.scan(TableName=name)["Items"] == [{"id": {"N": "1"}, "at": {"S": "x"}}]
    ddb.delete_table(TableName=name)
    assert error_of(ddb.put_item, TableName=name, Item={"id": {"N": "2"}, "at": {"S": "y"}}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
