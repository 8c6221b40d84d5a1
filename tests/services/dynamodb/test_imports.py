"""ImportTable, DescribeImport and ListImports: an export imported back, CSV, failures, idempotency."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.services.dynamodb.errors import error_of

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
GSI = {
    "IndexName": "by-g",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "ALL"},
}


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"imports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def new_name(ddb: Any) -> Iterator[Callable[[], str]]:
    """Names for the tables imports create, deleted after the test."""
    names: list[str] = []

    def make() -> str:
        names.append(f"imported-{uuid.uuid4().hex[:12]}")
        return names[-1]

    yield make
    for name in names:
        try:
            ddb.delete_table(TableName=name)
        except ddb.exceptions.ResourceNotFoundException:
            pass


def creation(name: str, **extra: Any) -> dict[str, Any]:
    definitions = [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ]
    definitions += extra.pop("definitions", [])
    return {
        "TableName": name,
        "KeySchema": KEYS,
        "AttributeDefinitions": definitions,
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def scan_all(ddb: Any, table: str) -> list[dict[str, Any]]:
    return sorted(ddb.scan(TableName=table)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["N"]))


def test_export_imported_back(
    ddb: Any, s3: Any, bucket: str, make_table: Callable[..., str], new_name: Any
) -> None:
    source = make_table(range=("sk", "N"))
    items = [
        {
            "pk": {"S": "a"},
            "sk": {"N": "1"},
            "g": {"S": "x"},
            "b": {"B": b"\x00\xff"},
            "bs": {"BS": [b"1", b"2"]},
        },
        {"pk": {"S": "a"}, "sk": {"N": "2.5"}, "m": {"M": {"l": {"L": [{"N": "3"}, {"NULL": True}]}}}},
        {
            "pk": {"S": "b"},
            "sk": {"N": "-7"},
            "g": {"S": "x"},
            "ss": {"SS": ["p", "q"]},
            "t": {"BOOL": False},
        },
    ]
    ddb.update_continuous_backups(
        TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    for item in items:
        ddb.put_item(TableName=source, Item=item)
    arn = ddb.describe_table(TableName=source)["Table"]["TableArn"]
    export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="exp")
    manifest = ddb.describe_export(ExportArn=export["ExportDescription"]["ExportArn"])["ExportDescription"][
        "ExportManifest"
    ]
    data_prefix = manifest.rsplit("/", 1)[0] + "/data/"
    name = new_name()
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": data_prefix},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters=creation(
            name, GlobalSecondaryIndexes=[GSI], definitions=[{"AttributeName": "g", "AttributeType": "S"}]
        ),
    )["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS" and "ErrorCount" not in started
    assert started["TableArn"].endswith(f":table/{name}") and started["ImportArn"].startswith(
        started["TableArn"]
    )
    assert started["CloudWatchLogGroupArn"].endswith(":log-group:/aws-dynamodb/imports:*")
    done = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED"
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (3, 3, 0)
    assert done["ProcessedSizeBytes"] > 0 and done["EndTime"] >= done["StartTime"]
    assert done["InputCompressionType"] == "GZIP" and done["S3BucketSource"]["S3KeyPrefix"] == data_prefix
    assert scan_all(ddb, name) == scan_all(ddb, source)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 3 and table["TableId"] == done["TableId"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-g"]
    assert ddb.scan(TableName=name, IndexName="by-g")["Count"] == 2
    listed = ddb.list_imports(TableArn=started["TableArn"])["ImportSummaryList"]
    assert [(s["ImportArn"], s["ImportStatus"], s["InputFormat"]) for s in listed] == [
        (started["ImportArn"], "COMPLETED", "DYNAMODB_JSON")
    ]


def test_csv_import(ddb: Any, s3: Any, bucket: str, new_name: Any) -> None:
    s3.put_object(Bucket=bucket, Key="csv/part-1.csv", Body=b"pk,sk,colour,g\na,1,red,x\nb,2,,y\nbad,row\n")
    s3.put_object(
        Bucket=bucket, Key="csv/part-2.csv", Body=b"pk,sk,colour\nc,notanumber,blue\n,4,green\nd,4,\n"
    )
    # S3 encrypts every object (SSE-S3): the import reads them decrypted.
    assert s3.head_object(Bucket=bucket, Key="csv/part-1.csv")["ServerSideEncryption"] == "AES256"
    name = new_name()
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "csv/"},
        InputFormat="CSV",
        TableCreationParameters=creation(
            name, GlobalSecondaryIndexes=[GSI], definitions=[{"AttributeName": "g", "AttributeType": "S"}]
        ),
    )["ImportTableDescription"]
    done = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    # Errors: the short row, a key of the wrong type, an empty partition key.
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (6, 3, 3)
    assert scan_all(ddb, name) == [
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "colour": {"S": "red"}, "g": {"S": "x"}},
        {"pk": {"S": "b"}, "sk": {"N": "2"}, "g": {"S": "y"}},
        {"pk": {"S": "d"}, "sk": {"N": "4"}},
    ]


def test_csv_header_list_and_delimiter(ddb: Any, s3: Any, bucket: str, new_name: Any) -> None:
    s3.put_object(Bucket=bucket, Key="semi/data.csv", Body=b"a;1;10\na;2;20\n")
    name = new_name()
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "semi/"},
        InputFormat="CSV",
        InputFormatOptions={"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "price"]}},
        TableCreationParameters=creation(name),
    )["ImportTableDescription"]
    assert started["InputFormatOptions"] == {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "price"]}}
    assert [i["price"] for i in scan_all(ddb, name)] == [{"S": "10"}, {"S": "20"}]


def test_malformed_json_lines_count_as_errors(ddb: Any, s3: Any, bucket: str, new_name: Any) -> None:
    lines = [
        {"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}},
        {"Item": {"pk": {"S": "b"}}},
        {"NotItem": {}},
        {"Item": {"pk": {"S": "c"}, "sk": {"N": "1"}, "s": {"SS": []}}},
        {"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n{not json\n"
    s3.put_object(Bucket=bucket, Key="json/one.json.gz", Body=gzip.compress(body.encode()))
    s3.put_object(Bucket=bucket, Key="json/two.json.gz", Body=b"not gzip at all")
    name = new_name()
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "json/"},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters=creation(name),
    )["ImportTableDescription"]
    done = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (7, 1, 5)
    assert scan_all(ddb, name) == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}]


def test_refused_requests(ddb: Any, bucket: str, make_table: Callable[..., str], new_name: Any) -> None:
    source = {"S3Bucket": bucket}
    name = new_name()
    for fmt, compression in (("ION", "NONE"), ("CSV", "ZSTD")):
        code, _ = error_of(
            ddb.import_table,
            S3BucketSource=source,
            InputFormat=fmt,
            InputCompressionType=compression,
            TableCreationParameters=creation(name),
        )
        assert code == "ValidationException"
    code, message = error_of(
        ddb.import_table,
        S3BucketSource=source,
        InputFormat="CSV",
        TableCreationParameters={**creation(name), "KeySchema": KEYS[:1]},
    )
    assert code == "ValidationException" and "AttributeDefinitions" in message
    existing = make_table(range=("sk", "N"))
    code, message = error_of(
        ddb.import_table, S3BucketSource=source, InputFormat="CSV", TableCreationParameters=creation(existing)
    )
    assert (code, message) == ("ResourceInUseException", f"Table already exists: {existing}")
    code, _ = error_of(
        ddb.describe_import,
        ImportArn=f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}/import/none-such",
    )
    assert code == "ImportNotFoundException"


def test_unreadable_source_fails_without_a_table(ddb: Any, bucket: str, new_name: Any) -> None:
    cases = [
        ({"S3Bucket": bucket + "-missing"}, "NoSuchBucket"),
        ({"S3Bucket": bucket, "S3KeyPrefix": "nothing-here/"}, "NoSuchKey"),
        ({"S3Bucket": bucket, "S3BucketOwner": "111122223333"}, "AccessDenied"),
    ]
    for source, failure in cases:
        name = new_name()
        started = ddb.import_table(
            S3BucketSource=source, InputFormat="CSV", TableCreationParameters=creation(name)
        )["ImportTableDescription"]
        done = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
        assert (done["ImportStatus"], done["FailureCode"]) == ("FAILED", failure)
        assert error_of(ddb.describe_table, TableName=name)[0] == "ResourceNotFoundException"


def test_client_token_and_paging(ddb: Any, s3: Any, bucket: str, new_name: Any) -> None:
    s3.put_object(Bucket=bucket, Key="tok/data.csv", Body=b"pk,sk\na,1\n")
    name = new_name()
    request = {
        "S3BucketSource": {"S3Bucket": bucket, "S3KeyPrefix": "tok/"},
        "InputFormat": "CSV",
        "TableCreationParameters": creation(name),
        "ClientToken": uuid.uuid4().hex,
    }
    first = ddb.import_table(**request)["ImportTableDescription"]
    again = ddb.import_table(**request)["ImportTableDescription"]
    assert again["ImportArn"] == first["ImportArn"] and again["ClientToken"] == request["ClientToken"]
    code, _ = error_of(ddb.import_table, **{**request, "InputFormat": "DYNAMODB_JSON"})
    assert code == "ImportConflictException"
    arns = {first["ImportArn"]}
    for _ in range(2):
        arns.add(
            ddb.import_table(
                **{
                    **request,
                    "ClientToken": uuid.uuid4().hex,
                    "TableCreationParameters": creation(new_name()),
                }
            )["ImportTableDescription"]["ImportArn"]
        )
    seen: list[str] = []
    page = ddb.list_imports(PageSize=1)
    while True:
        seen += [s["ImportArn"] for s in page["ImportSummaryList"]]
        assert len(page["ImportSummaryList"]) <= 1
        if "NextToken" not in page:
            break
        page = ddb.list_imports(PageSize=1, NextToken=page["NextToken"])
    assert arns <= set(seen) and len(seen) == len(set(seen))
